/*
 * NAME
 *	hdrencode - UTF-8 text as an RFC 2047 header value
 * DESCRIPTION
 *	Text is cut into runs of whole characters whose encoded form fits one
 *	encoded word (at most 75 octets, RFC 2047 section 2); white space
 *	stays inside the words, since a decoder drops the folding white space
 *	between adjacent words.
 */
#include <stdlib.h>
#include <string.h>
#include "sanitizer/hdrencode.h"
#include "sanitizer/charset.h"
#include "sanitizer/limits.h"
#include "sanitizer/strbuf.h"

#define HDRENCODE_UTF8_PREFIX	"=?UTF-8?B?"
#define HDRENCODE_JIS_PREFIX	"=?ISO-2022-JP?B?"

/* hdrencode_needs - 1 if the text cannot stand as plain ASCII */
static int hdrencode_needs(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x7f || *p < 0x20 || (p[0] == '=' && p[1] == '?'))
            return 1;
    return 0;
}

/* hdrencode_charlen - octets of the UTF-8 character at s */
static size_t hdrencode_charlen(const unsigned char *s)
{
    if (*s < 0x80) return 1;
    if ((*s & 0xe0) == 0xc0) return 2;
    if ((*s & 0xf0) == 0xe0) return 3;
    if ((*s & 0xf8) == 0xf0) return 4;
    return 1;
}

/* hdrencode_b64 - append base64 of len octets */
static void hdrencode_b64(strbuf *b, const unsigned char *in, size_t len)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len) v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len) v |= in[i + 2];
        char q[4] = { al[(v >> 18) & 63], al[(v >> 12) & 63],
                      i + 1 < len ? al[(v >> 6) & 63] : '=', i + 2 < len ? al[v & 63] : '=' };
        strbuf_append(b, q, 4);
    }
}

/* hdrencode_raw_max - raw octets that fit a word on a line with `used` columns taken */
static size_t hdrencode_raw_max(int jis, size_t used)
{
    size_t over = strlen(jis ? HDRENCODE_JIS_PREFIX : HDRENCODE_UTF8_PREFIX) + 2;
    size_t room = LIMITS_HEADER_LINE > used + over ? LIMITS_HEADER_LINE - used - over : 4;
    return room / 4 * 3 > 3 ? room / 4 * 3 : 3;
}

/* hdrencode_words - encode all of s as words of one charset; -1 if a run cannot be carried */
static int hdrencode_words(const char *s, int jis, size_t name_len, strbuf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    int first = 1;

    while (*p) {
        /* The first word follows "Name: ", the others a folding space. */
        size_t max = hdrencode_raw_max(jis, first ? name_len + 2 : 1);
        size_t take = 0, enc_len = 0;
        char *enc = NULL;
        /* Grow the run one character at a time while it still fits. */
        while (p[take]) {
            size_t next = take + hdrencode_charlen(p + take);
            for (size_t k = take + 1; k < next; k++)
                if (!p[k])
                    next = k;
            size_t el;
            char *e;
            if (jis) {
                e = charset_utf8_to_iso2022jp((const char *)p, next, &el);
                if (!e) {
                    free(enc);
                    return -1;
                }
            } else {
                e = NULL;
                el = next;
            }
            if (el > max && take > 0) {
                free(e);
                break;
            }
            free(enc);
            enc = e;
            enc_len = el;
            take = next;
            if (el > max)
                break;		/* one character alone; cannot happen for real text */
        }
        if (!first)
            strbuf_puts(out, "\n ");
        first = 0;
        strbuf_puts(out, jis ? HDRENCODE_JIS_PREFIX : HDRENCODE_UTF8_PREFIX);
        hdrencode_b64(out, jis ? (const unsigned char *)enc : p, jis ? enc_len : take);
        strbuf_puts(out, "?=");
        free(enc);
        p += take;
    }
    return out->oom ? -1 : 0;
}

/* hdrencode_text - the header value for utf8 */
char *hdrencode_text(const char *utf8, int iso2022jp, size_t name_len)
{
    strbuf b = { 0 };

    if (!hdrencode_needs(utf8) && strlen(utf8) + name_len + 2 <= LIMITS_HEADER_LINE)
        return strdup(utf8);
    if (iso2022jp && hdrencode_words(utf8, 1, name_len, &b) == 0)
        return strbuf_steal(&b, NULL);
    strbuf_free(&b);
    b = (strbuf){ 0 };
    if (hdrencode_words(utf8, 0, name_len, &b) < 0) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, NULL);
}
