/*
 * NAME
 *	test_notice - invisible characters are spelled out; items are listed
 */
#include "tests/unit/testutil.h"
#include "sanitizer/notice.h"

static void test_visible_rtlo(void **state)
{
    (void)state;
    char *v = notice_visible("invoice\xe2\x80\xae" "fdp.exe");
    assert_string_equal(v, "invoice<U+202E>fdp.exe");
    free(v);
    v = notice_visible("a\tb\x01\xff\xe2\x80\x8b");
    assert_string_equal(v, "a<U+0009>b<U+0001><FF><U+200B>");
    free(v);
    v = notice_visible("見積書.pdf");
    assert_string_equal(v, "見積書.pdf");
    free(v);
}

static void test_notice_lists_removed(void **state)
{
    (void)state;
    report *r = report_new();
    report_part *p = report_add_part(r, "2");
    p->filename = strdup("見積\xe2\x80\xae" "fdp.exe");
    p->declared_type = strdup("application/pdf");
    p->detected_type = strdup("application/x-dosexec");
    p->size = 1234567;
    strcpy(p->sha256, "ab12");
    p->action = REPORT_REMOVED;
    p->reason = strdup("attachment");
    report_part *b = report_add_part(r, "1");
    b->action = REPORT_BODY;
    notice_info ni = { 0 };
    size_t len;
    char *ja = notice_build(r, POLICY_LANG_JA, &ni, &len);
    assert_true(testutil_contains(ja, len, "次の 1 件を削除しました。"));
    assert_true(testutil_contains(ja, len, " 1. 見積<U+202E>fdp.exe\n"));
    assert_true(testutil_contains(ja, len, "判定形式: application/x-dosexec"));
    assert_true(testutil_contains(ja, len, "サイズ: 1,234,567 バイト"));
    assert_false(testutil_contains(ja, len, "\xe2\x80\xae"));
    char *en = notice_build(r, POLICY_LANG_EN, &ni, &len);
    assert_true(testutil_contains(en, len, "1 item was removed:"));
    assert_true(testutil_contains(en, len, "Detected type: application/x-dosexec"));
    free(ja);
    free(en);
    report_free(r);
}

/* test_notice_vault_id - the vault ID and "kept" only when one is given */
static void test_notice_vault_id(void **state)
{
    (void)state;
    report *r = report_new();
    report_part *p = report_add_part(r, "2");
    p->filename = strdup("secret.zip");
    p->action = REPORT_REMOVED;
    p->reason = strdup("attachment");
    p->note = strdup("encrypted-archive");
    strcpy(p->sha256, "cd34");
    notice_info ni = { 0 };
    size_t len;

    /* no vault ID (mugai sanitize): nothing claims the original is kept */
    char *ja = notice_build(r, POLICY_LANG_JA, &ni, &len);
    assert_false(testutil_contains(ja, len, "保管番号"));
    assert_false(testutil_contains(ja, len, "保管しています"));
    assert_true(testutil_contains(ja, len, "SHA-256 の値を添えて"));
    char *en = notice_build(r, POLICY_LANG_EN, &ni, &len);
    assert_false(testutil_contains(en, len, "Vault ID"));
    assert_false(testutil_contains(en, len, "kept"));
    free(ja);
    free(en);

    ni.vault_id = "20250101-ABCDEFGH";
    ja = notice_build(r, POLICY_LANG_JA, &ni, &len);
    assert_true(testutil_contains(ja, len, "保管番号: 20250101-ABCDEFGH\n"));
    assert_true(testutil_contains(ja, len, "この保管番号を添えて"));
    assert_true(testutil_contains(ja, len, "原本は保管しています"));
    en = notice_build(r, POLICY_LANG_EN, &ni, &len);
    assert_true(testutil_contains(en, len, "Vault ID: 20250101-ABCDEFGH\n"));
    assert_true(testutil_contains(en, len, "quoting this\nvault ID."));
    assert_true(testutil_contains(en, len, "The original is kept"));
    free(ja);
    free(en);

    /* nothing removed: nothing kept, so no vault ID even when given */
    p->action = REPORT_BODY;
    ja = notice_build(r, POLICY_LANG_JA, &ni, &len);
    assert_false(testutil_contains(ja, len, "保管番号"));
    free(ja);
    report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_visible_rtlo),
        cmocka_unit_test(test_notice_lists_removed),
        cmocka_unit_test(test_notice_vault_id),
    };
    return cmocka_run_group_tests_name("notice", tests, NULL, NULL);
}
