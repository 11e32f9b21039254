/*
 * NAME
 *	test_hdrdecode - RFC 2047 header text and RFC 2231 parameters
 * DESCRIPTION
 *	Exact expected strings for the shapes Japanese mail takes: long
 *	ISO-2022-JP subjects over several words, UTF-8 words split inside a
 *	character, raw 8-bit and raw JIS headers, mislabelled words, RFC 2231
 *	continuations split inside an escape sequence, and RFC 2047 inside
 *	quoted parameters (Outlook).
 */
#include "tests/unit/testutil.h"
#include "sanitizer/hdrdecode.h"
#include "sanitizer/charset.h"
#include "sanitizer/limits.h"

/* TEXT - hdrdecode_text on a string literal (which may hold NUL) */
#define TEXT(lit, want) text_check((lit), sizeof(lit) - 1, (want))

/* text_check - decode and compare exactly */
static void text_check(const char *raw, size_t len, const char *want)
{
    char *out = hdrdecode_text(raw, len);

    assert_non_null(out);
    assert_string_equal(out, want);
    assert_true(charset_is_utf8(out, strlen(out)));
    free(out);
}

/* param_check - hdrdecode_param and compare exactly (want NULL: absent) */
static void param_check(const char *raw, const char *name, const char *want)
{
    char *out = hdrdecode_param(raw, name);

    if (want == NULL) {
        assert_null(out);
        return;
    }
    assert_non_null(out);
    assert_string_equal(out, want);
    assert_true(charset_is_utf8(out, strlen(out)));
    free(out);
}

/* test_plain - unfolding, trimming, no words */
static void test_plain(void **state)
{
    (void)state;
    TEXT(" Hello\r\n World\r\n", "Hello World");
    TEXT("a\n\tb", "a\tb");
    TEXT("", "");
    TEXT("x\ry\0z", "x y z");
}

/* test_basic_words - B and Q, either case, with text around */
static void test_basic_words(void **state)
{
    (void)state;
    TEXT("=?UTF-8?B?5pel5pys6Kqe?=", "日本語");
    TEXT("=?utf-8?b?5pel5pys6Kqe?=", "日本語");
    TEXT("Re: =?UTF-8?Q?caf=C3=A9_au_lait?= (fwd)", "Re: café au lait (fwd)");
    TEXT("=?iso-8859-1?q?Gr=FC=DFe?=", "Grüße");
}

/* test_iso2022jp_subject - a long subject over five folded ISO-2022-JP words */
static void test_iso2022jp_subject(void **state)
{
    (void)state;
    TEXT(" =?ISO-2022-JP?B?GyRCIVo9RU1XIVtOYU9CTztHLxsoQg==?=\r\n"
         " =?ISO-2022-JP?B?GyRCRVkkTk09Ozs8OTlUJEs0WBsoQg==?=\r\n"
         " =?ISO-2022-JP?B?GyRCJDkkazJxNUQ7cU5BJE5BdxsoQg==?=\r\n"
         " =?ISO-2022-JP?B?GyRCSVUkSyREJCQkRiFKJDQzThsoQg==?=\r\n"
         " =?ISO-2022-JP?B?GyRCRyckLyRAJDUkJCFLGyhC?=\r\n",
         "【重要】令和六年度の予算執行に関する会議資料の送付について（ご確認ください）");
}

/* test_utf8_split_char - 日本語 split after the first byte of 本 */
static void test_utf8_split_char(void **state)
{
    (void)state;
    TEXT("=?UTF-8?B?5pel5g==?= =?UTF-8?B?nKzoqp4=?=", "日本語");
    TEXT("=?UTF-8?B?5pel5g==?=\r\n =?utf-8?B?nKzoqp4=?=", "日本語");
}

/* test_whitespace_between - dropped between words, kept next to text */
static void test_whitespace_between(void **state)
{
    (void)state;
    TEXT("=?UTF-8?Q?a?= =?UTF-8?Q?b?=", "ab");
    TEXT("=?UTF-8?Q?a?=   \t =?ISO-8859-1?Q?b?=", "ab");
    TEXT("=?UTF-8?Q?a?= b =?UTF-8?Q?c?=", "a b c");
    TEXT("=?UTF-8?Q?a_?= =?UTF-8?Q?_b?=", "a  b");
}

