/*
 * NAME
 *	uuextract - take uuencoded files out of body text
 * DESCRIPTION
 *	A block starts at "begin NNN name" and is recognised only when the
 *	next line is a well-formed uuencoded line, so prose that happens to
 *	start with "begin" stays. It ends at "end" or at the first line that
 *	is not uuencoded.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "sanitizer/uuextract.h"

/* uuextract_line_len - length of the line at p (without its LF) */
static size_t uuextract_line_len(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? (size_t)(nl - p) : (size_t)(end - p);
}

/* uuextract_is_begin - "begin" SP 3-4 octal digits SP name; sets name span */
static int uuextract_is_begin(const char *p, size_t n, const char **name, size_t *nlen)
{
    if (n < 10 || memcmp(p, "begin ", 6) != 0)
        return 0;
    size_t i = 6, d = 0;
    while (i < n && p[i] >= '0' && p[i] <= '7' && d < 5) {
        i++;
        d++;
    }
    if (d < 3 || d > 4 || i >= n || p[i] != ' ')
        return 0;
    i++;
    while (n > i && (p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    if (i >= n)
        return 0;
    *name = p + i;
    *nlen = n - i;
    return 1;
}

/* uuextract_decode_line - decode one uuencoded line; -1 if it is not one */
static int uuextract_decode_line(const char *p, size_t n, strbuf *out)
{
    while (n && (p[n - 1] == '\r'))
        n--;
    if (n == 0)
        return -1;
    size_t len = (size_t)((p[0] - 0x20) & 0x3f);
    if (p[0] < 0x20 || p[0] > 0x60)
        return -1;
    size_t need = (len + 2) / 3 * 4;
    /* Some encoders drop trailing spaces or add a check character. */
    if (n - 1 < need - (need ? 2 : 0) || n - 1 > need + 2)
        return -1;
    for (size_t i = 1; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x60)
            return -1;
    unsigned char buf[64];
    size_t o = 0;
    for (size_t i = 1; o < len; i += 4) {
        unsigned c[4];
        for (int k = 0; k < 4; k++)
            c[k] = (i + (size_t)k < n) ? (unsigned)((p[i + (size_t)k] - 0x20) & 0x3f) : 0;
        unsigned v = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
        for (int k = 0; k < 3 && o < len; k++)
            buf[o++] = (unsigned char)(v >> (16 - 8 * k));
    }
    return strbuf_append(out, buf, o);
}

/* uuextract - append text without its uuencoded blocks */
int uuextract(const char *text, size_t len, strbuf *out, uuextract_cb cb, void *ctx)
{
    const char *p = text, *end = text + len;
    int blocks = 0;

    while (p < end) {
        size_t n = uuextract_line_len(p, end);
        const char *next = p + n + (p + n < end);
        const char *name;
        size_t nlen;
        if (uuextract_is_begin(p, n, &name, &nlen) && next < end) {
            strbuf data = { 0 };
            size_t n2 = uuextract_line_len(next, end);
            if (uuextract_decode_line(next, n2, &data) == 0) {
                const char *q = next;
                while (q < end) {
                    size_t n3 = uuextract_line_len(q, end);
                    const char *qn = q + n3 + (q + n3 < end);
                    if ((n3 >= 3 && memcmp(q, "end", 3) == 0 &&
                         (n3 == 3 || q[3] == '\r' || q[3] == ' ')) ) {
                        q = qn;
                        break;
                    }
                    if (n3 >= 1 && q[0] == '`' && (n3 == 1 || q[1] == '\r')) {
                        q = qn;		/* the zero-length line before "end" */
                        continue;
                    }
                    if (q != next && uuextract_decode_line(q, n3, &data) < 0)
                        break;
                    q = qn;
                }
                char *nm = strndup(name, nlen);
                int rc = (!nm || data.oom) ? -1
                         : cb(ctx, nm, (const unsigned char *)(data.s ? data.s : ""), data.len);
                free(nm);
                strbuf_free(&data);
                if (rc < 0)
                    return -1;
                blocks++;
                p = q;
                continue;
            }
            strbuf_free(&data);
        }
        if (strbuf_append(out, p, (size_t)(next - p)) < 0)
            return -1;
        p = next;
    }
    return blocks;
}
