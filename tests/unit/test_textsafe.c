/*
 * NAME
 *	test_textsafe - binary content is told from text; controls are shown
 */
#include "tests/unit/testutil.h"
#include "sanitizer/textsafe.h"

/* vis - textsafe_visible of a C string; checks the length it reports */
static void vis(const char *in, size_t len, const char *want)
{
    size_t n = 12345;
    char *out;

    if (len == SIZE_MAX)
        len = strlen(in);
    out = textsafe_visible(in, len, &n);

    assert_non_null(out);
    assert_int_equal(n, strlen(out));
    assert_string_equal(out, want);
    free(out);
}

static void test_binary(void **state)
{
    unsigned char pe[400];
    char ansi[2000] = "";

    (void)state;
    memset(pe, 0, sizeof(pe));
    memcpy(pe, "\nMZ\x90", 4);
    for (size_t i = 100; i < sizeof(pe); i++)
        pe[i] = (unsigned char)(i * 7);
    assert_true(textsafe_binary((const char *)pe, sizeof(pe)));
    /* random octets, read as Latin-1 would leave them: C0 and C1 */
    assert_true(textsafe_binary("\x01\x02\x03\x04\x05\x06\x07\x08 abc \x0e\x0f\x10\x11", 18));
    /* invalid UTF-8 counts as undecodable */
    assert_true(textsafe_binary("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7", 9));
    /* text: Japanese, a stray NUL, ISO-2022-JP already converted, coloured logs */
    assert_false(textsafe_binary("本文です。\nよろしくお願いします。\n", strlen("本文です。\nよろしくお願いします。\n")));
    assert_false(textsafe_binary("before\0after NUL-TEXT\n", 22));
    for (int i = 0; i < 100; i++)
        strcat(ansi, "\x1b[31mred\x1b[0m\t\f\r\n");
    assert_false(textsafe_binary(ansi, strlen(ansi)));
    assert_false(textsafe_binary("", 0));
}

static void test_visible(void **state)
{
    (void)state;
    vis("a\x1b[31mred\x1b[0m b", SIZE_MAX, "a<U+001B>[31mred<U+001B>[0m b");
    vis("\x1b]0;title\x07 ok", SIZE_MAX, "<U+001B>]0;title<U+0007> ok");
    vis("c1 \xc2\x85 \xc2\x9b" "2J", SIZE_MAX, "c1 <U+0085> <U+009B>2J");
    vis("nul\0del\x7f", 8, "nul<U+0000>del<U+007F>");
    vis("tab\tline\r\nnext\rover", SIZE_MAX, "tab\tline\r\nnext\nover");
    vis("ff\fvt\v", SIZE_MAX, "ff<U+000C>vt<U+000B>");
    vis("bad \xff octet", SIZE_MAX, "bad \xef\xbf\xbd octet");
    /* Japanese (and the U+FFFD a converter wrote) untouched */
    vis("日本語のテキスト。半角ｶﾅ、①、〜\xef\xbf\xbd",
        strlen("日本語のテキスト。半角ｶﾅ、①、〜\xef\xbf\xbd"),
        "日本語のテキスト。半角ｶﾅ、①、〜\xef\xbf\xbd");
    /* a truncated sequence at the end */
    vis("end \xe3\x81", SIZE_MAX, "end \xef\xbf\xbd\xef\xbf\xbd");
    vis("", 0, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_visible),
    };
    return cmocka_run_group_tests_name("textsafe", tests, NULL, NULL);
}
