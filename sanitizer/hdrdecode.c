/*
 * NAME
 *	hdrdecode - decode header text (RFC 2047) and MIME parameters (RFC 2231)
 * DESCRIPTION
 *	hdrdecode_text() unfolds the value, splits it into plain text and
 *	encoded words, drops the white space between adjacent encoded words,
 *	and converts: consecutive words in one stateless charset are joined
 *	as bytes first (a UTF-8 character may be split across words);
 *	ISO-2022-JP words are converted one by one, joined with the next word
 *	only when one alone fails or ends inside a double-byte run. Raw 8-bit
 *	or JIS text outside encoded words is detected as a whole.
 *
 *	hdrdecode_param() reads the parameter list leniently (stray ';',
 *	comments, missing quotes, duplicates: the first wins), joins RFC 2231
 *	sections as raw bytes in section order and converts them once with the
 *	charset of section 0, so a split inside an escape sequence or a
 *	multibyte character does no harm; charset_to_utf8() repairs wrong
 *	labels in every path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanitizer/charset.h"
#include "sanitizer/hdrdecode.h"
#include "sanitizer/strbuf.h"
#include "sanitizer/limits.h"

#define HD_CS_MAX	64	/* longest charset label in an encoded word */

/* One piece of a header: plain text, or the decoded bytes of an encoded word. */
struct hd_tok {
    int		word;
    size_t	off, len;	/* text: span of the unfolded value; word: span of bytes */
    char	cs[HD_CS_MAX];
};

struct hd_toks {
    struct hd_tok *v;
    size_t	n, cap;
    int		oom;
};

/* hd_buf_ready - the buffer is allocated and NUL-terminated, even when empty; 0 after out-of-memory */
static int hd_buf_ready(strbuf *b)
{
    if (!b->s)
        strbuf_append(b, "", 0);
    return !b->oom;
}

/* hd_buf_putc - append one byte */
static void hd_buf_putc(strbuf *b, unsigned char c)
{
    strbuf_append(b, &c, 1);
}

/* hd_buf_finish - hand over the text, or NULL after out-of-memory */
static char *hd_buf_finish(strbuf *b)
{
    if (!hd_buf_ready(b)) {
        strbuf_free(b);
        return NULL;
    }
    b->s[b->len] = '\0';	/* hd_trim shortens in place */
    return strbuf_steal(b, NULL);
}

/* hd_is_wsp - space or tab */
static int hd_is_wsp(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* hd_hexval - value of a hex digit, or -1 */
static int hd_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* hd_b64val - value of a base64 digit, or -1 */
static int hd_b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* hd_base64 - decode base64 leniently: skip junk, restart after '=' padding */
static void hd_base64(const char *s, size_t n, strbuf *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        int v = hd_b64val((unsigned char)s[i]);

        if (s[i] == '=') {
            /* Some encoders concatenate padded chunks inside one word. */
            acc = 0;
            bits = 0;
            continue;
        }
        if (v < 0)
            continue;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            hd_buf_putc(out, (unsigned char)(acc >> bits));
            acc &= (1u << bits) - 1;
        }
    }
}

/* hd_qdecode - decode RFC 2047 Q text: '_' is a space, =XX a byte */
static void hd_qdecode(const char *s, size_t n, strbuf *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int h, l;

        if (s[i] == '_') {
            hd_buf_putc(out, ' ');
        } else if (s[i] == '=' && i + 2 < n && (h = hd_hexval((unsigned char)s[i + 1])) >= 0
                   && (l = hd_hexval((unsigned char)s[i + 2])) >= 0) {
            hd_buf_putc(out, (unsigned char)(h * 16 + l));
            i += 2;
        } else {
            hd_buf_putc(out, (unsigned char)s[i]);
        }
    }
}

/* hd_unfold - remove line breaks before white space; other CR, LF and NUL become spaces */
static int hd_unfold(const char *raw, size_t len, strbuf *out)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];

        if (c == '\r' || c == '\n') {
            size_t j = i;

            if (c == '\r' && j + 1 < len && raw[j + 1] == '\n')
                j++;
            if (j + 1 < len && hd_is_wsp((unsigned char)raw[j + 1])) {
                i = j;
                continue;
            }
            hd_buf_putc(out, ' ');
            i = j;
            continue;
        }
        hd_buf_putc(out, c == '\0' ? ' ' : c);
    }
    return !out->oom;
}

