/*
 * NAME
 *	limits - every named limit of mugai, with its default and range
 * DESCRIPTION
 *	One place for the numbers that bound work on hostile input. The
 *	config table (policy/config_table.c) takes defaults and ranges from
 *	here; code that needs a fixed internal bound uses the LIMITS_* names.
 */
#ifndef MUGAI_LIMITS_H
#define MUGAI_LIMITS_H

/* Whole message as received (bytes). Postfix's own default is 10240000. */
#define LIMITS_MESSAGE_SIZE_DEFAULT	(50u * 1024 * 1024)
#define LIMITS_MESSAGE_SIZE_MIN		(64u * 1024)
#define LIMITS_MESSAGE_SIZE_MAX		(2000u * 1024 * 1024)

/* MIME parts (leaves and containers) in one message. */
#define LIMITS_PARTS_DEFAULT		1000
#define LIMITS_PARTS_MIN		1
#define LIMITS_PARTS_MAX		100000

/* MIME nesting depth; Postfix stops at 100, GMime's parser at 1024. */
#define LIMITS_MIME_DEPTH_DEFAULT	40
#define LIMITS_MIME_DEPTH_MIN		1
#define LIMITS_MIME_DEPTH_MAX		100

/* Total size of one header block (bytes); Postfix's header_size_limit. */
#define LIMITS_HEADER_SIZE_DEFAULT	(100u * 1024)
#define LIMITS_HEADER_SIZE_MIN		1024
#define LIMITS_HEADER_SIZE_MAX		(10u * 1024 * 1024)

/* Number of header fields in one header block. */
#define LIMITS_HEADER_COUNT_DEFAULT	1000
#define LIMITS_HEADER_COUNT_MIN		10
#define LIMITS_HEADER_COUNT_MAX		100000

/* Decoded body text carried into the output (bytes, UTF-8); beyond it the
 * text is cut with a notice, so one huge text part cannot balloon memory. */
#define LIMITS_TEXT_SIZE_DEFAULT	(2u * 1024 * 1024)
#define LIMITS_TEXT_SIZE_MIN		1024
#define LIMITS_TEXT_SIZE_MAX		(64u * 1024 * 1024)

/* Wall time for one message (ms); must stay below Postfix's
 * milter_content_timeout (300 s). */
#define LIMITS_MESSAGE_TIME_DEFAULT	60000
#define LIMITS_MESSAGE_TIME_MIN		100
#define LIMITS_MESSAGE_TIME_MAX		280000

/* Display columns of the text output; 0 keeps lines as they are (up to
 * LIMITS_LINE_OCTETS). */
#define LIMITS_WRAP_WIDTH_DEFAULT	76
#define LIMITS_WRAP_WIDTH_MIN		0
#define LIMITS_WRAP_WIDTH_MAX		900

/* Fixed internal bounds. */
#define LIMITS_LINE_OCTETS	998		/* RFC 5322 2.1.1 hard line limit */
#define LIMITS_HEADER_LINE	78		/* RFC 5322 fold target */
#define LIMITS_IO_CHUNK		(64u * 1024)	/* streaming read size */
#define LIMITS_MAGIC_BYTES	(256u * 1024)	/* bytes given to libmagic */
#define LIMITS_FILENAME_BYTES	1024		/* decoded filename kept */
#define LIMITS_PARAM_SECTIONS	100		/* RFC 2231 continuations per parameter */
#define LIMITS_HTML_DEPTH	256		/* HTML element nesting walked */
#define LIMITS_FOOTNOTES	1000		/* link footnotes listed */
#define LIMITS_TABLE_CELLS	10000		/* cells laid out as a grid */
#define LIMITS_NOTICE_ITEMS	500		/* removed items listed one by one */
#define LIMITS_MIME_PATH	(8 * LIMITS_MIME_DEPTH_MAX)	/* "1.2.3" path text */

/* Rule list files (policy/rules.c). */
#define LIMITS_RULES_LINE	1024		/* one pattern line */
#define LIMITS_RULES_LIST_BYTES	(64u * 1024 * 1024) /* one list file */

/* The milter (milter/). */
#define LIMITS_MILTER_BODY_CHUNK	65535	/* smfi_replacebody piece: one milter packet */
#define LIMITS_MILTER_PROGRESS_MS	10000	/* smfi_progress interval while the engine runs */
#define LIMITS_MILTER_REPLY		980	/* smfi_setreply text, libmilter's MAXREPLYLEN */
#define LIMITS_MILTER_LOG_FIELD		256	/* escaped untrusted text per log field */
#define LIMITS_MILTER_RCPTS		1000	/* recipients kept per message (Postfix default 1000) */

/* HTML to text (sanitizer/htmltext.c). */
#define LIMITS_TABLE_SPAN	100		/* colspan/rowspan honoured */
#define LIMITS_TABLE_WIDTH	200		/* columns of a table laid out as a grid */
#define LIMITS_HTML_ATTRS	100		/* attributes of one HTML tag parsed */
#define LIMITS_HTML_WORK	(1ul << 26)	/* HTML parser steps before giving up */

/* Charset detection (sanitizer/charset.c). */
#define LIMITS_CHARSET_DETECT	(256u * 1024)	/* bytes given to libuchardet */
#define LIMITS_HTML_META_SCAN	4096		/* HTML bytes searched for <meta charset> */

#endif
