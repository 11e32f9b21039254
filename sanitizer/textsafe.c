/*
 * NAME
 *	textsafe - tell binary content from text; make control characters visible
 * DESCRIPTION
 *	A stray NUL or ESC does not make a mail binary (old mailers leave
 *	them, coloured logs are full of ESC), so binary is a matter of share:
 *	a program file is a third NUL and control bytes. Controls are shown
 *	the way the notice shows invisible characters in names, "<U+001B>",
 *	which survives any output charset.
 */
#include <stdio.h>
#include <stdlib.h>
#include "sanitizer/limits.h"
#include "sanitizer/strbuf.h"
#include "sanitizer/textsafe.h"
#include "sanitizer/utf8.h"

/* textsafe_next - decode one character of s (n > 0 bytes left); 0 length never */
static size_t textsafe_next(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned char tmp[4] = { 0 };
    size_t k;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    /* utf8_next may read 4 octets: copy a short tail */
    for (k = 0; k < 4 && k < n; k++)
        tmp[k] = s[k];
    k = utf8_next(tmp, cp);
    if (k == 0 || k > n) {
        *cp = 0xfffd;
        return 1;
    }
    return k;
}

/* textsafe_binary - 1 when controls and undecodable characters make the content binary */
int textsafe_binary(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t chars = 0, bad = 0;
    unsigned cp;

    for (size_t i = 0; i < len; ) {
        i += textsafe_next(u + i, len - i, &cp);
        chars++;
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r' && cp != '\f' && cp != 0x1b) ||
            (cp >= 0x7f && cp < 0xa0) || cp == 0xfffd)
            bad++;
    }
    return bad >= LIMITS_BINARY_MIN && bad * 100 >= chars * LIMITS_BINARY_PERCENT;
}

/* textsafe_visible - controls but tab and line ends shown as <U+XXXX> */
char *textsafe_visible(const char *s, size_t len, size_t *outlen)
{
    const unsigned char *u = (const unsigned char *)s;
    strbuf b = { 0 };
    size_t done = 0;
    unsigned cp;

    if (strbuf_append(&b, "", 0) < 0)
        return NULL;
    for (size_t i = 0; i < len; ) {
        size_t k = textsafe_next(u + i, len - i, &cp);
        int ctl = (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp < 0xa0);
        int invalid = cp == 0xfffd && k == 1;
        if (cp == '\r' && i + 1 < len && u[i + 1] == '\n')
            ctl = 0;
        if (ctl || invalid) {
            char pic[16];
            strbuf_append(&b, s + done, i - done);
            if (cp == '\r')
                strbuf_puts(&b, "\n");
            else if (invalid)
                strbuf_puts(&b, "\xef\xbf\xbd");
            else {
                snprintf(pic, sizeof(pic), "<U+%04X>", cp);
                strbuf_puts(&b, pic);
            }
            done = i + k;
        }
        i += k;
    }
    strbuf_append(&b, s + done, len - done);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, outlen);
}
