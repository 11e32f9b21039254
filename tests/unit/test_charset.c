/*
 * NAME
 *	test_charset - charset detection, repair and ISO-2022-JP encoding
 * DESCRIPTION
 *	Every case asserts the exact decoded text and the charset reported
 *	as used: the mislabels Japanese mail really carries, CP932-only
 *	characters, broken bytes, and the substitutes of the ISO-2022-JP
 *	encoder.
 */
#include "tests/unit/testutil.h"
#include "sanitizer/charset.h"

/* decode - charset_to_utf8 on a literal; checks text, length and used name */
static void decode(const char *declared, const char *in, size_t len,
                   const char *want, const char *want_used)
{
    const char *used = NULL;
    size_t outlen = 12345;
    char *out = charset_to_utf8(declared, in, len, &outlen, &used);

    assert_non_null(out);
    assert_string_equal(out, want);
    assert_int_equal(outlen, strlen(want));
    assert_true(charset_is_utf8(out, outlen));
    assert_non_null(used);
    assert_string_equal(used, want_used);
    free(out);
}

/* DECODE - decode() on a string literal, which may hold NUL bytes */
#define DECODE(d, lit, want, used) decode((d), (lit), sizeof(lit) - 1, (want), (used))

/* encode - charset_utf8_to_iso2022jp on a literal; checks the exact bytes */
static void encode(const char *in, const char *want, size_t wantlen)
{
    size_t outlen = 12345;
    char *out = charset_utf8_to_iso2022jp(in, strlen(in), &outlen);

    assert_non_null(out);
    assert_int_equal(outlen, wantlen);
    assert_memory_equal(out, want, wantlen);
    free(out);
}

/* test_iso2022jp_hello - 「こんにちは」 in ISO-2022-JP, labelled and not */
static void test_iso2022jp_hello(void **state)
{
    static const char jis[] = "\x1b$B$3$s$K$A$O\x1b(B";

    (void)state;
    decode("ISO-2022-JP", jis, sizeof(jis) - 1, "こんにちは", "ISO-2022-JP");
    decode("iso-2022-jp", jis, sizeof(jis) - 1, "こんにちは", "ISO-2022-JP");
    decode(NULL, jis, sizeof(jis) - 1, "こんにちは", "ISO-2022-JP");
    decode("us-ascii", jis, sizeof(jis) - 1, "こんにちは", "ISO-2022-JP");
}

/* test_iso2022jp_nec_row13 - ①㈱ sent by Windows in ISO-2022-JP (CP50221) */
static void test_iso2022jp_nec_row13(void **state)
{
    static const char jis[] = "\x1b$B-!-j\x1b(B No.1";

    (void)state;
    decode("ISO-2022-JP", jis, sizeof(jis) - 1, "①㈱ No.1", "ISO-2022-JP");
}

/* test_iso2022jp_wave_dash - JIS 1-33 decodes to U+301C, as the encoder expects */
static void test_iso2022jp_wave_dash(void **state)
{
    static const char jis[] = "\x1b$B!A\x1b(B";

    (void)state;
    decode("ISO-2022-JP", jis, sizeof(jis) - 1, "\xe3\x80\x9c", "ISO-2022-JP");
}

/* test_iso2022jp_kana - half-width katakana by ESC ( I and by SO/SI */
static void test_iso2022jp_kana(void **state)
{
    static const char esc[] = "\x1b(I6@6E\x1b(B!";
    static const char so[] = "a\x0e" "1\x0f" "b";

    (void)state;
    decode("ISO-2022-JP", esc, sizeof(esc) - 1, "ｶﾀｶﾅ!", "ISO-2022-JP");
    decode("ISO-2022-JP", so, sizeof(so) - 1, "aｱb", "ISO-2022-JP");
}

/* test_iso2022jp_broken - an odd byte and an unknown escape give U+FFFD, the rest survives */
static void test_iso2022jp_broken(void **state)
{
    static const char odd[] = "\x1b$B$3$s$\x1b(Bx";
    static const char unk[] = "a\x1b" "Zb";

    (void)state;
    decode("ISO-2022-JP", odd, sizeof(odd) - 1, "こん\xef\xbf\xbdx", "ISO-2022-JP");
    decode("ISO-2022-JP", unk, sizeof(unk) - 1, "a\xef\xbf\xbd" "Zb", "ISO-2022-JP");
}

