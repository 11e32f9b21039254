/*
 * NAME
 *	hdrdecode - decode header text (RFC 2047) and MIME parameters (RFC 2231)
 * DESCRIPTION
 *	Header fields come raw from GMime (g_mime_header_get_raw_value) and
 *	are decoded here, because Japanese mail needs more care than a generic
 *	decoder gives: ISO-2022-JP encoded words are decoded one by one (each
 *	is self-contained), UTF-8 words split mid-character are joined before
 *	conversion, mislabelled words are repaired with charset_to_utf8, raw
 *	8-bit header bytes are detected, and RFC 2231 continuations are joined
 *	as raw bytes before conversion (a split can fall inside an escape
 *	sequence), with RFC 2047 inside a quoted parameter tolerated.
 *	All results are valid UTF-8.
 */
#ifndef MUGAI_HDRDECODE_H
#define MUGAI_HDRDECODE_H

#include <stddef.h>

/*
 * hdrdecode_text - unfold and decode an unstructured header value (Subject,
 * or a display name). Returns malloc'ed UTF-8, NULL only on out-of-memory.
 */
char *hdrdecode_text(const char *raw, size_t len);

/*
 * hdrdecode_param - the value of parameter `name` (case-insensitive) in a
 * raw Content-Type or Content-Disposition value, decoded to UTF-8 (RFC
 * 2231 charset'lang'value and continuations name*0*, name*1, ...; RFC 2047
 * words in plain or quoted values). Returns malloc'ed UTF-8 or NULL when
 * the parameter is absent. At most LIMITS_PARAM_SECTIONS continuations
 * are joined.
 */
char *hdrdecode_param(const char *raw, const char *name);

#endif
