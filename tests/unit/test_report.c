/*
 * NAME
 *	test_report - the JSON report escapes hostile names
 */
#include "tests/unit/testutil.h"
#include "sanitizer/report.h"

static void test_json_escaping(void **state)
{
    (void)state;
    report *r = report_new();
    report_part *p = report_add_part(r, "1.2");
    p->filename = strdup("a\"b\\c\n\x01.exe");
    p->action = REPORT_REMOVED;
    strcpy(p->sha256, "00");
    assert_int_equal(report_add_finding(r, "1.2", "type-mismatch", "declared %s", "x\ty"), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(report_write_json(r, f), 0);
    fclose(f);
    assert_true(testutil_contains(buf, len, "\"filename\": \"a\\\"b\\\\c\\n\\u0001.exe\""));
    assert_true(testutil_contains(buf, len, "\"action\": \"removed\""));
    assert_true(testutil_contains(buf, len, "\"detail\": \"declared x\\ty\""));
    assert_false(testutil_contains(buf, len, "\x01"));
    free(buf);
    report_free(r);
}

static void test_empty_report(void **state)
{
    (void)state;
    report *r = report_new();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(report_write_json(r, f), 0);
    fclose(f);
    assert_true(testutil_contains(buf, len, "\"parts\": []"));
    assert_true(testutil_contains(buf, len, "\"findings\": []"));
    free(buf);
    report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_empty_report),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