/* test_sjis_labelled_iso2022jp - 8-bit Shift_JIS with an ISO-2022-JP label */
static void test_sjis_labelled_iso2022jp(void **state)
{
    static const char sjis[] = "\x89\xef\x8b" "c\x82\xcc\x8e\x91\x97\xbf\x82\xf0\x82\xa8"
        "\x91\x97\x82\xe8\x82\xb5\x82\xdc\x82\xb7\x81" "B";

    (void)state;
    decode("ISO-2022-JP", sjis, sizeof(sjis) - 1, "会議の資料をお送りします。", "CP932");
    decode("us-ascii", sjis, sizeof(sjis) - 1, "会議の資料をお送りします。", "CP932");
    decode(NULL, sjis, sizeof(sjis) - 1, "会議の資料をお送りします。", "CP932");
}

/* test_utf8_mislabelled - UTF-8 labelled ISO-2022-JP, Shift_JIS and Latin-1 */
static void test_utf8_mislabelled(void **state)
{
    static const char u[] = "テスト資料を送ります";

    (void)state;
    decode("ISO-2022-JP", u, sizeof(u) - 1, u, "UTF-8");
    decode("Shift_JIS", u, sizeof(u) - 1, u, "UTF-8");
    decode("iso-8859-1", u, sizeof(u) - 1, u, "UTF-8");
    decode(NULL, u, sizeof(u) - 1, u, "UTF-8");
}

/* test_cp932_in_shift_jis - ①㈱№ are CP932-only but labelled Shift_JIS */
static void test_cp932_in_shift_jis(void **state)
{
    static const char sjis[] = "\x87@\x87\x8a\x87\x82";
    static const char tilde[] = "10\x81`20";

    (void)state;
    decode("Shift_JIS", sjis, sizeof(sjis) - 1, "①㈱№", "CP932");
    decode("x-sjis", sjis, sizeof(sjis) - 1, "①㈱№", "CP932");
    decode("Windows-31J", sjis, sizeof(sjis) - 1, "①㈱№", "CP932");
    decode("SJIS", tilde, sizeof(tilde) - 1, "10～20", "CP932");
}

/* test_eucjp_no_label - EUC-JP without a label, and EUC-JP labelled Shift_JIS */
static void test_eucjp_no_label(void **state)
{
    static const char euc[] = "\xc6\xfc\xcb\xdc\xb8\xec\xa4\xce\xa5\xc6\xa5\xad\xa5\xb9"
        "\xa5\xc8\xa4\xc7\xa4\xb9\xa1\xa3";
    static const char euc2[] = "\xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\xa4\xcf\xc0\xa4\xb3\xa6";

    (void)state;
    decode(NULL, euc, sizeof(euc) - 1, "日本語のテキストです。", "EUC-JP-MS");
    decode("", euc, sizeof(euc) - 1, "日本語のテキストです。", "EUC-JP-MS");
    decode("EUC-JP", euc, sizeof(euc) - 1, "日本語のテキストです。", "EUC-JP-MS");
    decode("Shift_JIS", euc2, sizeof(euc2) - 1, "こんにちは世界", "EUC-JP-MS");
}

/* test_halfwidth_kana - Shift_JIS half-width katakana stays half-width */
static void test_halfwidth_kana(void **state)
{
    static const char sjis[] = "\xb6\xc0\xb6\xc5 \xba\xdd\xcb\xdf\xad\xb0\xc0\xb0";

    (void)state;
    decode("Shift_JIS", sjis, sizeof(sjis) - 1, "ｶﾀｶﾅ ｺﾝﾋﾟｭｰﾀｰ", "CP932");
}

/* test_short_unlabelled - a two-kanji subject without label is still Japanese */
static void test_short_unlabelled(void **state)
{
    (void)state;
    DECODE(NULL, "\x89\xef\x8b" "c", "会議", "CP932");
    DECODE(NULL, "\xb2\xf1\xb5\xc4", "会議", "EUC-JP-MS");
}

/* test_invalid_bytes - invalid sequences become U+FFFD and decoding goes on */
static void test_invalid_bytes(void **state)
{
    (void)state;
    DECODE("UTF-8", "abc\xff\xfe", "abc\xef\xbf\xbd\xef\xbf\xbd", "UTF-8");
    /* a truncated 3-byte sequence is one replacement, not two */
    DECODE("UTF-8", "日本語のテキスト\xe3\x81 です",
           "日本語のテキスト\xef\xbf\xbd です", "UTF-8");
    DECODE(NULL, "日本語のテキスト\xff です",
           "日本語のテキスト\xef\xbf\xbd です", "UTF-8");
    /* an encoded surrogate is three invalid bytes */
    DECODE("UTF-8", "日本語のテキスト\xed\xa0\x80です",
           "日本語のテキスト\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdです", "UTF-8");
    /* Latin-1 labelled UTF-8 is repaired */
    DECODE("UTF-8", "caf\xe9 cr\xe8me br\xfbl\xe9" "e", "café crème brûlée", "ISO-8859-1");
    DECODE("Shift_JIS", "\x82\xa0\x85" "@\x82\xa2", "あ\xef\xbf\xbd@い", "CP932");
}

