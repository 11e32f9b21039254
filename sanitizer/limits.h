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

/* Decoded text carried into the output (bytes, UTF-8), for all the text
 * parts of a message together; beyond it the text is cut with a notice,
 * so neither one huge part nor many parts can balloon memory. */
#define LIMITS_TEXT_SIZE_DEFAULT	(2u * 1024 * 1024)
#define LIMITS_TEXT_SIZE_MIN		1024
#define LIMITS_TEXT_SIZE_MAX		(64u * 1024 * 1024)

/* The sanitized message as handed on (header block and body, bytes): the
 * text is cut to fit, so the next hop never refuses what was accepted.
 * Below Postfix's default message_size_limit (10240000). */
#define LIMITS_OUTPUT_SIZE_DEFAULT	(9u * 1024 * 1024)
#define LIMITS_OUTPUT_SIZE_MIN		(64u * 1024)
#define LIMITS_OUTPUT_SIZE_MAX		(2000u * 1024 * 1024)
#define LIMITS_OUTPUT_MIME_FIELDS	512	/* octets kept for the fields that describe the body */
#define LIMITS_OUTPUT_ROUNDS		8	/* tries at cutting the text to fit */

/* A body rendering with fewer octets than this besides white space ("."
 * or a blank line) is trivially short: the next alternative is tried and
 * the one that carries more is shown. */
#define LIMITS_ALT_TRIVIAL	8

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
#define LIMITS_FROM_NOTE	200		/* octets of an original From quoted in the notice */
#define LIMITS_MIME_PATH	(8 * LIMITS_MIME_DEPTH_MAX)	/* "1.2.3" path text */

/* Binary content shown as text (sanitizer/textsafe.c, sanitizer/bincut.c):
 * content is binary when at least LIMITS_BINARY_MIN of its characters,
 * and LIMITS_BINARY_PERCENT of them, are NUL, controls or undecodable. */
#define LIMITS_BINARY_PERCENT	5
#define LIMITS_BINARY_MIN	8
#define LIMITS_BINCUT_PASSES	16		/* cuts of one text: a cut can join lines into a new block */
#define LIMITS_B64_TOKEN	16		/* shortest base64 word checked for a file signature */
#define LIMITS_B64_LINE		40		/* shortest line of a base64 run judged by its content */
#define LIMITS_B64_RUN		512		/* shortest such run (characters): keys and tokens are shorter */

/* Rule list files (policy/rules.c). */
#define LIMITS_RULES_LINE	1024		/* one pattern line */
#define LIMITS_RULES_LIST_BYTES	(64u * 1024 * 1024) /* one list file */

/* The milter (milter/). */
#define LIMITS_MILTER_BODY_CHUNK	65535	/* smfi_replacebody piece: one milter packet */
#define LIMITS_MILTER_PROGRESS_MS	10000	/* smfi_progress interval while the engine runs */
#define LIMITS_MILTER_ANSWER_MARGIN_MS	2000	/* answer at most this long after max_message_time */
#define LIMITS_MILTER_STUCK_MAX		4	/* engine threads past their answer: then exit */
#define LIMITS_MILTER_REPLY		980	/* smfi_setreply text, libmilter's MAXREPLYLEN */
#define LIMITS_MILTER_LOG_FIELD		256	/* escaped untrusted text per log field */
#define LIMITS_MILTER_RCPTS		1000	/* recipients kept per message (Postfix default 1000) */
/* Messages up to this size stay in memory while they arrive ([milter]
 * memory_spool_size): at most this much per message in progress. */
#define LIMITS_MILTER_MEMSPOOL_DEFAULT	(256u * 1024)
#define LIMITS_MILTER_MEMSPOOL_MIN	0
#define LIMITS_MILTER_MEMSPOOL_MAX	(16u * 1024 * 1024)

/* HTML to text (sanitizer/htmltext.c). */
#define LIMITS_TABLE_SPAN	100		/* colspan/rowspan honoured */
#define LIMITS_TABLE_WIDTH	200		/* columns of a table laid out as a grid */
#define LIMITS_HTML_ATTRS	100		/* attributes of one HTML tag parsed */
#define LIMITS_HTML_WORK	(1ul << 26)	/* HTML parser steps before giving up */

/* Charset detection (sanitizer/charset.c). */
#define LIMITS_CHARSET_DETECT	(256u * 1024)	/* bytes given to libuchardet */
#define LIMITS_HTML_META_SCAN	4096		/* HTML bytes searched for <meta charset> */

/* Virus scanning (sanitizer/scan.c): libclamav engine limits. A file or
 * scan over a limit is reported as "Heuristics.Limits.Exceeded", never as
 * clean. */
