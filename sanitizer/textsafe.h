/*
 * NAME
 *	textsafe - tell binary content from text; make control characters visible
 * DESCRIPTION
 *	Text delivered to the LGWAN side must be text: bytes that only a
 *	program reads (a PE file libmagic calls application/octet-stream)
 *	are removed, not shown mangled, and the controls that drive a
 *	terminal (ESC, OSC, C1) are shown, never passed on. Both work on
 *	UTF-8, after charset conversion: ISO-2022-JP is made of ESC
 *	sequences until it is converted.
 */
#ifndef MUGAI_TEXTSAFE_H
#define MUGAI_TEXTSAFE_H

#include <stddef.h>

/*
 * textsafe_binary - 1 when the content is binary rather than text: at
 * least LIMITS_BINARY_MIN and LIMITS_BINARY_PERCENT of its characters are
 * NUL, controls other than tab, line ends, form feed and ESC, or
 * undecodable (invalid UTF-8, U+FFFD).
 */
int textsafe_binary(const char *s, size_t len);

/*
 * textsafe_visible - a copy of UTF-8 text in which every C0 control but
 * tab and line ends, DEL and every C1 control (U+0080-U+009F) is shown as
 * "<U+001B>"; a CR that ends no line becomes a line end, invalid UTF-8
 * becomes U+FFFD. Returns a malloc'ed NUL-terminated string and its
 * length in *outlen, or NULL when memory runs out.
 */
char *textsafe_visible(const char *s, size_t len, size_t *outlen);

#endif
