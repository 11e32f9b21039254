/*
 * NAME
 *	textcover - whether one text carries what another says
 * DESCRIPTION
 *	A multipart/alternative shows one rendering; the others are dropped.
 *	When a dropped rendering says something the shown one does not, the
 *	recipient must be told and the original kept. Renderings differ in
 *	layout (link footnotes, image markers, wrapping, punctuation), so the
 *	test compares the character pairs of the words, not the bytes.
 */
#ifndef MUGAI_TEXTCOVER_H
#define MUGAI_TEXTCOVER_H

#include <stddef.h>

/*
 * textcover - 1 when the UTF-8 text shown (NUL-terminated) holds nearly
 * every pair of adjacent letters or digits of other (white space and ASCII
 * punctuation ignored), 0 when it does not, -1 when out of memory.
 */
int textcover(const char *shown, size_t slen, const char *other, size_t olen);

#endif