#define LIMITS_SCAN_MAX_SCANSIZE_DEFAULT	(200ull * 1024 * 1024)	/* bytes scanned per file, all layers */
#define LIMITS_SCAN_MAX_SCANSIZE_MIN		(1ull * 1024 * 1024)
#define LIMITS_SCAN_MAX_SCANSIZE_MAX		(4096ull * 1024 * 1024)
#define LIMITS_SCAN_MAX_FILESIZE_DEFAULT	(100ull * 1024 * 1024)	/* one file inside a scan */
#define LIMITS_SCAN_MAX_FILESIZE_MIN		(1ull * 1024 * 1024)
#define LIMITS_SCAN_MAX_FILESIZE_MAX		(2048ull * 1024 * 1024)
#define LIMITS_SCAN_MAX_RECURSION_DEFAULT	16	/* nested containers libclamav opens */
#define LIMITS_SCAN_MAX_RECURSION_MIN		1
#define LIMITS_SCAN_MAX_RECURSION_MAX		64
#define LIMITS_SCAN_MAX_FILES_DEFAULT		10000	/* files libclamav extracts per scan */
#define LIMITS_SCAN_MAX_FILES_MIN		1
#define LIMITS_SCAN_MAX_FILES_MAX		1000000
#define LIMITS_SCAN_MAX_TIME_DEFAULT		30000	/* ms per scan; below max_message_time */
#define LIMITS_SCAN_MAX_TIME_MIN		100
#define LIMITS_SCAN_MAX_TIME_MAX		280000
/* Age of the signatures (seconds) beyond which mail is tempfailed; 0 turns
 * the check off (only for the project's fixed test signatures). */
#define LIMITS_SCAN_DB_AGE_DEFAULT		(7u * 24 * 3600)
#define LIMITS_SCAN_DB_AGE_MIN			0
#define LIMITS_SCAN_DB_AGE_MAX			(365u * 24 * 3600)
#define LIMITS_SCAN_DB_DIR_DEFAULT		"/var/lib/clamav"
#define LIMITS_SCAN_NAME			128	/* signature name kept */
#define LIMITS_SCAN_RECYCLE		100000	/* scans before the engine is built afresh */
#define LIMITS_SCAN_MEM_MEMBER		(256u * 1024)	/* archive members scanned from memory up to this */

/* Archives opened by mugai itself (sanitizer/archive.c). Sizes count the
 * bytes actually decompressed, never what the archive claims. */
#define LIMITS_ARCHIVE_DEPTH_DEFAULT		4	/* archive inside archive ... */
#define LIMITS_ARCHIVE_DEPTH_MIN		1
#define LIMITS_ARCHIVE_DEPTH_MAX		20
#define LIMITS_ARCHIVE_MEMBERS_DEFAULT		1000	/* members of one part, all levels */
#define LIMITS_ARCHIVE_MEMBERS_MIN		1
#define LIMITS_ARCHIVE_MEMBERS_MAX		100000
#define LIMITS_ARCHIVE_TOTAL_DEFAULT		(200ull * 1024 * 1024)	/* decompressed bytes of one part */
#define LIMITS_ARCHIVE_TOTAL_MIN		(64ull * 1024)
#define LIMITS_ARCHIVE_TOTAL_MAX		(4096ull * 1024 * 1024)
#define LIMITS_ARCHIVE_MEMBER_DEFAULT		(100ull * 1024 * 1024)	/* decompressed bytes of one member */
#define LIMITS_ARCHIVE_MEMBER_MIN		(64ull * 1024)
#define LIMITS_ARCHIVE_MEMBER_MAX		(2048ull * 1024 * 1024)
#define LIMITS_ARCHIVE_RATIO_DEFAULT		200	/* decompressed : compressed, per member */
#define LIMITS_ARCHIVE_RATIO_MIN		10
#define LIMITS_ARCHIVE_RATIO_MAX		100000
#define LIMITS_ARCHIVE_RATIO_FLOOR		(1u * 1024 * 1024)	/* ratio is judged only beyond this many bytes */
#define LIMITS_ARCHIVE_NAME			1024	/* member name bytes kept */
#define LIMITS_ARCHIVE_LISTED			50	/* members listed per archive in the notice */

/* How often mugai-milter checks the signature directory for changes (ms). */
#define LIMITS_SCAN_CHECK_DEFAULT	60000
#define LIMITS_SCAN_CHECK_MIN		1000
#define LIMITS_SCAN_CHECK_MAX		3600000

/* Bytes looked at to tell text from binary before choosing libmagic's checks. */
#define LIMITS_FILETYPE_TEXT_PROBE	(64u * 1024)

/* Idle libmagic cookies kept per kind for reuse; more are closed after
 * use. About as many as messages worked on at once. */
#define LIMITS_FILETYPE_IDLE_COOKIES	64

/* Deepest directory the start-up sweep of the spool removes: libclamav
 * nests a scan directory per container level (max_recursion, at most
 * 64); anything deeper is left and the sweep says so. */
#define LIMITS_SWEEP_DEPTH		128

#endif