/* test_nul_bytes - NUL never reaches the text output */
static void test_nul_bytes(void **state)
{
    (void)state;
    DECODE(NULL, "a\0b", "a\xef\xbf\xbd" "b", "US-ASCII");
    DECODE("UTF-8", "\xe6\x97\xa5\0", "日\xef\xbf\xbd", "UTF-8");
}

/* test_latin - Latin text keeps its label; C1 quotes are windows-1252 */
static void test_latin(void **state)
{
    (void)state;
    DECODE("iso-8859-1", "caf\xe9 cr\xe8me", "café crème", "ISO-8859-1");
    DECODE("ISO-8859-1", "\x93quoted\x94", "“quoted”", "WINDOWS-1252");
    DECODE("windows-1252", "\x80 5", "€ 5", "WINDOWS-1252");
    DECODE(NULL, "Gr\xfc\xdf" "e aus M\xfcnchen, caf\xe9 cr\xe8me",
           "Grüße aus München, café crème", "ISO-8859-1");
}

/* test_latin_label_on_japanese - Shift_JIS labelled ISO-8859-1 (libuchardet agrees it is Japanese) */
static void test_latin_label_on_japanese(void **state)
{
    static const char sjis[] = "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd\x81" "A\x90\xa2\x8a" "E"
        "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd\x81" "A\x90\xa2\x8a" "E";

    (void)state;
    decode("iso-8859-1", sjis, sizeof(sjis) - 1, "こんにちは、世界こんにちは、世界", "CP932");
}

/* test_ascii_and_empty - pure ASCII reports US-ASCII; empty input gives "" */
static void test_ascii_and_empty(void **state)
{
    (void)state;
    DECODE("Shift_JIS", "hello", "hello", "US-ASCII");
    DECODE("UTF-8", "", "", "US-ASCII");
    DECODE("no-such-charset", "x", "x", "US-ASCII");
}

/* test_utf16 - a declared UTF-16 is honoured */
static void test_utf16(void **state)
{
    (void)state;
    DECODE("UTF-16LE", "\xc6\x30\xb9\x30\xc8\x30", "テスト", "UTF-16LE");
}

/* test_large_sjis - a megabyte of Shift_JIS without label decodes exactly */
static void test_large_sjis(void **state)
{
    static const char unit[] = "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd\x81" "A\x90\xa2\x8a" "E\n";
    const size_t n = 1024 * 1024 / (sizeof(unit) - 1);
    size_t i, outlen;
    const char *used;
    char *in = malloc(n * (sizeof(unit) - 1)), *out;

    (void)state;
    assert_non_null(in);
    for (i = 0; i < n; i++)
        memcpy(in + i * (sizeof(unit) - 1), unit, sizeof(unit) - 1);
    out = charset_to_utf8(NULL, in, n * (sizeof(unit) - 1), &outlen, &used);
    assert_non_null(out);
    assert_string_equal(used, "CP932");
    assert_int_equal(outlen, n * strlen("こんにちは、世界\n"));
    for (i = 0; i < n; i += n / 7)
        assert_memory_equal(out + i * strlen("こんにちは、世界\n"), "こんにちは、世界\n",
                            strlen("こんにちは、世界\n"));
    free(in);
    free(out);
}

/* test_is_utf8 - strict validation */
static void test_is_utf8(void **state)
{
    (void)state;
    assert_true(charset_is_utf8("", 0));
    assert_true(charset_is_utf8("abc", 3));
    assert_true(charset_is_utf8("日本\xf0\x9f\x98\x80", 10));
    assert_false(charset_is_utf8("\xc0\x80", 2));		/* overlong NUL */
    assert_false(charset_is_utf8("\xe0\x80\xaf", 3));		/* overlong '/' */
    assert_false(charset_is_utf8("\xed\xa0\x80", 3));		/* surrogate */
    assert_false(charset_is_utf8("\xf4\x90\x80\x80", 4));	/* above U+10FFFF */
    assert_false(charset_is_utf8("\xe6\x97", 2));		/* truncated */
    assert_false(charset_is_utf8("\x80", 1));
    assert_false(charset_is_utf8("\xff", 1));
}

