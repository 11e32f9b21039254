/*
 * NAME
 *	test_config - unit tests of policy/config.c, config_table.c, policy.c
 * DESCRIPTION
 *	Defaults, every value type, every error kind with its exact
 *	"FILE:LINE: reason" line, all errors of a file in one run, quoted
 *	and empty values, the refusal of cdr mode, the shipped sample
 *	configs (which must match the table's own output) and the
 *	reference count. Run from the top of the source tree, as
 *	"make check" does: the sample files are found relative to it.
 */
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/testutil.h"

#include "policy/config.h"
#include "policy/config_table.h"
#include "policy/policy.h"
#include "policy/rules.h"
#include "sanitizer/limits.h"

/* write_temp - data into a new file under /tmp; its name into path */
static void write_temp(const char *data, size_t len, char *path, size_t plen)
{
    int fd;

    snprintf(path, plen, "/tmp/mugai-test-config-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* load_text - config_load() of a temp file holding text */
static policy *load_text(const char *text, config_errors *errs)
{
    char path[64];
    policy *p;

    write_temp(text, strlen(text), path, sizeof path);
    p = config_load(path, errs);
    unlink(path);
    return p;
}

/* expect_errors - loading data fails with exactly the lines expected,
 *	each given without the file name ("LINE: reason") */
static void expect_errors(const char *data, size_t len,
			  const char *const *expected, size_t n)
{
    char path[64], line[1024];
    config_errors errs;
    size_t i;
    policy *p;

    write_temp(data, len, path, sizeof path);
    config_errors_init(&errs);
    p = config_load(path, &errs);
    unlink(path);
    if (errs.stored != n)
	config_errors_print(&errs, stderr);
    assert_null(p);
    assert_int_equal(errs.count, n);
    assert_int_equal(errs.stored, n);
    for (i = 0; i < n; i++) {
	snprintf(line, sizeof line, "%s:%s", path, expected[i]);
	assert_string_equal(errs.lines[i], line);
    }
    config_errors_free(&errs);
}

/* expect_error - one line of text gives one error */
static void expect_error(const char *text, const char *expected)
{
    expect_errors(text, strlen(text), &expected, 1);
}

/* test_defaults - the embedded defaults */
static void test_defaults(void **state)
{
    policy *p = policy_defaults();

    (void)state;
    assert_non_null(p);
    assert_int_equal(atomic_load(&p->refs), 1);
    assert_string_equal(p->source, "(defaults)");
    assert_int_equal(p->mode, POLICY_MODE_TEXT);
    assert_int_equal(p->language, POLICY_LANG_JA);
    assert_string_equal(p->spool_dir, "/var/spool/mugai");
    assert_string_equal(p->subject_tag, "[無害化]");
    assert_int_equal(p->urls, POLICY_URL_DEFANG);
    assert_int_equal(p->mailto_links, POLICY_URL_DEFANG);
    assert_int_equal(p->tel_links, POLICY_URL_DEFANG);
    assert_int_equal(p->output_charset, POLICY_CHARSET_UTF8);
    assert_int_equal(p->wrap_width, LIMITS_WRAP_WIDTH_DEFAULT);
    assert_int_equal(p->max_message_size, LIMITS_MESSAGE_SIZE_DEFAULT);
    assert_int_equal(p->max_parts, LIMITS_PARTS_DEFAULT);
    assert_int_equal(p->max_mime_depth, LIMITS_MIME_DEPTH_DEFAULT);
    assert_int_equal(p->max_header_size, LIMITS_HEADER_SIZE_DEFAULT);
    assert_int_equal(p->max_header_count, LIMITS_HEADER_COUNT_DEFAULT);
    assert_int_equal(p->max_text_size, LIMITS_TEXT_SIZE_DEFAULT);
    assert_int_equal(p->max_output_size, LIMITS_OUTPUT_SIZE_DEFAULT);
    assert_int_equal(p->max_message_time_ms, LIMITS_MESSAGE_TIME_DEFAULT);
    assert_int_equal(p->on_limit, POLICY_LIMIT_REJECT);
    policy_unref(p);
}

/* test_table_verify - the table is consistent and complete */
static void test_table_verify(void **state)
{
    static const char *const keys[] = {
	"general", "mode", "general", "language", "general", "spool_dir",
	"text", "subject_tag", "text", "urls", "text", "mailto_links",
	"text", "tel_links", "text", "output_charset", "text", "wrap_width",
	"limits", "max_message_size", "limits", "max_parts",
	"limits", "max_mime_depth", "limits", "max_header_size",
	"limits", "max_header_count", "limits", "max_text_size",
	"limits", "max_output_size",
	"limits", "max_message_time", "limits", "on_limit",
	"milter", "socket", "milter", "socket_group", "milter", "user",
	"milter", "group",
	"milter", "pid_file", "milter", "log", "milter", "memory_spool_size",
	"rules", "recipient", "rules", "sender", "rules", "client",
	"scan", "scanner", "scan", "clamd_socket",
	"scan", "database_dir", "scan", "temp_dir", "scan", "max_database_age", "scan", "on_virus",
	"scan", "on_no_database", "scan", "max_scan_size", "scan", "max_file_size",
	"scan", "max_recursion", "scan", "max_files", "scan", "max_scan_time",
	"scan", "database_check_interval",
	"archives", "max_depth", "archives", "max_members",
	"archives", "max_total_size", "archives", "max_member_size",
	"archives", "max_ratio", "archives", "on_limit",
	"types", "text", "types", "html", "types", "image", "types", "pdf",
	"types", "office", "types", "media", "types", "message",
	"types", "archive", "types", "executable", "types", "script",
	"types", "shortcut", "types", "disk_image", "types", "onenote",
	"types", "chm", "types", "installer", "types", "java",
	"types", "encrypted", "types", "other", "types", "spoofed",
	"vault", "dir", "vault", "group", "vault", "owner",
	"vault", "requester_group", "vault", "approver_group", "vault", "audit_log",
	"vault", "retention_days", "vault", "release_host", "vault", "release_port",
	"vault", "release_timeout", "vault", "release_tls_cert",
	"vault", "release_tls_key", "vault", "release_tls_ca", "vault", "busy_timeout",
    };
    char why[256] = "";
    size_t i;

    (void)state;
    if (config_table_verify(why, sizeof why) != 0)
	fail_msg("%s", why);
    assert_int_equal(config_table_count, sizeof keys / sizeof keys[0] / 2);
    for (i = 0; i < sizeof keys / sizeof keys[0]; i += 2)
	assert_non_null(config_table_find(keys[i], keys[i + 1]));
    assert_null(config_table_find("text", "max_parts"));
    assert_non_null(config_table_section("limits"));
    assert_null(config_table_section("Limits"));
}

/* test_parse_size - sizes with and without suffixes */
static void test_parse_size(void **state)
{
    static const char *const bad[] = {
	"", "M", "1.5M", "10 M", " 10", "-1", "+1", "1T", "10MB", "10m",
	"10g", "0x10", "1kk",
    };
    unsigned long long v;
    size_t i;

    (void)state;
    assert_int_equal(config_table_parse_size("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(config_table_parse_size("1000", &v), 0);
    assert_int_equal(v, 1000);
    assert_int_equal(config_table_parse_size("64k", &v), 0);
    assert_int_equal(v, 65536);
    assert_int_equal(config_table_parse_size("64K", &v), 0);
    assert_int_equal(v, 65536);
    assert_int_equal(config_table_parse_size("50M", &v), 0);
    assert_int_equal(v, 50ull * 1024 * 1024);
    assert_int_equal(config_table_parse_size("2G", &v), 0);
    assert_int_equal(v, 2ull * 1024 * 1024 * 1024);
    assert_int_equal(config_table_parse_size("0017k", &v), 0);
    assert_int_equal(v, 17 * 1024);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
	if (config_table_parse_size(bad[i], &v) != -1)
	    fail_msg("size '%s' accepted", bad[i]);
    assert_int_equal(config_table_parse_size("18446744073709551616", &v), -2);
    assert_int_equal(config_table_parse_size("17179869184G", &v), -2);
    assert_int_equal(config_table_parse_size("18446744073709551615", &v), 0);
}

/* test_parse_duration - durations in ms, s and m */
static void test_parse_duration(void **state)
{
    static const char *const bad[] = {
	"", "60", "s", "1w", "60 s", "1.5s", "60S", "60sec", "-1s", "ms1", "1H",
    };
    unsigned long long v;
    size_t i;

    (void)state;
    assert_int_equal(config_table_parse_duration("250ms", &v), 0);
    assert_int_equal(v, 250);
    assert_int_equal(config_table_parse_duration("60s", &v), 0);
    assert_int_equal(v, 60000);
    assert_int_equal(config_table_parse_duration("4m", &v), 0);
    assert_int_equal(v, 240000);
    assert_int_equal(config_table_parse_duration("0s", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(config_table_parse_duration("2h", &v), 0);
    assert_int_equal(v, 7200000);
    assert_int_equal(config_table_parse_duration("7d", &v), 0);
    assert_int_equal(v, 604800000);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
	if (config_table_parse_duration(bad[i], &v) != -1)
	    fail_msg("duration '%s' accepted", bad[i]);
    assert_int_equal(config_table_parse_duration("18446744073709551615m", &v), -2);
}

/* test_parse_count_bool - plain numbers and booleans */
static void test_parse_count_bool(void **state)
{
    static const char *const bad[] = { "", "+1", "-1", "1k", " 1", "1 ", "one" };
    static const char *const yes[] = { "yes", "true", "on", "YES", "True" };
    static const char *const no[] = { "no", "false", "off", "NO", "Off" };
    static const char *const neither[] = { "", "1", "0", "y", "n", "yes!" };
    unsigned long long v;
    size_t i;
    int b;

    (void)state;
    assert_int_equal(config_table_parse_count("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(config_table_parse_count("007", &v), 0);
    assert_int_equal(v, 7);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
	if (config_table_parse_count(bad[i], &v) != -1)
	    fail_msg("count '%s' accepted", bad[i]);
    assert_int_equal(config_table_parse_count("99999999999999999999", &v), -2);
    for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
	b = -1;
	assert_int_equal(config_table_parse_bool(yes[i], &b), 0);
	assert_int_equal(b, 1);
    }
    for (i = 0; i < sizeof no / sizeof no[0]; i++) {
	b = -1;
	assert_int_equal(config_table_parse_bool(no[i], &b), 0);
	assert_int_equal(b, 0);
    }
    for (i = 0; i < sizeof neither / sizeof neither[0]; i++)
	assert_int_equal(config_table_parse_bool(neither[i], &b), -1);
}

/* test_text_check - UTF-8 and control characters */
static void test_text_check(void **state)
{
    static const char *const bad[] = {
	"\xff", "a\xc0\xaf", "\xed\xa0\x80", "\xe7\x84", "\xf4\x90\x80\x80",
	"\xe0\x80\xaf", "\x80",
    };
    static const char *const ctl[] = { "a\x01", "\t", "\x7f", "\xc2\x85", "\r" };
    size_t i;

    (void)state;
    assert_null(config_table_text_check(""));
    assert_null(config_table_text_check("[無害化] ｶﾅ 𠮷 é"));
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
	assert_string_equal(config_table_text_check(bad[i]), "invalid UTF-8");
    for (i = 0; i < sizeof ctl / sizeof ctl[0]; i++)
	assert_string_equal(config_table_text_check(ctl[i]), "control character");
    assert_string_equal(config_table_text_check("a\xe2\x80\xae" "b"),
			"bidirectional control character");
}

/* test_load_every_key - every key and type read from a file */
static void test_load_every_key(void **state)
{
    static const char text[] =
	"\xEF\xBB\xBF# a comment\r\n"
	"; another comment\n"
	"[general]\n"
	"mode = text ; inline comment\n"
	"language=EN\n"
	"  spool_dir = relative/spool\n"
	"\n"
	"[text]\n"
	"subject_tag = \"  [外部メール] \"\n"
	"urls = keep\n"
	"mailto_links = remove\n"
	"tel_links = Keep\n"
	"output_charset = ISO-2022-JP\r\n"
	"wrap_width = 0\n"
	"[limits]\n"
	"max_message_size = 10M\n"
	"max_parts = 100000\n"
	"max_mime_depth = 1\n"
	"max_header_size = 4096\n"
	"max_header_count = 10\n"
	"max_text_size = 64M\n"
	"max_output_size = 20M\n"
	"max_message_time = 4m\n"
	"on_limit = tempfail\n"
	"[text]\n"
	"\t# a repeated section is fine\n";
    config_errors errs;
    policy *p;

    (void)state;
    config_errors_init(&errs);
    p = load_text(text, &errs);
    config_errors_print(&errs, stderr);
    assert_int_equal(errs.count, 0);
    assert_non_null(p);
    assert_non_null(strstr(p->source, "/tmp/mugai-test-config-"));
    assert_int_equal(p->mode, POLICY_MODE_TEXT);
    assert_int_equal(p->language, POLICY_LANG_EN);
    /* relative: from the file's directory (/tmp) */
    assert_string_equal(p->spool_dir, "/tmp/relative/spool");
    assert_string_equal(p->subject_tag, "  [外部メール] ");
    assert_int_equal(p->urls, POLICY_URL_KEEP);
    assert_int_equal(p->mailto_links, POLICY_URL_REMOVE);
    assert_int_equal(p->tel_links, POLICY_URL_KEEP);
    assert_int_equal(p->output_charset, POLICY_CHARSET_ISO2022JP);
    assert_int_equal(p->wrap_width, 0);
    assert_int_equal(p->max_message_size, 10u * 1024 * 1024);
    assert_int_equal(p->max_parts, 100000);
    assert_int_equal(p->max_mime_depth, 1);
    assert_int_equal(p->max_header_size, 4096);
    assert_int_equal(p->max_header_count, 10);
    assert_int_equal(p->max_text_size, 64u * 1024 * 1024);
    assert_int_equal(p->max_output_size, 20u * 1024 * 1024);
    assert_int_equal(p->max_message_time_ms, 240000);
    assert_int_equal(p->on_limit, POLICY_LIMIT_TEMPFAIL);
    policy_unref(p);
    config_errors_free(&errs);
}

/* test_partial_file - keys left out keep their defaults */
static void test_partial_file(void **state)
{
    policy *p;

    (void)state;
    p = load_text("[limits]\nmax_parts = 5\n", NULL);
    assert_non_null(p);
    assert_int_equal(p->max_parts, 5);
    assert_int_equal(p->max_mime_depth, LIMITS_MIME_DEPTH_DEFAULT);
    assert_string_equal(p->subject_tag, "[無害化]");
    policy_unref(p);
    p = load_text("", NULL);
    assert_non_null(p);
    assert_string_equal(p->spool_dir, "/var/spool/mugai");
    policy_unref(p);
}

/* test_quoted_values - quotes are removed, inner text kept as is */
static void test_quoted_values(void **state)
{
    policy *p;

    (void)state;
    p = load_text("[text]\nsubject_tag = \" [外部] \"\nurls = \"remove\"\n"
		  "[limits]\nmax_parts = \"12\"\n[general]\n"
		  "spool_dir = \"/var/spool/with space \"\n", NULL);
    assert_non_null(p);
    assert_string_equal(p->subject_tag, " [外部] ");
    assert_int_equal(p->urls, POLICY_URL_REMOVE);
    assert_int_equal(p->max_parts, 12);
    assert_string_equal(p->spool_dir, "/var/spool/with space ");
    policy_unref(p);

    p = load_text("[text]\nsubject_tag = \"\"\"\"\n", NULL);
    assert_non_null(p);
    assert_string_equal(p->subject_tag, "\"\"");
    policy_unref(p);

    p = load_text("[text]\nsubject_tag = a \"b\" c\n", NULL);
    assert_non_null(p);
    assert_string_equal(p->subject_tag, "a \"b\" c");
    policy_unref(p);
}

/* test_empty_subject_tag - "subject_tag =" and "" both mean no tag */
static void test_empty_subject_tag(void **state)
{
    policy *p;

    (void)state;
    p = load_text("[text]\nsubject_tag =\n", NULL);
    assert_non_null(p);
    assert_string_equal(p->subject_tag, "");
    policy_unref(p);
    p = load_text("[text]\nsubject_tag = \"\"\n", NULL);
    assert_non_null(p);
    assert_string_equal(p->subject_tag, "");
    policy_unref(p);
    p = load_text("[text]\nsubject_tag =   ; nothing\n", NULL);
    assert_non_null(p);
    assert_string_equal(p->subject_tag, "");
    policy_unref(p);
}

/* test_cdr_refused - cdr is a known mode that this version refuses */
static void test_cdr_refused(void **state)
{
    (void)state;
    expect_error("[general]\nmode = cdr\n",
		 "2: cdr mode is not available in this version");
    expect_error("[general]\nmode = CDR\n",
		 "2: cdr mode is not available in this version");
}

/* test_error_kinds - each kind of error and its exact line */
static void test_error_kinds(void **state)
{
    static const struct { const char *text, *expected; } cases[] = {
	{ "[general]\nmode = text\n[bogus]\nx = 1\n",
	  "3: unknown section [bogus]" },
	{ "[ text ]\n", "1: unknown section [ text ]" },
	{ "[text]\nurl = keep\n", "2: unknown key 'url' in [text]" },
	{ "[general]\nmax_parts = 5\n",
	  "2: unknown key 'max_parts' in [general] (it belongs in [limits])" },
	{ "mode = text\n",
	  "1: key 'mode' before any section (it belongs in [general])" },
	{ "foo = 1\n", "1: key 'foo' before any section" },
	{ "[text]\nur\x1bls = 1\n", "2: unknown key 'ur\\x1Bls' in [text]" },
	{ "[text]\nurls = strip\n",
	  "2: urls: invalid value 'strip' (expected one of: defang, keep, remove)" },
	{ "[text]\nurls =\n",
	  "2: urls: invalid value '' (expected one of: defang, keep, remove)" },
	{ "[text]\noutput_charset = sjis\n",
	  "2: output_charset: invalid value 'sjis' (expected one of: utf-8, iso-2022-jp)" },
	{ "[limits]\non_limit = discard\n",
	  "2: on_limit: invalid value 'discard' (expected one of: reject, tempfail)" },
	{ "[limits]\nmax_message_size = 10MB\n",
	  "2: max_message_size: invalid value '10MB' (expected a size in bytes with optional suffix k, M or G)" },
	{ "[limits]\nmax_message_time = 60\n",
	  "2: max_message_time: invalid value '60' (expected a duration with unit ms, s, m, h or d)" },
	{ "[limits]\nmax_parts = ten\n",
	  "2: max_parts: invalid value 'ten' (expected a whole number)" },
	{ "[limits]\nmax_parts = 0\n",
	  "2: max_parts: 0 is out of range (1..100000)" },
	{ "[limits]\nmax_parts = 99999999999999999999999\n",
	  "2: max_parts: 99999999999999999999999 is out of range (1..100000)" },
	{ "[limits]\nmax_message_size = 4G\n",
	  "2: max_message_size: 4G is out of range (64k..2000M)" },
	{ "[limits]\nmax_header_size = 1023\n",
	  "2: max_header_size: 1023 is out of range (1k..10M)" },
	{ "[limits]\nmax_message_time = 5m\n",
	  "2: max_message_time: 5m is out of range (100ms..280s)" },
	{ "[limits]\nmax_message_time = 99ms\n",
	  "2: max_message_time: 99ms is out of range (100ms..280s)" },
	{ "[text]\nwrap_width = 901\n",
	  "2: wrap_width: 901 is out of range (0..900)" },
	{ "[text]\nurls = keep\n\nurls = remove\n",
	  "4: duplicate key 'urls' (first set at line 2)" },
	{ "[text]\nurls keep\n",
	  "2: syntax error: expected 'key = value'" },
	{ "[text]\nurls ; = keep\n",
	  "2: syntax error: expected 'key = value'" },
	{ "[text\nurls = keep\n",
	  "1: syntax error: missing ']' in section header" },
	{ "[text] urls = keep\n",
	  "1: syntax error: unexpected text after ']'" },
	{ "[text]\nsubject_tag = \xff\xfe\n",
	  "2: subject_tag: invalid UTF-8 in value" },
	{ "[text]\nsubject_tag = a\x01" "b\n",
	  "2: subject_tag: control character in value" },
	{ "[text]\nsubject_tag = a\xe2\x80\xae" "b\n",
	  "2: subject_tag: bidirectional control character in value" },
	{ "[text]\nurls = \xff\n",
	  "2: urls: invalid value '\\xFF' (expected one of: defang, keep, remove)" },
	{ "[text]\nsubject_tag = \"abc\n",
	  "2: subject_tag: missing closing quote" },
	{ "[text]\nsubject_tag = \"\n",
	  "2: subject_tag: missing closing quote" },
	{ "[text]\nsubject_tag = \"a ; b\"\n",
	  "2: subject_tag: missing closing quote (\" ;\" starts a comment, also inside quotes)" },
	{ "[general]\nspool_dir =\n", "2: spool_dir: empty path" },
	{ "[general]\nspool_dir = \"\"\n", "2: spool_dir: empty path" },
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
	expect_error(cases[i].text, cases[i].expected);
}

/* test_bad_lines - NUL bytes and over-long lines */
static void test_bad_lines(void **state)
{
    static const char nul[] = "[text]\nurls = k\0eep\nmailto_links = x\n";
    const char *nul_expected[] = {
	"2: NUL byte in line",
	"3: mailto_links: invalid value 'x' (expected one of: defang, keep, remove)",
    };
    char text[3000];
    const char *expected[2];
    size_t n;

    (void)state;
    expect_errors(nul, sizeof nul - 1, nul_expected, 2);

    /* 197 bytes fit inih's 200-byte buffer, 198 do not */
    n = (size_t)snprintf(text, sizeof text, "[text]\n# %0195d\n# %0196d\n"
			 "urls = bad\n", 0, 0);
    expected[0] = "3: line too long (more than 197 bytes)";
    expected[1] = "4: urls: invalid value 'bad' (expected one of: defang, keep, remove)";
    expect_errors(text, n, expected, 2);

    /* longer than the reader's own buffer: the rest is skipped, not
     * taken for the next line */
    memset(text, 'x', sizeof text);
    memcpy(text, "[text]\nurls = ", 14);
    memcpy(text + sizeof text - 13, "\nurls = keep\n", 13);
    expected[0] = "2: line too long (more than 197 bytes)";
    expect_errors(text, sizeof text, expected, 1);
}

/* test_all_errors_one_run - every error of a file is reported at once */
static void test_all_errors_one_run(void **state)
{
    static const char text[] =
	"[general]\n"
	"mode = txt\n"
	"language = ja\n"
	"[text]\n"
	"colour = red\n"
	"[limits]\n"
	"max_parts = 0\n"
	"max_mime_depth = 10\n";
    static const char *const expected[] = {
	"2: mode: invalid value 'txt' (expected one of: text, cdr)",
	"5: unknown key 'colour' in [text]",
	"7: max_parts: 0 is out of range (1..100000)",
    };
    static const char text2[] =
	"[general\n"
	"mode = text\n"
	"[text]\n"
	"urls\n"
	"urls = keep\n"
	"urls = keep\n"
	"[limits]\n"
	"max_message_size = big\n"
	"[nope]\n"
	"max_parts = 0\n"
	"tel_links = keep\n"
	"[text]\n"
	"bad line\n";
    static const char *const expected2[] = {
	"1: syntax error: missing ']' in section header",
	"4: syntax error: expected 'key = value'",
	"6: duplicate key 'urls' (first set at line 5)",
	"8: max_message_size: invalid value 'big' (expected a size in bytes with optional suffix k, M or G)",
	"9: unknown section [nope]",
	"13: syntax error: expected 'key = value'",
    };

    (void)state;
    expect_errors(text, sizeof text - 1, expected, 3);
    expect_errors(text2, sizeof text2 - 1, expected2, 6);
}

/* test_missing_file - open and read errors name the file */
static void test_missing_file(void **state)
{
    config_errors errs;

    (void)state;
    config_errors_init(&errs);
    assert_null(config_load("/tmp/mugai-test-config-does-not-exist.conf", &errs));
    assert_int_equal(errs.stored, 1);
    assert_string_equal(errs.lines[0], "/tmp/mugai-test-config-does-not-exist.conf: "
			"cannot open: No such file or directory");
    assert_null(config_load("/tmp", &errs));
    assert_int_equal(errs.stored, 2);
    assert_string_equal(errs.lines[1], "/tmp: read error: Is a directory");
    /* an endless file ends at the size cap */
    assert_null(config_load("/dev/zero", &errs));
    assert_int_equal(errs.stored, 3);
    assert_string_equal(errs.lines[2],
			"/dev/zero: file too large (more than 1048576 bytes)");
    config_errors_free(&errs);
    assert_null(config_load("/tmp/mugai-test-config-does-not-exist.conf", NULL));
}

/* file_text - whole file into a new string */
static char *file_text(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0;
    FILE *mem;
    int c;

    if (f == NULL)
	fail_msg("cannot open %s (run from the top of the source tree)", path);
    mem = open_memstream(&buf, &len);
    assert_non_null(mem);
    while ((c = getc(f)) != EOF)
	putc(c, mem);
    fclose(f);
    fclose(mem);
    return buf;
}

/* written_text - config_table_write() of p into a new string */
static char *written_text(const policy *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);

    assert_non_null(mem);
    assert_int_equal(config_table_write(mem, p), 0);
    fclose(mem);
    return buf;
}

/* test_sample_files - the shipped configs load and match the table */
static void test_sample_files(void **state)
{
    /* samples/mugai.conf differs from the defaults only in these: runtime
     * paths under var/ of the source tree (the demo gateway's among them;
     * relative to samples/, the file's directory), the project's own
     * test signatures, which carry no date, and the demo vault, owned by
     * the demo gateway's user */
    static const char *const source_tree[][3] = {
	{ "general", "spool_dir", "../var/spool" },
	{ "milter", "socket", "unix:../var/run/mugai-milter.sock" },
	{ "milter", "pid_file", "../var/run/mugai-milter.pid" },
	{ "milter", "log", "../var/log/mugai-milter.log" },
	{ "scan", "database_dir", "test-signatures" },
	{ "scan", "max_database_age", "0s" },
	{ "vault", "dir", "../var/vault" },
	{ "vault", "group", "mugai" },
	{ "vault", "owner", "mugai" },
	{ "vault", "audit_log", "../var/audit/audit.log" },
	{ "vault", "release_tls_cert", "../var/tls/release.crt" },
	{ "vault", "release_tls_key", "../var/tls/release.key" },
	{ "vault", "release_tls_ca", "../var/tls/ca.crt" },
    };
    config_errors errs;
    policy *p, *d;
    char why[256], *want, *have, *dump = NULL, cwd[2048], want_path[4096];
    size_t dumplen = 0, i;
    FILE *mem;

    (void)state;
    config_errors_init(&errs);
    p = config_load("samples/mugai.conf", &errs);
    config_errors_print(&errs, stderr);
    assert_int_equal(errs.count, 0);
    assert_non_null(p);
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(want_path, sizeof want_path, "%s/samples/../var/spool", cwd);
    assert_string_equal(p->spool_dir, want_path);
    snprintf(want_path, sizeof want_path, "%s/samples/test-signatures", cwd);
    assert_string_equal(p->scan_database_dir, want_path);
    assert_string_equal(p->subject_tag, "[無害化]");
    policy_unref(p);

    p = config_load("contrib/mugai.conf", &errs);
    config_errors_print(&errs, stderr);
    assert_int_equal(errs.count, 0);
    assert_non_null(p);
    assert_string_equal(p->spool_dir, "/var/spool/mugai");
    policy_unref(p);
    config_errors_free(&errs);

    /* contrib/mugai.conf is the dump of the defaults, byte for byte */
    mem = open_memstream(&dump, &dumplen);
    assert_non_null(mem);
    assert_int_equal(config_table_dump(mem), 0);
    fclose(mem);
    have = file_text("contrib/mugai.conf");
    assert_string_equal(have, dump);
    free(have);
    free(dump);

    /* samples/mugai.conf is the same with the source tree's runtime
     * paths under var/, the demo gateway's socket among them */
    d = policy_defaults();
    assert_non_null(d);
    for (i = 0; i < sizeof source_tree / sizeof source_tree[0]; i++)
	if (config_table_set(config_table_find(source_tree[i][0], source_tree[i][1]),
			     d, source_tree[i][2], why, sizeof why) != 0)
	    fail_msg("%s %s: %s", source_tree[i][0], source_tree[i][1], why);
    want = written_text(d);
    have = file_text("samples/mugai.conf");
    assert_string_equal(have, want);
    free(have);
    free(want);
    policy_unref(d);
}

/* test_write_round_trip - a written config reads back the same */
static void test_write_round_trip(void **state)
{
    static const char text[] =
	"[general]\nlanguage = en\nspool_dir = \" /odd path \"\n"
	"[text]\nsubject_tag = \"\"\"x\"\nurls = remove\nwrap_width = 0\n"
	"[limits]\nmax_message_size = 65537\nmax_header_size = 3M\n"
	"max_message_time = 1500ms\non_limit = tempfail\n";
    char *first, *second, path[64];
    policy *p, *q;

    (void)state;
    p = load_text(text, NULL);
    assert_non_null(p);
    assert_string_equal(p->subject_tag, "\"\"x");
    first = written_text(p);
    write_temp(first, strlen(first), path, sizeof path);
    q = config_load(path, NULL);
    unlink(path);
    assert_non_null(q);
    second = written_text(q);
    assert_string_equal(first, second);
    /* a leading blank makes it relative: from the file's directory */
    assert_string_equal(q->spool_dir, "/tmp/ /odd path ");
    assert_int_equal(q->max_message_size, 65537);
    assert_int_equal(q->max_message_time_ms, 1500);
    assert_non_null(strstr(first, "max_message_time = 1500ms\n"));
    assert_non_null(strstr(first, "max_header_size = 3M\n"));
    free(first);
    free(second);
    policy_unref(p);
    policy_unref(q);
}

/* test_errors_list - growth, print, free twice */
static void test_errors_list(void **state)
{
    config_errors errs;
    char *buf = NULL;
    size_t len = 0, i;
    FILE *mem;

    (void)state;
    config_errors_init(&errs);
    for (i = 0; i < 100; i++)
	config_errors_add(&errs, "f:%zu: reason %zu", i + 1, i);
    assert_int_equal(errs.count, 100);
    assert_int_equal(errs.stored, 100);
    mem = open_memstream(&buf, &len);
    assert_non_null(mem);
    config_errors_print(&errs, mem);
    fclose(mem);
    assert_true(testutil_contains(buf, len, "f:1: reason 0\nf:2: reason 1\n"));
    assert_true(testutil_contains(buf, len, "f:100: reason 99\n"));
    free(buf);
    config_errors_free(&errs);
    config_errors_free(&errs);
    assert_int_equal(errs.count, 0);
}

/* test_default_path - source tree versus installed system */
static void test_default_path(void **state)
{
    char cwd[4096];

    (void)state;
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_string_equal(config_default_path(), "samples/mugai.conf");
    assert_int_equal(chdir("/"), 0);
    assert_string_equal(config_default_path(), SYSCONFDIR "/mugai/mugai.conf");
    assert_int_equal(chdir(cwd), 0);
}

/* refcount_worker - take and drop references many times */
static void *refcount_worker(void *arg)
{
    policy *p = arg;
    int i;

    for (i = 0; i < 100000; i++)
	policy_unref(policy_ref(p));
    return NULL;
}

/* test_refcount - ref/unref, NULL, and concurrent use */
static void test_refcount(void **state)
{
    pthread_t t[4];
    policy *p = policy_defaults();
    size_t i;

    (void)state;
    assert_non_null(p);
    assert_ptr_equal(policy_ref(p), p);
    assert_int_equal(atomic_load(&p->refs), 2);
    policy_unref(p);
    assert_int_equal(atomic_load(&p->refs), 1);
    assert_null(policy_ref(NULL));
    policy_unref(NULL);
    for (i = 0; i < 4; i++)
	assert_int_equal(pthread_create(&t[i], NULL, refcount_worker, p), 0);
    for (i = 0; i < 4; i++)
	assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(atomic_load(&p->refs), 1);
    policy_unref(p);			/* the last: freed (checked by ASan) */
}

/* test_milter_keys - the [milter] section: defaults and checks */
static void test_milter_keys(void **state)
{
    static const char text[] =
	"[milter]\nsocket = inet:10027@127.0.0.1\nuser = nobody\n"
	"group = nogroup\npid_file = /tmp/x.pid\nlog = stderr\n";
    policy *p;

    (void)state;
    p = policy_defaults();
    assert_non_null(p);
    assert_string_equal(p->milter_socket, "unix:/run/mugai/mugai-milter.sock");
    assert_string_equal(p->milter_user, "mugai");
    assert_string_equal(p->milter_group, "mugai");
    assert_string_equal(p->milter_socket_group, "postfix");
    assert_string_equal(p->milter_pid_file, "/run/mugai/mugai-milter.pid");
    assert_string_equal(p->milter_log, "syslog");
    assert_null(p->rules);
    policy_unref(p);
    p = load_text(text, NULL);
    assert_non_null(p);
    assert_string_equal(p->milter_socket, "inet:10027@127.0.0.1");
    assert_string_equal(p->milter_user, "nobody");
    assert_string_equal(p->milter_log, "stderr");
    policy_unref(p);
    expect_error("[milter]\nsocket = /run/x.sock\n",
		 "2: socket: expected unix:PATH, local:PATH, inet:PORT@HOST "
		 "or inet6:PORT@HOST");
    expect_error("[milter]\nsocket = unix:\n",
		 "2: socket: expected unix:PATH, local:PATH, inet:PORT@HOST "
		 "or inet6:PORT@HOST");
    expect_error("[milter]\nuser = \"\"\n", "2: user: empty name");
    expect_error("[milter]\ngroup = a b\n", "2: group: blank or ':' in name");
    expect_error("[milter]\nlog = \"\"\n",
		 "2: log: expected syslog, stderr or a file path");
    expect_error("[milter]\npid_file = \"\"\n", "2: pid_file: empty path");
}

/* test_rules_config - [rules] lines: repeatable, kept in order, written back */
static void test_rules_config(void **state)
{
    static const char text[] =
	"[rules]\n"
	"recipient = text user@Example.JP, @lgwan.example.lg.jp\n"
	"recipient = TEXT @.city.example.lg.jp\n"
	"sender = text boss@partner.example.jp\n"
	"client = text 192.0.2.0/24 2001:db8::/32 198.51.100.7\n";
    char buf[256], *first, *second, path[64];
    policy *p, *q;

    (void)state;
    p = load_text(text, NULL);
    assert_non_null(p);
    assert_non_null(p->rules);
    assert_int_equal(rules_count(p->rules, RULES_RECIPIENT), 2);
    assert_int_equal(rules_count(p->rules, RULES_SENDER), 1);
    assert_int_equal(rules_count(p->rules, RULES_CLIENT), 1);
    assert_true(rules_format(p->rules, RULES_RECIPIENT, 1, buf, sizeof buf) > 0);
    assert_string_equal(buf, "text @.city.example.lg.jp");
    assert_int_equal(rules_format(p->rules, RULES_RECIPIENT, 2, buf, sizeof buf), -1);
    first = written_text(p);
    assert_non_null(strstr(first, "\nrecipient = text user@Example.JP, "
			   "@lgwan.example.lg.jp\nrecipient = text "
			   "@.city.example.lg.jp\n"));
    assert_non_null(strstr(first, "\nclient = text 192.0.2.0/24 "
			   "2001:db8::/32 198.51.100.7\n"));
    write_temp(first, strlen(first), path, sizeof path);
    q = config_load(path, NULL);
    unlink(path);
    assert_non_null(q);
    second = written_text(q);
    assert_string_equal(first, second);
    free(first);
    free(second);
    policy_unref(p);
    policy_unref(q);
}

/* test_rules_errors - bad rules name their line; cdr is refused */
static void test_rules_errors(void **state)
{
    static const char text[] =
	"[rules]\n"
	"recipient = cdr @example.jp\n"
	"recipient = strict @example.jp\n"
	"recipient = text\n"
	"recipient = text example.jp\n"
	"recipient = text @\n"
	"client = text 300.1.1.1\n"
	"client = text 192.0.2.0/33\n"
	"sender = text a@b@c\n"
	"recipient = text list:/nonexistent/mugai-list\n";
    static const char *const expected[] = {
	"2: recipient: cdr mode is not available in this version",
	"3: recipient: unknown mode 'strict' (expected text)",
	"4: recipient: no pattern after the mode",
	"5: recipient: expected user@domain, @domain or @.domain: 'example.jp'",
	"6: recipient: empty domain: '@'",
	"7: client: invalid IP address: '300.1.1.1'",
	"8: client: invalid prefix length: '192.0.2.0/33'",
	"9: sender: expected user@domain, @domain or @.domain: 'a@b@c'",
	"10: recipient: list /nonexistent/mugai-list: cannot open: "
	"No such file or directory",
    };

    (void)state;
    expect_errors(text, strlen(text), expected,
		  sizeof expected / sizeof expected[0]);
}

/* test_rules_match - address, domain, subdomain and network patterns */
static void test_rules_match(void **state)
{
    const char *r1[] = { "<User@Example.JP>" }, *r2[] = { "x@example.jp" },
	*r3[] = { "a@lgwan.example.lg.jp" }, *r4[] = { "a@x.city.example.lg.jp" },
	*r5[] = { "a@city.example.lg.jp" }, *r6[] = { "postmaster" };
    char why[256];
    rules_decision d;
    rules *rs = NULL;

    (void)state;
    assert_int_equal(rules_add(&rs, RULES_RECIPIENT, POLICY_MODE_CDR,
			       "user@example.jp @lgwan.example.lg.jp "
			       "@.city.example.lg.jp", why, sizeof why), 0);
    rules_decide(rs, POLICY_MODE_TEXT, NULL, NULL, r1, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_CDR);
    assert_int_equal(d.matched, 1);
    rules_decide(rs, POLICY_MODE_TEXT, NULL, NULL, r2, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    assert_int_equal(d.matched, 0);
    rules_decide(rs, POLICY_MODE_TEXT, NULL, NULL, r3, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_CDR);
    rules_decide(rs, POLICY_MODE_TEXT, NULL, NULL, r4, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_CDR);
    /* @.domain is for subdomains only */
    rules_decide(rs, POLICY_MODE_TEXT, NULL, NULL, r5, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    rules_decide(rs, POLICY_MODE_TEXT, NULL, NULL, r6, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    /* no rules, no recipients: the default */
    rules_decide(NULL, POLICY_MODE_TEXT, NULL, NULL, r1, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    rules_decide(rs, POLICY_MODE_TEXT, NULL, NULL, NULL, 0, &d);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    assert_int_equal(d.exception, 0);
    rules_free(rs);
}

/* test_rules_strictest - mixed recipients get the strictest mode */
static void test_rules_strictest(void **state)
{
    const char *mixed[] = { "a@relaxed.example.jp", "b@strict.example.jp",
			    "c@relaxed.example.jp" };
    const char *relaxed[] = { "a@relaxed.example.jp", "c@relaxed.example.jp" };
    const char *other[] = { "a@relaxed.example.jp", "z@elsewhere.example" };
    char why[256];
    rules_decision d;
    rules *rs = NULL;

    (void)state;
    assert_int_equal(rules_stricter(POLICY_MODE_CDR, POLICY_MODE_TEXT),
		     POLICY_MODE_TEXT);
    assert_int_equal(rules_stricter(POLICY_MODE_TEXT, POLICY_MODE_CDR),
		     POLICY_MODE_TEXT);
    assert_int_equal(rules_stricter(POLICY_MODE_CDR, POLICY_MODE_CDR),
		     POLICY_MODE_CDR);
    assert_int_equal(rules_add(&rs, RULES_RECIPIENT, POLICY_MODE_TEXT,
			       "@strict.example.jp", why, sizeof why), 0);
    assert_int_equal(rules_add(&rs, RULES_RECIPIENT, POLICY_MODE_CDR,
			       "@relaxed.example.jp @strict.example.jp",
			       why, sizeof why), 0);
    /* the first matching rule counts for each recipient */
    rules_decide(rs, POLICY_MODE_CDR, NULL, NULL, mixed, 3, &d);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    assert_int_equal(d.matched, 3);
    rules_decide(rs, POLICY_MODE_TEXT, NULL, NULL, relaxed, 2, &d);
    assert_int_equal(d.mode, POLICY_MODE_CDR);
    /* an unmatched recipient takes the default, which is stricter */
    rules_decide(rs, POLICY_MODE_TEXT, NULL, NULL, other, 2, &d);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    assert_int_equal(d.matched, 1);
    rules_free(rs);
}

/* test_rules_exceptions - client before sender, both reported */
static void test_rules_exceptions(void **state)
{
    const char *rc[] = { "a@strict.example.jp" };
    char why[256];
    rules_decision d;
    rules *rs = NULL;

    (void)state;
    assert_int_equal(rules_add(&rs, RULES_SENDER, POLICY_MODE_TEXT,
			       "@other.example", why, sizeof why), 0);
    assert_int_equal(rules_add(&rs, RULES_SENDER, POLICY_MODE_CDR,
			       "@partner.example.jp", why, sizeof why), 0);
    assert_int_equal(rules_add(&rs, RULES_CLIENT, POLICY_MODE_TEXT,
			       "2001:db8::/32", why, sizeof why), 0);
    assert_int_equal(rules_add(&rs, RULES_CLIENT, POLICY_MODE_CDR,
			       "192.0.2.0/25", why, sizeof why), 0);
    rules_decide(rs, POLICY_MODE_TEXT, "<x@partner.example.jp>", "203.0.113.1",
		 rc, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_CDR);
    assert_int_equal(d.exception, 1);
    assert_int_equal(d.exception_kind, RULES_SENDER);
    assert_int_equal(d.exception_rule, 2);
    /* a client rule wins over a sender rule */
    rules_decide(rs, POLICY_MODE_TEXT, "x@partner.example.jp", "2001:db8::1",
		 rc, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    assert_int_equal(d.exception_kind, RULES_CLIENT);
    assert_int_equal(d.exception_rule, 1);
    rules_decide(rs, POLICY_MODE_TEXT, NULL, "192.0.2.127", rc, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_CDR);
    assert_int_equal(d.exception_rule, 2);
    rules_decide(rs, POLICY_MODE_TEXT, NULL, "::ffff:192.0.2.1", rc, 1, &d);
    assert_int_equal(d.exception_rule, 2);
    rules_decide(rs, POLICY_MODE_TEXT, "", "192.0.2.128", rc, 1, &d);
    assert_int_equal(d.exception, 0);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    rules_decide(rs, POLICY_MODE_TEXT, "<>", "not-an-address", rc, 1, &d);
    assert_int_equal(d.exception, 0);
    rules_free(rs);
}

/* test_rules_list_file - list:FILE patterns and their errors */
static void test_rules_list_file(void **state)
{
    static const char list[] = "# staff\nuser@example.jp\n\n  @lgwan.example.lg.jp  # all\n";
    static const char bad[] = "@ok.example\nnot-a-pattern\n";
    char path[64], badpath[64], conf[256], line[256];
    const char *r1[] = { "a@lgwan.example.lg.jp" };
    config_errors errs;
    rules_decision d;
    policy *p;

    (void)state;
    write_temp(list, strlen(list), path, sizeof path);
    write_temp(bad, strlen(bad), badpath, sizeof badpath);
    snprintf(conf, sizeof conf, "[rules]\nrecipient = text list:%s\n", path);
    p = load_text(conf, NULL);
    assert_non_null(p);
    rules_decide(p->rules, POLICY_MODE_CDR, NULL, NULL, r1, 1, &d);
    assert_int_equal(d.mode, POLICY_MODE_TEXT);
    assert_int_equal(d.matched, 1);
    policy_unref(p);
    snprintf(conf, sizeof conf, "[rules]\nrecipient = text list:%s\n", badpath);
    config_errors_init(&errs);
    assert_null(load_text(conf, &errs));
    assert_int_equal(errs.count, 1);
    snprintf(line, sizeof line, ":2: recipient: list %s:2: expected "
	     "user@domain, @domain or @.domain", badpath);
    assert_non_null(strstr(errs.lines[0], line));
    config_errors_free(&errs);
    unlink(path);
    unlink(badpath);
}

/* value_of - the string a STRING or PATH entry stored in p */
static const char *value_of(const policy *p, const config_entry *e)
{
    return *(char *const *)((const char *)p + e->offset);
}

/* relative_value - a relative value of e's form naming "sub/KEY" */
static void relative_value(const config_entry *e, char *buf, size_t len)
{
    snprintf(buf, len, "%ssub/%s", e->path == CONFIG_PATH_SOCKET ? "unix:" : "",
	     e->key);
}

/* test_relative_paths - every file name in a config, whatever its key,
 *	is taken from the config file's directory: loaded by an absolute
 *	name, by a relative one and from another working directory */
static void test_relative_paths(void **state)
{
    char top[] = "/tmp/mugai-test-relpath-XXXXXX", confdir[128], conf[160];
    char cwd[2048], value[512], want[512], listfile[192], absfile[192];
    static const char *const loads[][2] = {
	{ NULL, NULL },			/* absolute name, from here */
	{ "/", NULL },			/* absolute name, from / */
	{ "TOP", "etc/mugai.conf" },	/* relative name, from TOP */
	{ "CONFDIR", "mugai.conf" },	/* bare name, from its directory */
    };
    config_errors errs;
    const config_entry *e;
    size_t i, l, npath = 0;
    policy *p;
    FILE *f;

    (void)state;
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_non_null(mkdtemp(top));
    snprintf(confdir, sizeof confdir, "%s/etc", top);
    assert_int_equal(mkdir(confdir, 0700), 0);
    snprintf(listfile, sizeof listfile, "%s/staff.list", confdir);
    f = fopen(listfile, "w");
    assert_non_null(f);
    fputs("user@example.jp\n", f);
    fclose(f);
    /* an absolute list file, outside the config's directory */
    snprintf(absfile, sizeof absfile, "%s/abs.list", top);
    f = fopen(absfile, "w");
    assert_non_null(f);
    fputs("other@example.jp\n", f);
    fclose(f);
    snprintf(conf, sizeof conf, "%s/mugai.conf", confdir);
    f = fopen(conf, "w");
    assert_non_null(f);
    /* every entry that names a file gets a relative value */
    for (i = 0; i < config_table_count; i++) {
	e = &config_table[i];
	if (e->type == CONFIG_TYPE_PATH)
	    assert_int_equal(e->path, CONFIG_PATH_FILE);
	if (e->path == CONFIG_PATH_NONE || e->path == CONFIG_PATH_LIST)
	    continue;
	relative_value(e, value, sizeof value);
	fprintf(f, "[%s]\n%s = %s\n", e->section, e->key, value);
	npath++;
    }
    /* spool_dir, pid_file, database_dir, vault dir and audit_log, the
     * socket, clamd's socket, the log and temp_dir */
    assert_true(npath >= 9);
    fprintf(f, "[rules]\nrecipient = text @a.example,list:staff.list list:%s\n"
	    "[scan]\nscanner = clamd\n", absfile);
    fclose(f);

    for (l = 0; l < sizeof loads / sizeof loads[0]; l++) {
	const char *dir = loads[l][0], *name = loads[l][1] ? loads[l][1] : conf;

	if (dir != NULL)
	    assert_int_equal(chdir(strcmp(dir, "TOP") == 0 ? top
				   : strcmp(dir, "CONFDIR") == 0 ? confdir
				   : dir), 0);
	config_errors_init(&errs);
	p = config_load(name, &errs);
	config_errors_print(&errs, stderr);
	assert_int_equal(errs.count, 0);
	assert_non_null(p);
	for (i = 0; i < config_table_count; i++) {
	    e = &config_table[i];
	    if (e->path == CONFIG_PATH_NONE || e->path == CONFIG_PATH_LIST)
		continue;
	    snprintf(want, sizeof want, "%s%s/sub/%s",
		     e->path == CONFIG_PATH_SOCKET ? "unix:" : "", confdir, e->key);
	    assert_string_equal(value_of(p, e), want);
	}
	/* the list file was found beside the config and read */
	assert_true(rules_format(p->rules, RULES_RECIPIENT, 0, value,
				 sizeof value) > 0);
	snprintf(want, sizeof want, "@a.example,list:%s/staff.list list:%s",
		 confdir, absfile);
	assert_non_null(strstr(value, want));
	policy_unref(p);
	config_errors_free(&errs);
	assert_int_equal(chdir(cwd), 0);
    }

    /* what names no file stays as written */
    f = fopen(conf, "w");
    assert_non_null(f);
    fputs("[milter]\nsocket = inet:10999@127.0.0.1\nlog = syslog\n"
	  "[scan]\ntemp_dir = \"\"\nclamd_socket = unix:/run/x.ctl\n"
	  "database_dir = /var/lib/clamav\n[vault]\nrelease_host = rel/host\n", f);
    fclose(f);
    assert_int_equal(chdir("/"), 0);
    p = config_load(conf, NULL);
    assert_int_equal(chdir(cwd), 0);
    assert_non_null(p);
    assert_string_equal(p->milter_socket, "inet:10999@127.0.0.1");
    assert_string_equal(p->milter_log, "syslog");
    assert_string_equal(p->scan_temp_dir, "");
    assert_string_equal(p->scan_clamd_socket, "unix:/run/x.ctl");
    assert_string_equal(p->scan_database_dir, "/var/lib/clamav");
    assert_string_equal(p->vault_release_host, "rel/host");
    policy_unref(p);

    unlink(conf);
    unlink(listfile);
    unlink(absfile);
    rmdir(confdir);
    rmdir(top);
}

/* test_policy_view - a borrowed copy with another mode */
static void test_policy_view(void **state)
{
    policy *p = policy_defaults(), view;

    (void)state;
    assert_non_null(p);
    policy_view(p, POLICY_MODE_CDR, &view);
    assert_int_equal(view.mode, POLICY_MODE_CDR);
    assert_int_equal(p->mode, POLICY_MODE_TEXT);
    assert_ptr_equal(view.spool_dir, p->spool_dir);
    assert_int_equal(atomic_load(&p->refs), 1);
    policy_unref(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_defaults),
	cmocka_unit_test(test_table_verify),
	cmocka_unit_test(test_parse_size),
	cmocka_unit_test(test_parse_duration),
	cmocka_unit_test(test_parse_count_bool),
	cmocka_unit_test(test_text_check),
	cmocka_unit_test(test_load_every_key),
	cmocka_unit_test(test_partial_file),
	cmocka_unit_test(test_quoted_values),
	cmocka_unit_test(test_empty_subject_tag),
	cmocka_unit_test(test_cdr_refused),
	cmocka_unit_test(test_error_kinds),
	cmocka_unit_test(test_bad_lines),
	cmocka_unit_test(test_all_errors_one_run),
	cmocka_unit_test(test_missing_file),
	cmocka_unit_test(test_sample_files),
	cmocka_unit_test(test_write_round_trip),
	cmocka_unit_test(test_errors_list),
	cmocka_unit_test(test_default_path),
	cmocka_unit_test(test_refcount),
	cmocka_unit_test(test_milter_keys),
	cmocka_unit_test(test_rules_config),
	cmocka_unit_test(test_rules_errors),
	cmocka_unit_test(test_rules_match),
	cmocka_unit_test(test_rules_strictest),
	cmocka_unit_test(test_rules_exceptions),
	cmocka_unit_test(test_rules_list_file),
	cmocka_unit_test(test_relative_paths),
	cmocka_unit_test(test_policy_view),
    };

    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
