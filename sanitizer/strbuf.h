/*
 * NAME
 *	strbuf - a growable byte buffer that is always NUL-terminated
 */
#ifndef MUGAI_STRBUF_H
#define MUGAI_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
    char	*s;
    size_t	len, alloc;
    int		oom;		/* an append failed; contents are incomplete */
} strbuf;

/* strbuf_append - append len bytes; returns 0 or -1 (and sets oom) */
int strbuf_append(strbuf *b, const void *p, size_t len);

/* strbuf_puts - append a C string */
int strbuf_puts(strbuf *b, const char *s);

/* strbuf_printf - append formatted text */
int strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* strbuf_steal - hand the buffer to the caller ("" if empty); resets b */
char *strbuf_steal(strbuf *b, size_t *len);

/* strbuf_free - release the buffer */
void strbuf_free(strbuf *b);

#endif
