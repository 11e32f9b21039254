/*
 * NAME
 *	test_decode - transfer decoding: chunked base64, chunk invariance
 */
#include "tests/unit/testutil.h"
#include "sanitizer/decode.h"
#include "sanitizer/strbuf.h"

/* collect - a sink that appends to a strbuf */
static int collect(void *ctx, const unsigned char *buf, size_t len)
{
    return strbuf_append(ctx, buf, len);
}

/* decode_all - decode a whole string through a memory stream */
static char *decode_all(const char *enc, GMimeContentEncoding e, decode_info *info)
{
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(enc, strlen(enc));
    strbuf b = { 0 };
    assert_int_equal(decode_stream(s, e, collect, &b, info), 0);
    g_object_unref(s);
    return strbuf_steal(&b, NULL);
}

/* GMime 3.2.13 stops at the first padding; the payload must come out whole. */
static void test_base64_after_padding(void **state)
{
    (void)state;
    decode_info info = { 0 };
    char *out = decode_all("Vkk=\nUlVT\nLU1BUktFUi0=\nQUZURVItUEFERElORw==\n",
                           GMIME_CONTENT_ENCODING_BASE64, &info);
    assert_string_equal(out, "VIRUS-MARKER-AFTER-PADDING");
    assert_int_equal(info.after_padding, 1);
    free(out);
}

static void test_base64_plain(void **state)
{
    (void)state;
    decode_info info = { 0 };
    char *out = decode_all("aGVs\r\nbG8K\r\n", GMIME_CONTENT_ENCODING_BASE64, &info);
    assert_string_equal(out, "hello\n");
    assert_int_equal(info.after_padding, 0);
    assert_int_equal(info.invalid, 0);
    free(out);
}

static void test_base64_invalid_counted(void **state)
{
    (void)state;
    decode_info info = { 0 };
    char *out = decode_all("aG@@Vs*bG8K", GMIME_CONTENT_ENCODING_BASE64, &info);
    assert_string_equal(out, "hello\n");
    assert_int_equal(info.invalid, 3);
    free(out);
}

/* Every split of the input must give the same bytes (state across chunks). */
static void test_base64_chunk_invariant(void **state)
{
    (void)state;
    const char *in = "Vkk=\nUlVT\nLU1BUktFUi0=\nQUZURVItUEFERElORw==\n";
    size_t len = strlen(in);
    for (size_t step = 1; step <= len; step++) {
        unsigned st = 0;
        unsigned char out[128];
        size_t o = 0;
        decode_info info = { 0 };
        for (size_t i = 0; i < len; i += step) {
            size_t n = i + step > len ? len - i : step;
            o += decode_base64_step((const unsigned char *)in + i, n, out + o, &st, &info);
        }
        assert_int_equal(o, 26);
        assert_memory_equal(out, "VIRUS-MARKER-AFTER-PADDING", 26);
    }
}

static void test_quoted_printable(void **state)
{
    (void)state;
    char *out = decode_all("r=E9union =\nsuite\n", GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE, NULL);
    assert_string_equal(out, "r\xe9union suite\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_after_padding),
        cmocka_unit_test(test_base64_plain),
        cmocka_unit_test(test_base64_invalid_counted),
        cmocka_unit_test(test_base64_chunk_invariant),
        cmocka_unit_test(test_quoted_printable),
    };
    g_mime_init();
    int rc = cmocka_run_group_tests_name("decode", tests, NULL, NULL);
    g_mime_shutdown();
    return rc;
}