/* hd_tok_add - append a token */
static struct hd_tok *hd_tok_add(struct hd_toks *t)
{
    struct hd_tok *v;

    if (t->oom)
        return NULL;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;

        if ((v = realloc(t->v, cap * sizeof(*v))) == NULL) {
            t->oom = 1;
            return NULL;
        }
        t->v = v;
        t->cap = cap;
    }
    v = &t->v[t->n++];
    memset(v, 0, sizeof(*v));
    return v;
}

/*
 * hd_word - parse an encoded word at s[0..n) ("=?cs?e?text?="): its length,
 * or 0 when malformed (then it stays text). Decoded bytes go to dec. When
 * the encoded text has no end, *noend is where the search stopped: no
 * word can start before it either, which keeps hostile headers linear.
 */
static size_t hd_word(const char *s, size_t n, strbuf *dec, char *cs, size_t *noend)
{
    size_t i = 2, csend, t, e;
    char enc, *star;

    *noend = 0;
    if (n < 8 || s[0] != '=' || s[1] != '?')
        return 0;
    while (i < n && i - 2 < HD_CS_MAX && s[i] != '?' && (unsigned char)s[i] > 0x20
           && (unsigned char)s[i] < 0x7F)
        i++;
    if (i >= n || s[i] != '?' || i == 2 || i - 2 >= HD_CS_MAX)
        return 0;
    csend = i;
    if (i + 2 >= n || s[i + 2] != '?')
        return 0;
    enc = s[i + 1];
    if (enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q')
        return 0;
    t = i + 3;
    for (e = t; e + 1 < n; e++) {
        if ((unsigned char)s[e] <= 0x20 || (unsigned char)s[e] >= 0x7F) {
            *noend = e;		/* encoded text has no white space or 8-bit bytes */
            return 0;
        }
        if (s[e] == '?' && s[e + 1] == '=')
            break;
    }
    if (e + 1 >= n) {
        *noend = n;
        return 0;
    }
    memcpy(cs, s + 2, csend - 2);
    cs[csend - 2] = '\0';
    if ((star = strchr(cs, '*')) != NULL)
        *star = '\0';		/* RFC 2231 language: "ISO-2022-JP*ja" */
    if (cs[0] == '\0')
        return 0;
    if (enc == 'B' || enc == 'b')
        hd_base64(s + t, e - t, dec);
    else
        hd_qdecode(s + t, e - t, dec);
    return e + 2;
}

/* hd_is_jis_label - 1 for the ISO-2022-JP family of labels */
static int hd_is_jis_label(const char *cs)
{
    return strncasecmp(cs, "iso-2022-jp", 11) == 0 || strncasecmp(cs, "csiso2022jp", 11) == 0
        || strncasecmp(cs, "cp5022", 6) == 0;
}

/* hd_is_wide_label - 1 for UTF-16/32 and UCS-2/4 labels, where NUL bytes belong to characters */
static int hd_is_wide_label(const char *cs)
{
    return strncasecmp(cs, "utf-16", 6) == 0 || strncasecmp(cs, "utf-32", 6) == 0
        || strncasecmp(cs, "utf16", 5) == 0 || strncasecmp(cs, "utf32", 5) == 0
        || strncasecmp(cs, "ucs-", 4) == 0 || strncasecmp(cs, "ucs2", 4) == 0
        || strncasecmp(cs, "ucs4", 4) == 0;
}

/* hd_jis_state - 1 if ISO-2022-JP bytes leave a non-ASCII set designated, given the state before */
static int hd_jis_state(const char *s, size_t n, int st)
{
    size_t i;

    for (i = 0; i + 2 < n; i++) {
        if (s[i] != 0x1B)
            continue;
        if (s[i + 1] == '(')
            st = s[i + 2] == 'I';
        else if (s[i + 1] == '$')
            st = 1;
    }
    return st;
}

/* hd_has_fffd - 1 if s holds U+FFFD */
static int hd_has_fffd(const char *s, size_t n)
{
    return memmem(s, n, "\xEF\xBF\xBD", 3) != NULL;
}

/*
 * hd_convert - convert bytes in charset cs and append the UTF-8; returns
 * 1 if the conversion needed U+FFFD that the input did not carry, -1 on
 * out-of-memory.
 */
static int hd_convert(const char *cs, const char *b, size_t n, strbuf *out)
{
    char *u, *tmp = NULL;
    size_t ulen, i;
    int bad;

    if (!hd_is_wide_label(cs) && (memchr(b, '\0', n) || memchr(b, '\r', n) || memchr(b, '\n', n))) {
        if ((tmp = malloc(n ? n : 1)) == NULL)
            return -1;
        for (i = 0; i < n; i++)
            tmp[i] = b[i] == '\0' || b[i] == '\r' || b[i] == '\n' ? ' ' : b[i];
        b = tmp;
    }
    u = charset_to_utf8(cs, b, n, &ulen, NULL);
    if (u == NULL) {
        free(tmp);
        return -1;
    }
    bad = hd_has_fffd(u, ulen) && !hd_has_fffd(b, n);
    for (i = 0; i < ulen; i++)
        if (u[i] == '\r' || u[i] == '\n')
            u[i] = ' ';
    strbuf_append(out, u, ulen);
    free(u);
    free(tmp);
    return out->oom ? -1 : bad;
}

/*
 * hd_jis_words - convert a run of ISO-2022-JP words: each alone, unless
 * a word ends inside a double-byte run and the next one starts without an
 * escape (a broken encoder split the run), or a word alone fails and the
 * join with the next one does not.
 */
static int hd_jis_words(const struct hd_tok *w, size_t k, const char *dec, strbuf *out)
{
    strbuf tmp = { 0 };
    size_t i = 0, j, x;
    int r = 0;

    while (i < k && r >= 0) {
        const char *base = dec + w[i].off;
        size_t n = w[i].len, keep = out->len;
        int st;

        j = i;
        st = hd_jis_state(base, n, 0);
        while (st && j + 1 < k && !(w[j + 1].len > 0 && dec[w[j + 1].off] == 0x1B)) {
            j++;
            n = w[j].off + w[j].len - w[i].off;
            st = hd_jis_state(dec + w[j].off, w[j].len, st);
        }
        r = hd_convert(w[i].cs, base, n, out);
        if (r == 1 && j + 1 < k) {
            tmp.len = 0;
            x = w[j + 1].off + w[j + 1].len - w[i].off;
            r = hd_convert(w[i].cs, base, x, &tmp);
            if (r == 0) {
                out->len = keep;
                strbuf_append(out, tmp.s, tmp.len);
                j++;
            }
        }
        if (out->oom || tmp.oom)
            r = -1;
        i = j + 1;
    }
    free(tmp.s);
    return r < 0 ? -1 : 0;
}

/* hd_has_8bit - 1 if s holds a byte above 0x7F */
static int hd_has_8bit(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

/* hd_text_needs_detect - 1 if plain header text carries 8-bit bytes or escapes */
static int hd_text_needs_detect(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80 || s[i] == 0x1B)
            return 1;
    return 0;
}

/* hd_trim - drop leading and trailing white space in place */
static void hd_trim(strbuf *b)
{
    size_t s = 0;

    while (b->len > 0 && hd_is_wsp((unsigned char)b->s[b->len - 1]))
        b->len--;
    while (s < b->len && hd_is_wsp((unsigned char)b->s[s]))
        s++;
    if (s > 0) {
        memmove(b->s, b->s + s, b->len - s);
        b->len -= s;
    }
}

/* hdrdecode_text - unfold and decode an unstructured header value */
char *hdrdecode_text(const char *raw, size_t len)
{
    strbuf u = { 0 }, dec = { 0 };
    strbuf out = { 0 }, raw8 = { 0 };
    struct hd_toks t = { 0 };
    const char *rawcs = NULL;
    char *res = NULL, *det;
    size_t i, j, textstart = 0, noword = 0;
    int failed = 0;

    if (raw == NULL)
        len = 0;
    if (!hd_unfold(raw ? raw : "", len, &u) || !hd_buf_ready(&u))
        goto done;

    /* Split into text and encoded words. */
    for (i = 0; i < u.len;) {
        struct hd_tok *tk;
        char cs[HD_CS_MAX];
        size_t doff = dec.len, wl, noend;

        if (u.s[i] != '=' || i + 1 >= u.len || u.s[i + 1] != '?' || i < noword) {
            i++;
            continue;
        }
        if ((wl = hd_word(u.s + i, u.len - i, &dec, cs, &noend)) == 0) {
            if (noend > 0)
                noword = i + noend;
            i++;
            continue;
        }
        if (i > textstart) {
            if ((tk = hd_tok_add(&t)) == NULL)
                goto done;
            tk->off = textstart;
            tk->len = i - textstart;
        }
        if ((tk = hd_tok_add(&t)) == NULL)
            goto done;
        tk->word = 1;
        tk->off = doff;
        tk->len = dec.len - doff;
        memcpy(tk->cs, cs, sizeof(cs));
        i += wl;
        textstart = i;
    }
    if (u.len > textstart) {
        struct hd_tok *tk = hd_tok_add(&t);

        if (tk == NULL)
            goto done;
        tk->off = textstart;
        tk->len = u.len - textstart;
    }
    if (dec.oom || !hd_buf_ready(&dec))
        goto done;

    /* White space between two encoded words is not part of the text. */
    for (i = 1; i + 1 < t.n; i++) {
        if (t.v[i].word || !t.v[i - 1].word || !t.v[i + 1].word)
            continue;
        for (j = 0; j < t.v[i].len && hd_is_wsp((unsigned char)u.s[t.v[i].off + j]); j++)
            ;
        if (j == t.v[i].len)
            t.v[i].len = 0;
    }

    /* Raw 8-bit text is detected as a whole: single pieces are too short. */
    for (i = 0; i < t.n; i++)
        if (!t.v[i].word && hd_text_needs_detect(u.s + t.v[i].off, t.v[i].len)) {
            strbuf_append(&raw8, u.s + t.v[i].off, t.v[i].len);
            hd_buf_putc(&raw8, ' ');
        }
    if (raw8.oom)
        goto done;
    if (raw8.len > 0) {
        if ((det = charset_to_utf8(NULL, raw8.s, raw8.len, NULL, &rawcs)) == NULL)
            goto done;
        free(det);
    }

    for (i = 0; i < t.n && !failed; i = j) {
        const struct hd_tok *tk = &t.v[i];

        j = i + 1;
        if (!tk->word) {
            if (rawcs != NULL && hd_text_needs_detect(u.s + tk->off, tk->len))
                failed = hd_convert(rawcs, u.s + tk->off, tk->len, &out) < 0;
            else
                strbuf_append(&out, u.s + tk->off, tk->len);
            continue;
        }
        /* A run of adjacent words in the same charset. */
        while (j < t.n && (t.v[j].word || t.v[j].len == 0)) {
            if (t.v[j].word && strcasecmp(t.v[j].cs, tk->cs) != 0)
                break;
            j++;
        }
        while (j > i + 1 && !t.v[j - 1].word)
            j--;		/* leave trailing white space as text */
        /* 8-bit bytes under an ISO-2022-JP label are a stateless charset
         * (Shift_JIS, UTF-8) mislabelled: join those words like one. */
        if (hd_is_jis_label(tk->cs) && !hd_has_8bit(dec.s + tk->off,
                                                    t.v[j - 1].off + t.v[j - 1].len - tk->off)) {
            struct hd_tok *w = malloc((j - i) * sizeof(*w));
            size_t k = 0, x;

            if (w == NULL)
                goto done;
            for (x = i; x < j; x++)
                if (t.v[x].word)
                    w[k++] = t.v[x];
            failed = hd_jis_words(w, k, dec.s, &out) < 0;
            free(w);
        } else {
            /* Words of one run are consecutive in dec: join their bytes. */
            size_t end = t.v[j - 1].off + t.v[j - 1].len;

            failed = hd_convert(tk->cs, dec.s + tk->off, end - tk->off, &out) < 0;
        }
    }
    if (failed || out.oom)
        goto done;
    for (i = 0; i < out.len; i++)
        if (out.s[i] == '\0' || out.s[i] == '\r' || out.s[i] == '\n')
            out.s[i] = ' ';
    hd_trim(&out);
    res = hd_buf_finish(&out);
    out.s = NULL;
done:
    free(u.s);
    free(dec.s);
    free(out.s);
    free(raw8.s);
    free(t.v);
    return res;
}

/* A parameter value as found: a span of the value arena. */
struct hd_pval {
    int		set, ext;
    size_t	off, len;
};

/* hd_skip_comment - skip a (possibly nested) comment starting at s[i] == '(' */
static size_t hd_skip_comment(const char *s, size_t n, size_t i)
{
    int depth = 0;

    for (; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n)
            i++;
        else if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && --depth == 0)
            return i + 1;
    }
    return n;
}

