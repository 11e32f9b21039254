/*
 * NAME
 *	test_filetype - true type from content; families of types and names
 */
#include "tests/unit/testutil.h"
#include <pthread.h>
#include <stdint.h>
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

enum { POOL_THREADS = 6, POOL_ROUNDS = 40 };

/* pool_worker - detect a PE and light-check text over and over; 0 when every answer was right */
static void *pool_worker(void *arg)
{
    unsigned char pe[512] = { 0 };
    intptr_t bad = 0;
    (void)arg;
    memcpy(pe, PE, sizeof(PE) - 1);
    memcpy(pe + 0x80, "PE\0\0\x4c\x01\x03\0", 8);
    for (int i = 0; i < POOL_ROUNDS; i++) {
        char *a = filetype_detect(pe, sizeof(pe)), *b = filetype_detect_light("hello world\n", 12, 1);
        bad += !a || filetype_family_of(a) != FILETYPE_EXECUTABLE || !b || strcmp(b, "text/plain") != 0;
        free(a);
        free(b);
    }
    return (void *)bad;
}

/*
 * Threads that come and go (one per milter connection) share cookies:
 * answers stay right under concurrency, and what is left idle is at
 * most one cookie per thread that ever ran at once, not one per thread
 * ever started.
 */
static void test_cookie_pool(void **state)
{
    pthread_t th[POOL_THREADS];
    (void)state;
    filetype_done();
    assert_int_equal(filetype_idle_cookies(0), 0);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < POOL_THREADS; i++)
            assert_int_equal(pthread_create(&th[i], NULL, pool_worker, NULL), 0);
        for (int i = 0; i < POOL_THREADS; i++) {
            void *bad;
            assert_int_equal(pthread_join(th[i], &bad), 0);
            assert_int_equal((intptr_t)bad, 0);
        }
    }
    assert_in_range(filetype_idle_cookies(0), 1, POOL_THREADS);
    assert_in_range(filetype_idle_cookies(1), 1, POOL_THREADS);
    /* one thread after another: the same cookie each time */
    filetype_done();
    for (int i = 0; i < 4; i++) {
        void *bad;
        assert_int_equal(pthread_create(&th[0], NULL, pool_worker, NULL), 0);
        assert_int_equal(pthread_join(th[0], &bad), 0);
        assert_int_equal((intptr_t)bad, 0);
    }
    assert_int_equal(filetype_idle_cookies(0), 1);
    assert_int_equal(filetype_idle_cookies(1), 1);
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
        cmocka_unit_test(test_cookie_pool),
        cmocka_unit_test(test_families),
    };
    int rc = cmocka_run_group_tests_name("filetype", tests, NULL, NULL);
    filetype_done();
    return rc;
}
