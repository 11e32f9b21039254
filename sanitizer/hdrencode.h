/*
 * NAME
 *	hdrencode - UTF-8 text as an RFC 2047 header value
 * DESCRIPTION
 *	Deterministic encoding of unstructured header text (the tagged
 *	Subject): ASCII stays as it is; anything else becomes B-encoded words
 *	of whole characters, in UTF-8 or, for old LGWAN clients, ISO-2022-JP
 *	with each word self-contained (it starts and ends in ASCII state).
 */
#ifndef MUGAI_HDRENCODE_H
#define MUGAI_HDRENCODE_H

/*
 * hdrencode_text - the header value for utf8; iso2022jp asks for
 * ISO-2022-JP words (UTF-8 is used when the text cannot be carried).
 * Words are folded with "\n " so that no line exceeds 78 columns after a
 * field name of name_len octets. Returns malloc'ed text or NULL on
 * out-of-memory.
 */
char *hdrencode_text(const char *utf8, int iso2022jp, size_t name_len);

#endif
