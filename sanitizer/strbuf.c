/*
 * NAME
 *	strbuf - a growable byte buffer that is always NUL-terminated
 * DESCRIPTION
 *	Out-of-memory is sticky (oom) so a caller can build a whole text and
 *	check once; the engine then fails closed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sanitizer/strbuf.h"

/* strbuf_append - append len bytes */
int strbuf_append(strbuf *b, const void *p, size_t len)
{
    if (b->oom)
        return -1;
    if (b->len + len + 1 > b->alloc) {
        size_t na = b->alloc ? b->alloc : 256;
        while (na < b->len + len + 1) {
            if (na > ((size_t)-1) / 2) {
                b->oom = 1;
                return -1;
            }
            na *= 2;
        }
        char *s = realloc(b->s, na);
        if (!s) {
            b->oom = 1;
            return -1;
        }
        b->s = s;
        b->alloc = na;
    }
    if (len)
        memcpy(b->s + b->len, p, len);
    b->len += len;
    b->s[b->len] = 0;
    return 0;
}

/* strbuf_puts - append a C string */
int strbuf_puts(strbuf *b, const char *s)
{
    return strbuf_append(b, s, strlen(s));
}

/* strbuf_printf - append formatted text */
int strbuf_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;

    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return -1;
    }
    int rc = strbuf_append(b, s, (size_t)n);
    free(s);
    return rc;
}

/* strbuf_steal - hand the buffer to the caller */
char *strbuf_steal(strbuf *b, size_t *len)
{
    char *s = b->s;

    if (len)
        *len = b->len;
    if (!s)
        s = calloc(1, 1);
    b->s = NULL;
    b->len = b->alloc = 0;
    return s;
}

/* strbuf_free - release the buffer */
void strbuf_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->alloc = 0;
}
