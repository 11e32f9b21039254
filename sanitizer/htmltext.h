/*
 * NAME
 *	htmltext - HTML to readable plain text (libxml2's HTML parser)
 * DESCRIPTION
 *	Paragraphs and line breaks, lists, headings, tables as aligned text,
 *	images as their alt text, no script/style/hidden content, entities
 *	decoded, link targets as numbered footnotes filtered by urlfilter.
 */
#ifndef MUGAI_HTMLTEXT_H
#define MUGAI_HTMLTEXT_H

#include <stddef.h>
#include "sanitizer/urlfilter.h"

typedef struct htmltext_options {
    const urlfilter_policy *urls;
    policy_lang	language;	/* labels such as the image marker */
    size_t	max_out;	/* stop producing text beyond this (bytes) */
} htmltext_options;

/*
 * htmltext_convert - convert HTML given as valid UTF-8 to plain UTF-8
 * text. Any <meta charset> in the document is ignored: the caller has
 * already converted it. Returns a malloc'ed NUL-terminated string (never
 * NULL except on out-of-memory) and its length in *outlen; *truncated is
 * set when max_out was reached.
 */
char *htmltext_convert(const char *html, size_t len, const htmltext_options *o,
                       size_t *outlen, int *truncated);

#endif
