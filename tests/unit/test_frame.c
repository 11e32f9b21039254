/*
 * NAME
 *	test_frame - the header block is found where it really ends
 * DESCRIPTION
 *	Byte order marks, mbox lines, a missing empty line, a field name
 *	folded from its colon; the repaired block must hold every field and
 *	the body offset must point at the first body line. Also the text
 *	comparison used for alternatives (textcover).
 */
#include <sys/mman.h>
#include <unistd.h>
#include "tests/unit/testutil.h"
#include "sanitizer/frame.h"
#include "sanitizer/textcover.h"
#include "sanitizer/utf8.h"

/* memfile - a seekable fd holding s */
static int memfile(const char *s)
{
    int fd = memfd_create("msg", MFD_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
    return fd;
}

/* frame_of - frame_read on s with generous limits */
static frame_status frame_of(const char *s, frame *f)
{
    int fd = memfile(s);
    frame_status st = frame_read(fd, 100 * 1024, 1000, f);
    close(fd);
    return st;
}

static void test_clean_needs_no_repair(void **state)
{
    (void)state;
    static const char *m = "From: a@b\r\nSubject: x\r\n\r\nbody\r\n";
    frame f;
    assert_int_equal(frame_of(m, &f), FRAME_OK);
    assert_null(f.head);
    assert_int_equal(f.body, (off_t)(strstr(m, "body") - m));
    assert_false(f.bom || f.mbox || f.unterminated || f.folded_name);
}

static void test_bom_and_mbox(void **state)
{
    (void)state;
    static const char *m = "\xef\xbb\xbf" "From a@b Thu Dec  3 10:00:00 2026\nFrom: a@b\n\nbody\n";
    frame f;
    assert_int_equal(frame_of(m, &f), FRAME_OK);
    assert_true(f.bom && f.mbox);
    assert_non_null(f.head);
    assert_int_equal(f.head_len, strlen("From: a@b\n\n"));
    assert_memory_equal(f.head, "From: a@b\n\n", f.head_len);
    assert_int_equal(f.body, (off_t)(strstr(m, "body") - m));
    frame_free(&f);
}

static void test_unterminated(void **state)
{
    (void)state;
    static const char *m = "From: a@b\nSubject: s\n folded\nこんにちは no colon here\nmore: text\n";
    frame f;
    assert_int_equal(frame_of(m, &f), FRAME_OK);
    assert_true(f.unterminated);
    assert_string_equal(f.head, "From: a@b\nSubject: s\n folded\n\n");
    /* The body starts at the first line that is not a field; what follows it is body too. */
    assert_int_equal(f.body, (off_t)(strstr(m, "こんにちは") - m));
    frame_free(&f);
    /* Not even one field: everything is body. */
    assert_int_equal(frame_of("just text\n", &f), FRAME_OK);
    assert_true(f.unterminated);
    assert_string_equal(f.head, "\n");
    assert_int_equal(f.body, 0);
    frame_free(&f);
}

static void test_folded_name(void **state)
{
    (void)state;
    static const char *m = "From\n : <x@y>\nFrom: <z@w>\nSubject : obsolete space\n\nbody\n";
    frame f;
    assert_int_equal(frame_of(m, &f), FRAME_OK);
    assert_true(f.folded_name);
    assert_false(f.unterminated);
    assert_string_equal(f.head, "From: <x@y>\nFrom: <z@w>\nSubject : obsolete space\n\n");
    frame_free(&f);
}

static void test_headers_only_and_limits(void **state)
{
    (void)state;
    frame f;
    /* A BOM and fields without a final line end: the block is closed. */
    assert_int_equal(frame_of("\xef\xbb\xbfSubject: s", &f), FRAME_OK);
    assert_string_equal(f.head, "Subject: s\n\n");
    frame_free(&f);
    int fd = memfile("A: 1\nB: 2\nC: 3\n\nbody\n");
    assert_int_equal(frame_read(fd, 100 * 1024, 2, &f), FRAME_TOO_MANY_FIELDS);
    close(fd);
    char big[4096];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    memcpy(big, "X-Big: ", 7);
    fd = memfile(big);
    assert_int_equal(frame_read(fd, 1024, 1000, &f), FRAME_TOO_LARGE);
    close(fd);
}

static void test_textcover(void **state)
{
    (void)state;
    const char *plain = "会議は十時からです。\nよろしくお願いします。\nhttps://example.jp/a\n";
    const char *html = "会議は 十時 からです。 よろしくお願いします。 [1]\n\n[1] https://example.jp/a\n";
    assert_int_equal(textcover(plain, strlen(plain), html, strlen(html)), 1);
    const char *other = "会議は中止になりました。資料を送付しますので、ご確認をお願いいたします。";
    assert_int_equal(textcover(plain, strlen(plain), other, strlen(other)), 0);
    assert_int_equal(textcover("", 0, ".", 1), 1);	/* nothing to lose */
    assert_int_equal(textcover(".", 1, plain, strlen(plain)), 0);
}

static void test_utf8_cut(void **state)
{
    (void)state;
    const char *s = "ab\nあいう";	/* あ starts at 3, each 3 octets */
    assert_int_equal(utf8_cut(s, 7), 6);	/* inside い: back to its start */
    const char *l = "abcdefghij\nxyz";
    assert_int_equal(utf8_cut(l, 12), 11);	/* a line end near the cut is preferred */
    const char *t = "あいうえお";
    assert_int_equal(utf8_cut(t, 7), 6);	/* never inside a character */
    assert_int_equal(utf8_cut(t, 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_needs_no_repair),
        cmocka_unit_test(test_bom_and_mbox),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_folded_name),
        cmocka_unit_test(test_headers_only_and_limits),
        cmocka_unit_test(test_textcover),
        cmocka_unit_test(test_utf8_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
