/*
 * NAME
 *	test_hdrencode - subject encoding: ASCII kept, words self-contained
 */
#include <gmime/gmime.h>
#include "tests/unit/testutil.h"
#include "sanitizer/hdrdecode.h"
#include "sanitizer/hdrencode.h"

/* decoded - decode a header value (GMime 3.2.13 joins ISO-2022-JP words wrongly, so ours) */
static char *decoded(const char *v)
{
    char *d = hdrdecode_text(v, strlen(v));
    char *g = g_strdup(d);
    free(d);
    return g;
}

static void test_ascii_kept(void **state)
{
    (void)state;
    char *v = hdrencode_text("Meeting on Friday", 0, 7);
    assert_string_equal(v, "Meeting on Friday");
    free(v);
}

static void test_utf8_words(void **state)
{
    (void)state;
    const char *s = "[無害化] ご連絡：令和八年度 地域防災計画の見直しに関する打合せ日程の調整について";
    char *v = hdrencode_text(s, 0, 7);
    assert_true(strncmp(v, "=?UTF-8?B?", 10) == 0);
    /* Several words, each on its own line of at most 78 columns. */
    assert_non_null(strstr(v, "\n "));
    for (char *l = v; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        assert_true(n + (l == v ? 9 : 0) <= 78);
    }
    char *d = decoded(v);
    assert_string_equal(d, s);
    g_free(d);
    free(v);
}

static void test_iso2022jp_words(void **state)
{
    (void)state;
    const char *s = "①会議のご案内～第2回 打合せ日程の調整について（第二回）のお知らせ";
    char *v = hdrencode_text(s, 1, 7);
    assert_true(strncmp(v, "=?ISO-2022-JP?B?", 16) == 0);
    assert_null(strstr(v, "UTF-8"));
    char *d = decoded(v);
    assert_string_equal(d, "(1)会議のご案内〜第2回 打合せ日程の調整について（第二回）のお知らせ");
    g_free(d);
    free(v);
    /* Each word decodes alone: it ends in ASCII state. */
    v = hdrencode_text(s, 1, 7);
    char *first_end = strchr(v, '\n');
    assert_non_null(first_end);
    *first_end = 0;
    d = decoded(v);
    assert_null(strchr(d, 0x1b));
    g_free(d);
    free(v);
}

/* An emoji cannot be carried in ISO-2022-JP words: UTF-8 instead, not lost. */
static void test_iso2022jp_fallback(void **state)
{
    (void)state;
    char *v = hdrencode_text("予定 \xf0\x9f\x98\x80", 1, 7);
    char *d = decoded(v);
    assert_non_null(strstr(d, "予定"));
    g_free(d);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_kept),
        cmocka_unit_test(test_utf8_words),
        cmocka_unit_test(test_iso2022jp_words),
        cmocka_unit_test(test_iso2022jp_fallback),
    };
    g_mime_init();
    int rc = cmocka_run_group_tests_name("hdrencode", tests, NULL, NULL);
    g_mime_shutdown();
    return rc;
}
