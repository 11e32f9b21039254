/*
 * NAME
 *	textwrap - wrap UTF-8 text by display width, never inside a character
 * DESCRIPTION
 *	East Asian wide characters count two columns. Lines longer than the
 *	width are broken at spaces, or between wide characters (not before
 *	closing punctuation such as 、。」), never inside a UTF-8 sequence; an
 *	ASCII run without spaces (a URL) is left whole unless it would pass
 *	LIMITS_LINE_OCTETS, which no output line may exceed.
 */
#ifndef MUGAI_TEXTWRAP_H
#define MUGAI_TEXTWRAP_H

#include <stddef.h>

/* textwrap_width - display columns of one UTF-8 string of len bytes */
size_t textwrap_width(const char *s, size_t len);

/*
 * textwrap - wrap text (valid UTF-8, LF line ends) to `width` columns
 * (0: only enforce the octet limit). Returns malloc'ed NUL-terminated text
 * with LF line ends and its length in *outlen.
 */
char *textwrap(const char *text, size_t len, unsigned width, size_t *outlen);

#endif