/* hd_skip_to_semi - index of the next ';' outside quotes, or n */
static size_t hd_skip_to_semi(const char *s, size_t n, size_t i)
{
    int q = 0;

    for (; i < n; i++) {
        if (q && s[i] == '\\' && i + 1 < n)
            i++;
        else if (s[i] == '"')
            q = !q;
        else if (!q && s[i] == ';')
            return i;
    }
    return n;
}

/* hd_percent - decode %XX escapes of an RFC 2231 extended value */
static void hd_percent(const char *s, size_t n, strbuf *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int h, l;

        if (s[i] == '%' && i + 2 < n && (h = hd_hexval((unsigned char)s[i + 1])) >= 0
            && (l = hd_hexval((unsigned char)s[i + 2])) >= 0) {
            hd_buf_putc(out, (unsigned char)(h * 16 + l));
            i += 2;
        } else {
            hd_buf_putc(out, (unsigned char)s[i]);
        }
    }
}

/* hd_split_charset - split "charset'lang'value" into charset and value */
static void hd_split_charset(const char *v, size_t n, char *cs, size_t cssz,
                             const char **val, size_t *vlen)
{
    const char *q1 = memchr(v, '\'', n), *q2;
    size_t l;

    cs[0] = '\0';
    *val = v;
    *vlen = n;
    if (q1 == NULL)
        return;
    l = (size_t)(q1 - v);
    if (l < cssz) {
        memcpy(cs, v, l);
        cs[l] = '\0';
    }
    q2 = memchr(q1 + 1, '\'', n - l - 1);
    *val = q2 ? q2 + 1 : q1 + 1;
    *vlen = n - (size_t)(*val - v);
}