/* test_charset_lang - RFC 2231 language in an encoded word */
static void test_charset_lang(void **state)
{
    (void)state;
    TEXT("=?ISO-2022-JP*ja?B?GyRCNEE7ehsoQg==?=", "漢字");
    TEXT("=?UTF-8*en?Q?x?=", "x");
}

/* test_malformed - broken words stay text */
static void test_malformed(void **state)
{
    (void)state;
    TEXT("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=");
    TEXT("=?UTF-8?B?5pel", "=?UTF-8?B?5pel");
    TEXT("=??B?5pel?=", "=??B?5pel?=");
    TEXT("a =?UTF-8?Q?b c?= d", "a =?UTF-8?Q?b c?= d");
    TEXT("1+1=2? yes", "1+1=2? yes");
}

/* test_raw_8bit - Shift_JIS and ISO-2022-JP written into the header unencoded */
static void test_raw_8bit(void **state)
{
    (void)state;
    TEXT("Re: \x89\xef\x8b" "c\x82\xcc\x8c\x8f\x82\xc9\x82\xc2\x82\xa2\x82\xc4",
         "Re: 会議の件について");
    TEXT("Re: \x1b$B2q5D$N7o\x1b(B", "Re: 会議の件");
    TEXT("Re: 会議 =?UTF-8?B?5pel5pys6Kqe?=", "Re: 会議 日本語");
}

/* test_mislabelled_word - Shift_JIS bytes inside an ISO-2022-JP word */
static void test_mislabelled_word(void **state)
{
    (void)state;
    TEXT("=?ISO-2022-JP?B?k1mVdIN0g0CDQ4OL?=", "添付ファイル");
    /* UTF-8 bytes labelled ISO-8859-1 */
    TEXT("=?ISO-8859-1?B?5pel5pys6Kqe?=", "日本語");
}

/* test_jis_split_words - broken encoders split a JIS run across words */
static void test_jis_split_words(void **state)
{
    (void)state;
    /* first word ends in JIS X 0208 state, second goes on without ESC $ B */
    TEXT("=?ISO-2022-JP?B?GyRCRTpJVQ==?= =?ISO-2022-JP?B?O3FOQRsoQg==?=", "添付資料");
    /* split inside a character: "ESC $ B E : I" + "U ; q N A ESC ( B" */
    TEXT("=?ISO-2022-JP?B?GyRCRTpJ?= =?ISO-2022-JP?B?VTtxTkEbKEI=?=", "添付資料");
    /* split inside an escape sequence: the first word fails alone, the join does not */
    TEXT("=?ISO-2022-JP?B?GyRCRTpJVRsoQhsk?= =?ISO-2022-JP?B?QjtxTkEbKEI=?=", "添付資料");
    /* mislabelled Shift_JIS split inside a character: decoded as one */
    TEXT("=?ISO-2022-JP?B?k1mVdIM=?= =?ISO-2022-JP?B?dINAg0ODiw==?=", "添付ファイル");
    /* self-contained words stay separate */
    TEXT("=?ISO-2022-JP?B?GyRCRTpJVRsoQg==?= =?ISO-2022-JP?B?GyRCO3FOQRsoQg==?=", "添付資料");
}

/* test_controls - CR, LF and NUL from encoded words become spaces */
static void test_controls(void **state)
{
    (void)state;
    TEXT("=?UTF-8?Q?a=0D=0Ab=00c?=", "a  b c");
    TEXT("=?UTF-8?B?YQ1i?=", "a b");
}

/* test_param_rfc2231_escape_split - continuation split inside an escape sequence */
static void test_param_rfc2231_escape_split(void **state)
{
    (void)state;
    param_check("attachment;\r\n filename*0*=iso-2022-jp''%1B%24B%24%22 ;\r\n"
                " filename*1*=%24%24%1B%28B.txt", "filename", "あい.txt");
    param_check("attachment; filename*0*=ISO-2022-JP'ja'%1B%24;"
                " filename*1*=B%24%22%24%24%1B; filename*2*=%28B.txt", "filename", "あい.txt");
}

