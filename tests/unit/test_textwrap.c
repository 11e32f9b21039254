/*
 * NAME
 *	test_textwrap - display width and wrapping of Japanese and Latin text
 * DESCRIPTION
 *	Exact expected output for spaces, wide characters and the kinsoku
 *	rules; for 5000-character lines of CJK and of ASCII without spaces,
 *	checks that no character is split, no line passes 998 octets and the
 *	text is kept.
 */
#include "tests/unit/testutil.h"
#include "sanitizer/textwrap.h"
#include "sanitizer/charset.h"
#include "sanitizer/limits.h"

/* wrap_check - wrap and compare exactly */
static void wrap_check(const char *in, unsigned width, const char *want)
{
    size_t outlen = 12345;
    char *out = textwrap(in, strlen(in), width, &outlen);

    assert_non_null(out);
    assert_string_equal(out, want);
    assert_int_equal(outlen, strlen(want));
    free(out);
}

/* check_lines - every line valid UTF-8, within the width (if any) and 998 octets */
static void check_lines(const char *out, size_t len, unsigned width)
{
    const char *p = out, *end = out + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);

        assert_true(n <= LIMITS_LINE_OCTETS);
        assert_true(charset_is_utf8(p, n));
        if (width > 0)
            assert_true(textwrap_width(p, n) <= width);
        p += n + 1;
    }
}

/* strip_newlines - the text with the line feeds removed, malloc'ed */
static char *strip_newlines(const char *s, size_t len, size_t *outlen)
{
    char *r = malloc(len + 1);
    size_t i, n = 0;

    assert_non_null(r);
    for (i = 0; i < len; i++)
        if (s[i] != '\n')
            r[n++] = s[i];
    r[n] = '\0';
    *outlen = n;
    return r;
}

/* test_width - wide, narrow, half-width kana and combining marks */
static void test_width(void **state)
{
    (void)state;
    assert_int_equal(textwrap_width("abc", 3), 3);
    assert_int_equal(textwrap_width("あいう", 9), 6);
    assert_int_equal(textwrap_width("ｱｲｳ", 9), 3);
    assert_int_equal(textwrap_width("ＡＢ", 6), 4);
    assert_int_equal(textwrap_width("e\xcc\x81", 3), 1);
    assert_int_equal(textwrap_width("한글", 6), 4);
    assert_int_equal(textwrap_width("\xf0\x9f\x98\x80", 4), 2);
    assert_int_equal(textwrap_width("a漢ｱ", 7), 4);
    assert_int_equal(textwrap_width("", 0), 0);
}

/* test_short_lines - lines that fit are kept as they are, empty lines too */
static void test_short_lines(void **state)
{
    (void)state;
    wrap_check("", 76, "");
    wrap_check("abc\n\ndef\n", 76, "abc\n\ndef\n");
    wrap_check("-- \nsig", 76, "-- \nsig");
    wrap_check("a\r\nb\r\n\r\nc", 76, "a\nb\n\nc");
    wrap_check("あいうえお", 10, "あいうえお");
}

/* test_spaces - Latin text breaks at the last space that fits, dropping it */
static void test_spaces(void **state)
{
    (void)state;
    wrap_check("aaa bbb ccc", 7, "aaa bbb\nccc");
    wrap_check("aaa bbb ccc ddd", 8, "aaa bbb\nccc ddd");
    wrap_check("aaa    bbb", 5, "aaa\nbbb");
    wrap_check("one two three four five six", 10, "one two\nthree four\nfive six");
}

/* test_cjk - wide characters break between themselves at the width */
static void test_cjk(void **state)
{
    (void)state;
    wrap_check("ああああああああああ", 10, "あああああ\nあああああ");
    wrap_check("ああああああああああ", 9, "ああああ\nああああ\nああ");
    wrap_check("日本語 text です", 9, "日本語\ntext です");
    wrap_check("日本語 text です", 8, "日本語\ntext で\nす");
}

/* test_kinsoku - no closing punctuation or small kana at a line start, no opener at an end */
static void test_kinsoku(void **state)
{
    (void)state;
    wrap_check("あああ。い", 6, "ああ\nあ。い");
    wrap_check("ああ、いいい", 4, "あ\nあ、\nいい\nい");
    wrap_check("あ「いう」", 4, "あ\n「い\nう」");
    wrap_check("コンピューター", 8, "コン\nピュー\nター");
    wrap_check("ちょっと", 2, "ち\nょ\nっ\nと");
    /* unavoidable: a run of prolonged sound marks still breaks */
    wrap_check("ーーーーーー", 4, "ーー\nーー\nーー");
}

