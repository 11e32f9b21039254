/*
 * NAME
 *	render - a vaulted original shown safely on a terminal
 * DESCRIPTION
 *	The original is never shown as it is: the engine's text mode turns
 *	it into plain text (what an LGWAN recipient would get), and every
 *	character that could act on a terminal (C0 and C1 controls, escape
 *	sequences, bidi overrides, invalid UTF-8) is shown as <U+XXXX> or
 *	<0xXX> instead.
 */
#ifndef MUGAI_RENDER_H
#define MUGAI_RENDER_H

#include <stddef.h>
#include <stdio.h>
#include "policy/policy.h"

/* render_safe - write len octets of UTF-8 text with dangerous characters escaped */
int render_safe(FILE *out, const char *s, size_t len);

/* render_line - render_safe for one field of one line: newline and tab
 *	escaped too, so that no value can start a line of its own */
int render_line(FILE *out, const char *s, size_t len);

/*
 * render_text - run text mode (UTF-8 output) on the message readable from
 *	fd and write its main header fields and body safely to out. 0,
 *	1 when the engine gives no text (the reason is written instead), or
 *	-1 with err.
 */
int render_text(const policy *p, int fd, FILE *out, char *err, size_t errlen);

#endif
