/*
 * NAME
 *	charset - find the real charset of Japanese text and convert it
 * DESCRIPTION
 *	Declared charsets in Japanese mail are often wrong (Shift_JIS or UTF-8
 *	labelled ISO-2022-JP, CP932-only characters in "Shift_JIS", no label
 *	at all). These functions validate the label, repair the common
 *	mislabels with libuchardet and Japanese-aware checks, and always
 *	return valid UTF-8 (U+FFFD for what cannot be decoded), so the text
 *	output never shows mojibake for a repairable mail.
 */
#ifndef MUGAI_CHARSET_H
#define MUGAI_CHARSET_H

#include <stddef.h>

/*
 * charset_to_utf8 - decode bytes whose declared charset is `declared`
 * (NULL or "" when none) into valid UTF-8. Returns a malloc'ed
 * NUL-terminated string, its length in *outlen and, if used is not NULL,
 * the canonical name of the charset actually used (static storage).
 * NULL only on out-of-memory.
 */
char *charset_to_utf8(const char *declared, const char *buf, size_t len,
                      size_t *outlen, const char **used);

/* charset_is_utf8 - 1 if buf is valid UTF-8 (no overlongs, no surrogates) */
int charset_is_utf8(const char *buf, size_t len);

/*
 * charset_html_declared - the charset named by a <meta charset> or
 * <meta http-equiv content="...charset=..."> in the first bytes of an
 * HTML document, malloc'ed, or NULL.
 */
char *charset_html_declared(const char *html, size_t len);

/*
 * charset_utf8_to_iso2022jp - encode UTF-8 text as ISO-2022-JP for old
 * LGWAN clients. Characters ISO-2022-JP cannot carry get readable
 * substitutes (① → (1), ㈱ → (株), half-width kana → full-width, CP932
 * variants such as U+FF5E → U+301C, others → 〓). The result is decoded
 * again and compared with the substituted text; on any mismatch NULL is
 * returned and the caller must deliver UTF-8. Returns malloc'ed bytes
 * (always ending in ASCII state) and their length in *outlen.
 */
char *charset_utf8_to_iso2022jp(const char *utf8, size_t len, size_t *outlen);

#endif
