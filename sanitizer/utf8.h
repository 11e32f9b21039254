/*
 * NAME
 *	utf8 - decode UTF-8 one character at a time; classify invisible ones
 * DESCRIPTION
 *	Names in hostile mail hide their real extension behind bidi controls
 *	and invisible characters; the notice and the spoofing rules must
 *	agree on which characters those are, so both ask here.
 */
#ifndef MUGAI_UTF8_H
#define MUGAI_UTF8_H

#include <stddef.h>

/*
 * utf8_next - decode the sequence at s (NUL-terminated or at least 4
 * readable octets); returns its length and sets *cp, or 0 for an invalid
 * sequence (overlong, surrogate, beyond U+10FFFF, truncated).
 */
size_t utf8_next(const unsigned char *s, unsigned *cp);

/* utf8_is_bidi - explicit bidi controls: embeddings, overrides, isolates, marks */
int utf8_is_bidi(unsigned cp);

/* utf8_is_invisible - controls and characters that render as nothing */
int utf8_is_invisible(unsigned cp);

/*
 * utf8_cut - where to cut s, which is longer than max octets, so that the
 * part kept is at most max octets and ends on a character boundary (at
 * the last line end in its final quarter, when there is one).
 */
size_t utf8_cut(const char *s, size_t max);

#endif
