/*
 * NAME
 *	uuextract - take uuencoded files out of body text
 * DESCRIPTION
 *	A "begin 644 name" block inside a text part is a file, not text: in
 *	text mode it is cut out of the body and reported like an attachment.
 */
#ifndef MUGAI_UUEXTRACT_H
#define MUGAI_UUEXTRACT_H

#include <stddef.h>
#include "sanitizer/strbuf.h"

/* uuextract_cb - one decoded block: its name and content; 0 or -1 to fail */
typedef int (*uuextract_cb)(void *ctx, const char *name,
                            const unsigned char *data, size_t len);

/*
 * uuextract - append text to out without its uuencoded blocks, giving each
 * block's decoded content to cb. Returns the number of blocks, or -1 when
 * cb failed or memory ran out.
 */
int uuextract(const char *text, size_t len, strbuf *out, uuextract_cb cb, void *ctx);

#endif