/* test_html_declared - <meta charset> and http-equiv, case-insensitive, first 4 KiB only */
static void test_html_declared(void **state)
{
    static const char a[] = "<html><head><META CHARSET=\"Shift_JIS\"></head>";
    static const char b[] = "<html><head><meta http-equiv=\"Content-Type\" "
        "content=\"text/html; charset=iso-2022-jp\"></head>";
    static const char c[] = "<meta name=\"x\" content='text/html;CharSet=EUC-JP' >";
    static const char d[] = "<html><body>charset=utf-8</body></html>";
    char *late, *r;

    (void)state;
    r = charset_html_declared(a, sizeof(a) - 1);
    assert_string_equal(r, "Shift_JIS");
    free(r);
    r = charset_html_declared(b, sizeof(b) - 1);
    assert_string_equal(r, "iso-2022-jp");
    free(r);
    r = charset_html_declared(c, sizeof(c) - 1);
    assert_string_equal(r, "EUC-JP");
    free(r);
    assert_null(charset_html_declared(d, sizeof(d) - 1));
    assert_null(charset_html_declared("", 0));

    late = malloc(5000 + sizeof(a));
    assert_non_null(late);
    memset(late, ' ', 5000);
    memcpy(late + 5000, a, sizeof(a));
    assert_null(charset_html_declared(late, 5000 + sizeof(a) - 1));
    free(late);
}

/* test_encode_plain - kana and kanji encode to JIS X 0208 and end in ASCII */
static void test_encode_plain(void **state)
{
    static const char want[] = "\x1b$B$3$s$K$A$O\x1b(B";

    (void)state;
    encode("こんにちは", want, sizeof(want) - 1);
    encode("abc", "abc", 3);
    encode("", "", 0);
}

/* test_encode_substitutes - readable substitutes for what ISO-2022-JP lacks */
static void test_encode_substitutes(void **state)
{
    /* ①⑩ ㈱ № → (1)(10) (株) No. */
    static const char a[] = "(1)(10) (\x1b$B3t\x1b(B) No.";
    /* ｶﾞﾊﾟｱ｡ → ガパア。 */
    static const char b[] = "\x1b$B%,%Q%\"!#\x1b(B";
    /* Ⅱ ㍻ ㎡ → II 平成 m2 */
    static const char c[] = "II \x1b$BJ?@.\x1b(B m2";
    /* an emoji has no substitute: 〓 */
    static const char d[] = "x\x1b$B\".\x1b(By";

    (void)state;
    encode("①⑩ ㈱ №", a, sizeof(a) - 1);
    encode("ｶﾞﾊﾟｱ｡", b, sizeof(b) - 1);
    encode("Ⅱ ㍻ ㎡", c, sizeof(c) - 1);
    encode("x\xf0\x9f\x98\x80y", d, sizeof(d) - 1);
}

/* test_encode_round_trip - ～ (U+FF5E) becomes 〜 and decodes back to it */
static void test_encode_round_trip(void **state)
{
    static const char want[] = "10\x1b$B!A\x1b(B" "20";
    const char *used;
    size_t outlen, n;
    char *jis, *back;

    (void)state;
    encode("10～20", want, sizeof(want) - 1);
    jis = charset_utf8_to_iso2022jp("お世話になります。①〜③", strlen("お世話になります。①〜③"), &n);
    assert_non_null(jis);
    back = charset_to_utf8("ISO-2022-JP", jis, n, &outlen, &used);
    assert_non_null(back);
    assert_string_equal(back, "お世話になります。(1)〜(3)");
    assert_string_equal(used, "ISO-2022-JP");
    free(jis);
    free(back);
    /* text ending in kanji still ends in ASCII state */
    encode("日本", "\x1b$BF|K\\\x1b(B", 10);
}

/* test_encode_invalid - invalid UTF-8 input is refused */
static void test_encode_invalid(void **state)
{
    size_t n;

    (void)state;
    assert_null(charset_utf8_to_iso2022jp("a\xff", 2, &n));
}

/* main - run the charset tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso2022jp_hello),
        cmocka_unit_test(test_iso2022jp_nec_row13),
        cmocka_unit_test(test_iso2022jp_wave_dash),
        cmocka_unit_test(test_iso2022jp_kana),
        cmocka_unit_test(test_iso2022jp_broken),
        cmocka_unit_test(test_sjis_labelled_iso2022jp),
        cmocka_unit_test(test_utf8_mislabelled),
        cmocka_unit_test(test_cp932_in_shift_jis),
        cmocka_unit_test(test_eucjp_no_label),
        cmocka_unit_test(test_halfwidth_kana),
        cmocka_unit_test(test_short_unlabelled),
        cmocka_unit_test(test_invalid_bytes),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_latin),
        cmocka_unit_test(test_latin_label_on_japanese),
        cmocka_unit_test(test_ascii_and_empty),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_large_sjis),
        cmocka_unit_test(test_is_utf8),
        cmocka_unit_test(test_html_declared),
        cmocka_unit_test(test_encode_plain),
        cmocka_unit_test(test_encode_substitutes),
        cmocka_unit_test(test_encode_round_trip),
        cmocka_unit_test(test_encode_invalid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
