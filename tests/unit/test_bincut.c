/*
 * NAME
 *	test_uuextract - uuencoded blocks are cut out of text and reported
 */
#include "tests/unit/testutil.h"
#include "sanitizer/uuextract.h"

typedef struct { int calls; char name[64]; char data[64]; size_t len; } seen;

/* record - remember the block */
static int record(void *ctx, const char *name, const unsigned char *data, size_t len)
{
    seen *s = ctx;
    s->calls++;
    snprintf(s->name, sizeof(s->name), "%s", name);
    memcpy(s->data, data, len < sizeof(s->data) ? len : sizeof(s->data));
    s->len = len;
    return 0;
}

static void test_block_removed(void **state)
{
    (void)state;
    /* "Cat" uuencoded. */
    const char *t = "before\nbegin 644 cat.txt\n#0V%T\n`\nend\nafter\n";
    strbuf out = { 0 };
    seen s = { 0 };
    assert_int_equal(uuextract(t, strlen(t), &out, record, &s), 1);
    assert_string_equal(out.s, "before\nafter\n");
    assert_int_equal(s.calls, 1);
    assert_string_equal(s.name, "cat.txt");
    assert_int_equal(s.len, 3);
    assert_memory_equal(s.data, "Cat", 3);
    strbuf_free(&out);
}

/* Prose that starts with "begin" is not a block. */
static void test_prose_kept(void **state)
{
    (void)state;
    const char *t = "begin 644 is a mode\nand this is prose, not data\n";
    strbuf out = { 0 };
    seen s = { 0 };
    assert_int_equal(uuextract(t, strlen(t), &out, record, &s), 0);
    assert_string_equal(out.s, t);
    assert_int_equal(s.calls, 0);
    strbuf_free(&out);
}

/* A block without "end" still goes, up to the last encoded line. */
static void test_unterminated(void **state)
{
    (void)state;
    const char *t = "x\nbegin 600 a.bin\n#0V%T\n";
    strbuf out = { 0 };
    seen s = { 0 };
    assert_int_equal(uuextract(t, strlen(t), &out, record, &s), 1);
    assert_string_equal(out.s, "x\n");
    strbuf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_removed),
        cmocka_unit_test(test_prose_kept),
        cmocka_unit_test(test_unterminated),
    };
    return cmocka_run_group_tests_name("uuextract", tests, NULL, NULL);
}