/* test_url - a long ASCII run without spaces stays whole */
static void test_url(void **state)
{
    (void)state;
    wrap_check("see https://example.jp/a/very/long/path/to/a/document.html now", 20,
               "see\nhttps://example.jp/a/very/long/path/to/a/document.html\nnow");
    wrap_check("詳細はhttps://example.jp/a/very/long/path です", 10,
               "詳細\nはhttps://example.jp/a/very/long/path\nです");
}

/* test_trailing_spaces - wrapped lines lose trailing spaces */
static void test_trailing_spaces(void **state)
{
    (void)state;
    wrap_check("aaa bbb   ", 5, "aaa\nbbb");
    wrap_check("  indented long line", 10, "  indented\nlong line");
}

/* test_long_cjk - 5000 CJK characters: no split character, width and octets respected */
static void test_long_cjk(void **state)
{
    const size_t n = 5000;
    char *in = malloc(n * 3 + 1), *out, *back;
    size_t i, outlen, backlen;

    (void)state;
    assert_non_null(in);
    for (i = 0; i < n; i++)
        memcpy(in + i * 3, i % 7 == 6 ? "。" : "漢", 3);
    in[n * 3] = '\0';

    out = textwrap(in, n * 3, 76, &outlen);
    assert_non_null(out);
    check_lines(out, outlen, 76);
    back = strip_newlines(out, outlen, &backlen);
    assert_int_equal(backlen, n * 3);
    assert_memory_equal(back, in, n * 3);
    assert_false(testutil_contains(out, outlen, "\n。"));
    free(back);
    free(out);

    /* width 0: only the octet limit */
    out = textwrap(in, n * 3, 0, &outlen);
    assert_non_null(out);
    check_lines(out, outlen, 0);
    assert_true(memchr(out, '\n', outlen) != NULL);
    back = strip_newlines(out, outlen, &backlen);
    assert_int_equal(backlen, n * 3);
    assert_memory_equal(back, in, n * 3);
    free(back);
    free(out);
    free(in);
}

/* test_long_ascii - 5000 ASCII characters without a space are cut hard at 998 octets */
static void test_long_ascii(void **state)
{
    const size_t n = 5000;
    char *in = malloc(n + 1), *out, *want;
    size_t i, outlen;

    (void)state;
    assert_non_null(in);
    for (i = 0; i < n; i++)
        in[i] = (char)('a' + i % 26);
    in[n] = '\0';
    out = textwrap(in, n, 76, &outlen);
    assert_non_null(out);
    check_lines(out, outlen, 0);
    /* 998 + 998 + 998 + 998 + 998 + 10, with five line feeds */
    assert_int_equal(outlen, n + 5);
    want = malloc(n + 6);
    assert_non_null(want);
    for (i = 0; i < 5; i++) {
        memcpy(want + i * 999, in + i * 998, 998);
        want[i * 999 + 998] = '\n';
    }
    memcpy(want + 5 * 999, in + 5 * 998, 10);
    assert_memory_equal(out, want, n + 5);
    free(want);
    free(out);
    free(in);
}

/* test_long_mixed - a 3-byte character never straddles the 998-octet cut */
static void test_long_mixed(void **state)
{
    const size_t n = 1200;
    char *in = malloc(n * 3 + 1), *out;
    const char *nl;
    size_t i, outlen;

    (void)state;
    assert_non_null(in);
    /* "x" shifts the 3-byte characters so that octet 998 falls inside one;
     * ※ is narrow and offers no break opportunity */
    in[0] = 'x';
    for (i = 0; i < n; i++)
        memcpy(in + 1 + i * 3, "\xe2\x80\xbb", 3);
    out = textwrap(in, n * 3 + 1, 0, &outlen);
    assert_non_null(out);
    check_lines(out, outlen, 0);
    nl = memchr(out, '\n', outlen);
    assert_non_null(nl);
    assert_int_equal(nl - out, 997);
    /* 332 + 332 + 332 + 204 characters: three line feeds */
    assert_int_equal(outlen, n * 3 + 1 + 3);
    free(out);
    free(in);
}

/* main - run the textwrap tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_short_lines),
        cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_cjk),
        cmocka_unit_test(test_kinsoku),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_trailing_spaces),
        cmocka_unit_test(test_long_cjk),
        cmocka_unit_test(test_long_ascii),
        cmocka_unit_test(test_long_mixed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
