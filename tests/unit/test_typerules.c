/*
 * NAME
 *	test_typerules - true-type classes, the rule table and name spoofing
 */
#include "tests/unit/testutil.h"
#include "sanitizer/typerules.h"

static void test_defaults(void **state)
{
    (void)state;
    typerules t;
    typerules_defaults(&t);
    static const typerules_class removed[] = {
        TYPERULES_EXECUTABLE, TYPERULES_SCRIPT, TYPERULES_SHORTCUT, TYPERULES_DISK_IMAGE,
        TYPERULES_ONENOTE, TYPERULES_CHM, TYPERULES_INSTALLER, TYPERULES_JAVA,
        TYPERULES_ENCRYPTED };
    for (size_t i = 0; i < sizeof(removed) / sizeof(*removed); i++)
        assert_int_equal(t.action[removed[i]], TYPERULES_REMOVE);
    assert_int_equal(t.action[TYPERULES_PDF], TYPERULES_KEEP);
    assert_int_equal(t.action[TYPERULES_OFFICE], TYPERULES_KEEP);
    assert_int_equal(t.spoofed, TYPERULES_REMOVE);
    assert_int_equal(t.archive_limit, TYPERULES_REMOVE);
}

static void test_content_classes(void **state)
{
    (void)state;
    static const unsigned char one[16] = { 0xe4, 0x52, 0x5c, 0x7b, 0x8c, 0xd8, 0xa7, 0x4d,
                                           0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3 };
    static const unsigned char lnk[8] = { 0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0 };
    assert_int_equal(typerules_class_of_content("application/octet-stream", one, 16), TYPERULES_ONENOTE);
    assert_int_equal(typerules_class_of_content("application/octet-stream",
                                                (const unsigned char *)"ITSF\3\0\0\0", 8), TYPERULES_CHM);
    assert_int_equal(typerules_class_of_content("application/octet-stream",
                                                (const unsigned char *)"conectix", 8), TYPERULES_DISK_IMAGE);
    assert_int_equal(typerules_class_of_content("application/octet-stream", lnk, 8), TYPERULES_SHORTCUT);
    assert_int_equal(typerules_class_of_content("application/vnd.microsoft.portable-executable", NULL, 0),
                     TYPERULES_EXECUTABLE);
    assert_int_equal(typerules_class_of_content("application/x-dosexec", NULL, 0), TYPERULES_EXECUTABLE);
    assert_int_equal(typerules_class_of_content("application/x-msi", NULL, 0), TYPERULES_INSTALLER);
    assert_int_equal(typerules_class_of_content("application/java-archive", NULL, 0), TYPERULES_JAVA);
    assert_int_equal(typerules_class_of_content("application/x-iso9660-image", NULL, 0), TYPERULES_DISK_IMAGE);
    assert_int_equal(typerules_class_of_content("application/zip", NULL, 0), TYPERULES_ARCHIVE);
    assert_int_equal(typerules_class_of_content("application/x-lzh-compressed", NULL, 0), TYPERULES_ARCHIVE);
    assert_int_equal(typerules_class_of_content("application/pdf", NULL, 0), TYPERULES_PDF);
    assert_int_equal(typerules_class_of_content(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", NULL, 0), TYPERULES_OFFICE);
    assert_int_equal(typerules_class_of_content("text/plain", NULL, 0), TYPERULES_TEXT);
    assert_int_equal(typerules_class_of_content("image/png", NULL, 0), TYPERULES_IMAGE);
    assert_int_equal(typerules_class_of_content("application/x-foo", NULL, 0), TYPERULES_OTHER);
}

static void test_name_makes_stricter(void **state)
{
    (void)state;
    typerules t;
    typerules_defaults(&t);
    /* Text named .js is a script for Windows; a zip named .jar is Java. */
    assert_int_equal(typerules_classify(&t, "text/plain", NULL, 0, "invoice.js"), TYPERULES_SCRIPT);
    assert_int_equal(typerules_classify(&t, "text/plain", NULL, 0, "A.VBS"), TYPERULES_SCRIPT);
    assert_int_equal(typerules_classify(&t, "application/zip", NULL, 0, "app.jar"), TYPERULES_JAVA);
    assert_int_equal(typerules_classify(&t, "application/zip", NULL, 0, "pkg.msix"), TYPERULES_INSTALLER);
    assert_int_equal(typerules_classify(&t, "application/octet-stream", NULL, 0, "disk.vhdx"),
                     TYPERULES_DISK_IMAGE);
    assert_int_equal(typerules_classify(&t, "application/octet-stream", NULL, 0, "note.one"),
                     TYPERULES_ONENOTE);
    assert_int_equal(typerules_classify(&t, "application/octet-stream", NULL, 0, "x.lnk"), TYPERULES_SHORTCUT);
    /* A harmless name never makes runnable content harmless. */
    assert_int_equal(typerules_classify(&t, "application/x-dosexec", NULL, 0, "report.pdf"),
                     TYPERULES_EXECUTABLE);
    /* Policy can make a kept class strict: then the name counts. */
    t.action[TYPERULES_PDF] = TYPERULES_QUARANTINE;
    assert_int_equal(typerules_classify(&t, "text/plain", NULL, 0, "x.pdf"), TYPERULES_PDF);
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(typerules_name_spoof("report.pdf", 0), 0);
    assert_int_equal(typerules_name_spoof("請求書.xlsx", 0), 0);
    assert_int_equal(typerules_name_spoof("invoice\u202efdp.exe", 0) & TYPERULES_SPOOF_BIDI,
                     TYPERULES_SPOOF_BIDI);
    assert_int_equal(typerules_name_spoof("a\u200b.txt", 0), TYPERULES_SPOOF_INVISIBLE);
    assert_int_equal(typerules_name_spoof("a\xff.txt", 0), TYPERULES_SPOOF_INVISIBLE);
    assert_int_equal(typerules_name_spoof("report.pdf.exe", 0), TYPERULES_SPOOF_DOUBLE_EXT);
    assert_int_equal(typerules_name_spoof("report.pdf      .js", 0), TYPERULES_SPOOF_DOUBLE_EXT);
    assert_int_equal(typerules_name_spoof("report.docx.scr.", 0), TYPERULES_SPOOF_DOUBLE_EXT);
    assert_int_equal(typerules_name_spoof("backup.tar.gz", 0), 0);
    assert_int_equal(typerules_name_spoof("v1.2.exe", 0), 0);
    /* Paths: none in a MIME name; members may have relative paths, never escaping ones. */
    assert_int_equal(typerules_name_spoof("dir/a.txt", 0), TYPERULES_SPOOF_PATH);
    assert_int_equal(typerules_name_spoof("dir/a.txt", 1), 0);
    assert_int_equal(typerules_name_spoof("../a.txt", 1), TYPERULES_SPOOF_PATH);
    assert_int_equal(typerules_name_spoof("a\\..\\..\\b.txt", 1), TYPERULES_SPOOF_PATH);
    assert_int_equal(typerules_name_spoof("/etc/passwd", 1), TYPERULES_SPOOF_PATH);
    assert_int_equal(typerules_name_spoof("C:x.txt", 1), TYPERULES_SPOOF_PATH);
    assert_int_equal(typerules_name_spoof("a..b.txt", 1), 0);
    assert_int_equal(typerules_name_spoof(NULL, 0), 0);
}

static void test_content_spoof(void **state)
{
    (void)state;
    assert_int_equal(typerules_content_spoof(TYPERULES_EXECUTABLE, "application/pdf", "invoice.pdf"),
                     TYPERULES_SPOOF_DISGUISED);
    assert_int_equal(typerules_content_spoof(TYPERULES_EXECUTABLE, "application/octet-stream", "setup.exe"), 0);
    assert_int_equal(typerules_content_spoof(TYPERULES_EXECUTABLE, NULL, "photo.jpg"),
                     TYPERULES_SPOOF_DISGUISED);
    assert_int_equal(typerules_content_spoof(TYPERULES_ARCHIVE, "text/plain", "notes.txt"),
                     TYPERULES_SPOOF_ARCHIVE_AS_TEXT);
    assert_int_equal(typerules_content_spoof(TYPERULES_ARCHIVE, "application/zip", "a.zip"), 0);
    assert_int_equal(typerules_content_spoof(TYPERULES_PDF, "application/pdf", "a.pdf"), 0);
    char buf[128];
    typerules_spoof_describe(TYPERULES_SPOOF_BIDI | TYPERULES_SPOOF_DISGUISED, buf, sizeof(buf));
    assert_string_equal(buf, "bidi-control,disguised-executable");
    typerules_spoof_describe(TYPERULES_SPOOF_PATH, buf, 5);
    assert_true(strlen(buf) < 5);
}

static void test_names_parse(void **state)
{
    (void)state;
    for (int i = 0; i < TYPERULES_NCLASSES; i++)
        assert_int_equal(typerules_class_parse(typerules_class_name((typerules_class)i)), i);
    assert_int_equal(typerules_class_parse("nope"), -1);
    assert_int_equal(typerules_action_parse("quarantine"), TYPERULES_QUARANTINE);
    assert_int_equal(typerules_action_parse("keep"), TYPERULES_KEEP);
    assert_int_equal(typerules_action_parse("drop"), -1);
    assert_int_equal(typerules_stricter(TYPERULES_KEEP, TYPERULES_QUARANTINE), TYPERULES_QUARANTINE);
    assert_string_equal(typerules_action_name(TYPERULES_REMOVE), "remove");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_content_classes),
        cmocka_unit_test(test_name_makes_stricter),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_content_spoof),
        cmocka_unit_test(test_names_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