/* hd_param_name - match a parameter name against `name`: -1 no, -2 plain, -3 name*, else section */
static long hd_param_name(const char *p, size_t n, const char *name, int *ext)
{
    size_t nl = strlen(name), i;
    long sec = 0;

    *ext = 0;
    if (n < nl || strncasecmp(p, name, nl) != 0)
        return -1;
    if (n == nl)
        return -2;
    if (p[nl] != '*')
        return -1;
    if (n == nl + 1) {
        *ext = 1;
        return -3;
    }
    for (i = nl + 1; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        sec = sec * 10 + (p[i] - '0');
        if (sec >= LIMITS_PARAM_SECTIONS)
            return -1;
    }
    if (i == nl + 1)
        return -1;
    if (i + 1 == n && p[i] == '*')
        *ext = 1;
    else if (i != n)
        return -1;
    return sec;
}

/* hd_truncate - cut to LIMITS_FILENAME_BYTES at a character boundary */
static void hd_truncate(char *s)
{
    size_t n = strlen(s);

    if (n <= LIMITS_FILENAME_BYTES)
        return;
    n = LIMITS_FILENAME_BYTES;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    s[n] = '\0';
}

/* hdrdecode_param - decode parameter `name` of a Content-Type or Content-Disposition value */
char *hdrdecode_param(const char *raw, const char *name)
{
    struct hd_pval sec[LIMITS_PARAM_SECTIONS], plain, star;
    strbuf u = { 0 }, vals = { 0 };
    strbuf bytes = { 0 };
    char cs[HD_CS_MAX], *res = NULL;
    size_t i, n, k;
    int anysec = 0;

    if (raw == NULL || name == NULL || *name == '\0')
        return NULL;
    memset(sec, 0, sizeof(sec));
    memset(&plain, 0, sizeof(plain));
    memset(&star, 0, sizeof(star));
    /* Unfold: line breaks inside parameter lists carry no meaning. */
    for (i = 0; raw[i]; i++)
        if (raw[i] != '\r' && raw[i] != '\n')
            hd_buf_putc(&u, (unsigned char)raw[i]);
    if (!hd_buf_ready(&u))
        goto done;
    n = u.len;
    u.s[n] = '\0';

    for (i = hd_skip_to_semi(u.s, n, 0); i < n;) {
        size_t ns, ne, voff;
        struct hd_pval *slot;
        int ext;
        long which;

        if (u.s[i] == ';' || hd_is_wsp((unsigned char)u.s[i])) {
            i++;
            continue;
        }
        if (u.s[i] == '(') {
            i = hd_skip_comment(u.s, n, i);
            continue;
        }
        ns = i;
        while (i < n && u.s[i] != '=' && u.s[i] != ';' && u.s[i] != '"' && u.s[i] != '('
               && !hd_is_wsp((unsigned char)u.s[i]))
            i++;
        ne = i;
        while (i < n && hd_is_wsp((unsigned char)u.s[i]))
            i++;
        if (i >= n || u.s[i] != '=' || ne == ns) {
            i = hd_skip_to_semi(u.s, n, i);
            continue;
        }
        i++;
        while (i < n && hd_is_wsp((unsigned char)u.s[i]))
            i++;
        voff = vals.len;
        if (i < n && u.s[i] == '"') {
            for (i++; i < n && u.s[i] != '"'; i++) {
                if (u.s[i] == '\\' && i + 1 < n)
                    i++;
                hd_buf_putc(&vals, (unsigned char)u.s[i]);
            }
            /* An unterminated quote runs to the end of the value. */
            i = hd_skip_to_semi(u.s, n, i < n ? i + 1 : n);
        } else {
            size_t vs = i, ve = hd_skip_to_semi(u.s, n, i);

            i = ve;
            while (ve > vs && hd_is_wsp((unsigned char)u.s[ve - 1]))
                ve--;
            strbuf_append(&vals, u.s + vs, ve - vs);
        }
        if (vals.oom)
            goto done;
        which = hd_param_name(u.s + ns, ne - ns, name, &ext);
        if (which == -1)
            continue;
        slot = which == -2 ? &plain : which == -3 ? &star : &sec[which];
        if (slot->set)
            continue;		/* duplicates: the first wins */
        slot->set = 1;
        slot->ext = ext;
        slot->off = voff;
        slot->len = vals.len - voff;
        if (which >= 0)
            anysec = 1;
    }
    if (!hd_buf_ready(&vals))
        goto done;

    cs[0] = '\0';
    if (anysec && (sec[0].set || !star.set)) {
        /* RFC 2231 continuations: raw bytes in section order, then one conversion. */
        for (k = 0; k < LIMITS_PARAM_SECTIONS; k++) {
            const char *v;
            size_t vl;

            if (!sec[k].set)
                continue;
            v = vals.s + sec[k].off;
            vl = sec[k].len;
            if (k == 0 && sec[k].ext)
                hd_split_charset(v, vl, cs, sizeof(cs), &v, &vl);
            if (sec[k].ext)
                hd_percent(v, vl, &bytes);
            else
                strbuf_append(&bytes, v, vl);
        }
    } else if (star.set) {
        const char *v;
        size_t vl;

        hd_split_charset(vals.s + star.off, star.len, cs, sizeof(cs), &v, &vl);
        hd_percent(v, vl, &bytes);
    } else if (plain.set) {
        const char *v = vals.s + plain.off;

        if (memmem(v, plain.len, "=?", 2) != NULL || hd_text_needs_detect(v, plain.len)) {
            res = hdrdecode_text(v, plain.len);
        } else if ((res = malloc(plain.len + 1)) != NULL) {
            memcpy(res, v, plain.len);
            res[plain.len] = '\0';
        }
        goto cleanup;
    } else {
        goto done;
    }
    if (bytes.oom || !hd_buf_ready(&bytes))
        goto done;
    res = charset_to_utf8(cs[0] ? cs : NULL, bytes.s, bytes.len, NULL, NULL);
cleanup:
    if (res != NULL) {
        for (k = 0; res[k]; k++)
            if (res[k] == '\r' || res[k] == '\n')
                res[k] = ' ';
        hd_truncate(res);
    }
done:
    free(u.s);
    free(vals.s);
    free(bytes.s);
    return res;
}
