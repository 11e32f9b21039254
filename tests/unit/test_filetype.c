/*
 * NAME
 *	test_filetype - true type from content; families of types and names
 */
#include "tests/unit/testutil.h"
#include "sanitizer/filetype.h"

static const unsigned char PE[] = "MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0"
    "\xb8\0\0\0\0\0\0\0@\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
    "\0\0\0\0\0\0\0\0\0\0\0\0\x80\0\0\0";

static void test_detect_pdf_and_empty(void **state)
{
    (void)state;
    const char pdf[] = "%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n";
    char *t = filetype_detect(pdf, sizeof(pdf) - 1);
    assert_string_equal(t, "application/pdf");
    free(t);
    t = filetype_detect("", 0);
    assert_string_equal(t, "application/x-empty");
    free(t);
}

/* A PE file is an executable whatever it is called. */
static void test_detect_pe(void **state)
{
    (void)state;
    unsigned char buf[512] = { 0 };
    memcpy(buf, PE, sizeof(PE) - 1);
    memcpy(buf + 0x80, "PE\0\0\x4c\x01\x03\0", 8);
    char *t = filetype_detect(buf, sizeof(buf));
    assert_int_equal(filetype_family_of(t), FILETYPE_EXECUTABLE);
    free(t);
}

/* The light check still tells text from a binary signature. */
static void test_light(void **state)
{
    (void)state;
    char *t = filetype_detect_light("hello world\n", 12, 1);
    assert_string_equal(t, "text/plain");
    free(t);
}

/* Text formats are told apart without libmagic's text rules. */
static void test_text_sniff(void **state)
{
    static const char *const cases[][2] = {
        { "%PDF-1.4\n1 0 obj\n", "application/pdf" },
        { "#!/bin/sh\nrm -rf /\n", "text/x-shellscript" },
        { "\xef\xbb\xbf  <HTML><body>x</body></HTML>", "text/html" },
        { "{\\rtf1\\ansi hello}", "text/rtf" },
        { "<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>", "image/svg+xml" },
        { "just words, nothing else\n", "text/plain" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *t = filetype_detect(cases[i][0], strlen(cases[i][0]));
        assert_string_equal(t, cases[i][1]);
        free(t);
    }
    assert_int_equal(filetype_family_of("text/rtf"), FILETYPE_OFFICE_OLE);
}

static void test_families(void **state)
{
    (void)state;
    assert_int_equal(filetype_family_of("IMAGE/PNG"), FILETYPE_IMAGE);
    assert_int_equal(filetype_family_of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                     FILETYPE_OFFICE_XML);
    assert_int_equal(filetype_family_of("application/x-unknown-thing"), FILETYPE_UNKNOWN);
    assert_int_equal(filetype_family_of_name("請求書.PDF"), FILETYPE_PDF);
    assert_int_equal(filetype_family_of_name("invoice.pdf.exe"), FILETYPE_EXECUTABLE);
    assert_int_equal(filetype_family_of_name("run.vbs"), FILETYPE_SCRIPT);
    assert_int_equal(filetype_family_of_name("noext"), FILETYPE_UNKNOWN);
    assert_int_equal(filetype_family_of_name("trailingdot."), FILETYPE_UNKNOWN);
    assert_int_equal(filetype_family_of_name(NULL), FILETYPE_UNKNOWN);
    assert_string_equal(filetype_family_name(FILETYPE_EXECUTABLE), "executable");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_pdf_and_empty),
        cmocka_unit_test(test_detect_pe),
        cmocka_unit_test(test_light),
        cmocka_unit_test(test_text_sniff),
        cmocka_unit_test(test_families),
    };
    int rc = cmocka_run_group_tests_name("filetype", tests, NULL, NULL);
    filetype_thread_done();
    return rc;
}