/* test_param_rfc2231_utf8 - single and continued UTF-8, a character split over sections */
static void test_param_rfc2231_utf8(void **state)
{
    (void)state;
    param_check("attachment; filename*=UTF-8''%E8%A6%8B%E7%A9%8D%2E%70%64%66", "filename",
                "見積.pdf");
    param_check("attachment; filename*0*=UTF-8''%E6%97; filename*1*=%A5; filename*2=\".txt\"",
                "filename", "日.txt");
    /* out of order, and a mislabel repaired: Shift_JIS bytes labelled UTF-8 */
    param_check("attachment; filename*1*=%8F%91.pdf; filename*0*=utf-8''%95%F1%8D%90",
                "filename", "報告書.pdf");
}

/* test_param_2047_in_quotes - Outlook's name="=?ISO-2022-JP?B?...?=" */
static void test_param_2047_in_quotes(void **state)
{
    (void)state;
    param_check("application/vnd.ms-excel;\r\n\tname=\"=?ISO-2022-JP?B?GyRCOCtAUT1xGyhCLnhsc3g=?=\"",
                "name", "見積書.xlsx");
    param_check("attachment; filename==?UTF-8?B?5pel?= =?UTF-8?B?5pys?=.txt", "filename",
                "日本.txt");
}

/* test_param_quoting - escapes, comments, stray ';', missing quotes, duplicates */
static void test_param_quoting(void **state)
{
    (void)state;
    param_check("attachment; filename=\"a\\\"b\\\\c.txt\"", "filename", "a\"b\\c.txt");
    param_check("attachment; (a comment) filename=x.txt", "filename", "x.txt");
    param_check("attachment;; ; filename=\"a;b.txt\";", "filename", "a;b.txt");
    param_check("attachment; filename=\"report.pdf", "filename", "report.pdf");
    param_check("attachment; filename=report 2024.pdf ; size=3", "filename", "report 2024.pdf");
    param_check("attachment; filename=first.txt; filename=second.txt", "filename", "first.txt");
    param_check("attachment; FILENAME = \"upper.txt\"", "filename", "upper.txt");
    param_check("text/plain; charset=\"iso-2022-jp\"; format=flowed", "charset", "iso-2022-jp");
}

/* test_param_choice - RFC 2231 beats the plain form; absent and look-alike names */
static void test_param_choice(void **state)
{
    (void)state;
    param_check("attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E6%97%A5.txt",
                "filename", "日.txt");
    param_check("attachment; filename=\"a.txt\"", "name", NULL);
    param_check("attachment; filenamex=\"a.txt\"", "filename", NULL);
    param_check("attachment", "filename", NULL);
    param_check("attachment; filename*0=a; filename*100=b; filename*1=c", "filename", "ac");
}

/* test_param_raw_8bit - a raw Shift_JIS name in quotes */
static void test_param_raw_8bit(void **state)
{
    (void)state;
    param_check("attachment; filename=\"\x95\xf1\x8d\x90\x8f\x91.pdf\"", "filename",
                "報告書.pdf");
}

/* test_param_truncate - long names are cut at a character boundary */
static void test_param_truncate(void **state)
{
    size_t i, n;
    char *raw = malloc(64 + 2000 * 3), *out;

    (void)state;
    assert_non_null(raw);
    strcpy(raw, "attachment; filename=\"");
    n = strlen(raw);
    for (i = 0; i < 2000; i++) {
        memcpy(raw + n, "あ", 3);
        n += 3;
    }
    strcpy(raw + n, "\"");
    out = hdrdecode_param(raw, "filename");
    assert_non_null(out);
    assert_int_equal(strlen(out), LIMITS_FILENAME_BYTES / 3 * 3);
    assert_true(charset_is_utf8(out, strlen(out)));
    free(out);
    free(raw);
}

/* main - run the hdrdecode tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_basic_words),
        cmocka_unit_test(test_iso2022jp_subject),
        cmocka_unit_test(test_utf8_split_char),
        cmocka_unit_test(test_whitespace_between),
        cmocka_unit_test(test_charset_lang),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_raw_8bit),
        cmocka_unit_test(test_mislabelled_word),
        cmocka_unit_test(test_jis_split_words),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_param_rfc2231_escape_split),
        cmocka_unit_test(test_param_rfc2231_utf8),
        cmocka_unit_test(test_param_2047_in_quotes),
        cmocka_unit_test(test_param_quoting),
        cmocka_unit_test(test_param_choice),
        cmocka_unit_test(test_param_raw_8bit),
        cmocka_unit_test(test_param_truncate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
