/*
 * NAME
 *	test_engine - engine_run end to end on messages built in memory
 * DESCRIPTION
 *	Each test decodes what the engine produced and looks for what must
 *	and must not be there; limits must give the documented verdicts.
 */
#include <sys/mman.h>
#include <unistd.h>
#include "tests/unit/testutil.h"
#include <gmime/gmime.h>
#include "sanitizer/engine.h"

/* memfile - a seekable fd holding s */
static int memfile(const char *s, size_t len)
{
    int fd = memfd_create("msg", MFD_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, s, len), (ssize_t)len);
    return fd;
}

/* run - engine_run on a string with policy p */
static void run(const policy *p, const char *msg, engine_result *res)
{
    int fd = memfile(msg, strlen(msg));
    engine_options o = { .crlf = 0 };
    assert_int_equal(engine_run(p, NULL, fd, &o, res), 0);
    close(fd);
}

/* header - value of the output field called name, or NULL */
static const char *header(const engine_result *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

/* body_text - the decoded output body (base64 or 7bit) */
static char *body_text(const engine_result *r)
{
    const char *cte = header(r, "Content-Transfer-Encoding");
    assert_non_null(cte);
    if (strcmp(cte, "base64") != 0)
        return strndup(r->body, r->body_len);
    gsize len = 0;
    char *tmp = strndup(r->body, r->body_len);
    guchar *d = g_base64_decode(tmp, &len);
    free(tmp);
    char *s = strndup((char *)d, len);
    g_free(d);
    return s;
}

static const char *MIXED =
    "From: a@example.com\nTo: b@example.lg.jp\nSubject: test\n"
    "Date: Thu, 3 Dec 2026 10:00:00 +0900\n"
    "X-Mugai-Result: forged\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
    "--b\nContent-Type: text/plain; charset=UTF-8\n\n本文です。 https://evil.example/x\n"
    "--b\nContent-Type: application/octet-stream; name=\"hello.txt\"\n"
    "Content-Transfer-Encoding: base64\n\naGVsbG8K\n--b--\n";

static void test_attachment_removed(void **state)
{
    policy *p = *state;
    engine_result r;
    run(p, MIXED, &r);
    assert_int_equal(r.verdict, ENGINE_SANITIZED);
    assert_string_equal(header(&r, "Content-Type"), "text/plain; charset=UTF-8");
    /* The forged result header is replaced by ours. */
    assert_string_equal(header(&r, "X-Mugai-Result"),
                        "mode=text; removed=1; parts=2; findings=0");
    char *t = body_text(&r);
    assert_non_null(strstr(t, "本文です。 hxxps://evil[.]example/x"));
    assert_non_null(strstr(t, "hello.txt"));
    assert_null(strstr(t, "aGVsbG8K"));
    assert_int_equal(r.report->nparts, 2);
    const report_part *a = &r.report->parts[1];
    assert_string_equal(a->path, "1.2");
    assert_int_equal(a->action, REPORT_REMOVED);
    assert_int_equal(a->size, 6);
    assert_string_equal(a->sha256,
                        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
    assert_string_equal(a->detected_type, "text/plain");
    free(t);
    engine_result_free(&r);
}

static void test_deterministic(void **state)
{
    policy *p = *state;
    engine_result a, b;
    run(p, MIXED, &a);
    run(p, MIXED, &b);
    assert_int_equal(a.body_len, b.body_len);
    assert_memory_equal(a.body, b.body, a.body_len);
    engine_result_free(&a);
    engine_result_free(&b);
}

static void test_subject_tag(void **state)
{
    policy *p = *state;
    engine_result r;
    run(p, MIXED, &r);
    const char *s = header(&r, "Subject");
    assert_non_null(s);
    char *dec = g_mime_utils_header_decode_text(NULL, s);
    assert_string_equal(dec, "[無害化] test");
    g_free(dec);
    engine_result_free(&r);
}

static void test_size_limit_rejects(void **state)
{
    policy *p = *state;
    size_t keep = p->max_message_size;
    p->max_message_size = 100;
    engine_result r;
    run(p, MIXED, &r);
    assert_int_equal(r.verdict, ENGINE_REJECT);
    assert_string_equal(r.smtp_code, "552");
    assert_string_equal(r.smtp_xcode, "5.3.4");
    assert_null(r.body);
    assert_int_equal(r.nheaders, 0);
    engine_result_free(&r);
    p->max_message_size = keep;
}

static void test_depth_limit(void **state)
{
    policy *p = *state;
    char msg[8192] = "Subject: deep\nContent-Type: multipart/mixed; boundary=\"d0\"\n\n";
    for (int i = 1; i < 30; i++)
        snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
                 "--d%d\nContent-Type: multipart/mixed; boundary=\"d%d\"\n\n", i - 1, i);
    strcat(msg, "--d29\nContent-Type: text/plain\n\nX\n");
    size_t keep = p->max_mime_depth;
    p->max_mime_depth = 10;
    engine_result r;
    run(p, msg, &r);
    assert_int_equal(r.verdict, ENGINE_REJECT);
    assert_non_null(strstr(r.reason, "nesting"));
    p->on_limit = POLICY_LIMIT_TEMPFAIL;
    engine_result_free(&r);
    run(p, msg, &r);
    assert_int_equal(r.verdict, ENGINE_TEMPFAIL);
    assert_string_equal(r.smtp_code, "451");
    p->on_limit = POLICY_LIMIT_REJECT;
    p->max_mime_depth = keep;
    engine_result_free(&r);
}

static void test_time_limit_tempfails(void **state)
{
    policy *p = *state;
    unsigned keep = p->max_message_time_ms;
    p->max_message_time_ms = 0;
    usleep(2000);
    engine_result r;
    run(p, MIXED, &r);
    assert_int_equal(r.verdict, ENGINE_TEMPFAIL);
    assert_null(r.body);
    p->max_message_time_ms = keep;
    engine_result_free(&r);
}

static void test_crlf_output(void **state)
{
    policy *p = *state;
    int fd = memfile(MIXED, strlen(MIXED));
    engine_options o = { .crlf = 1 };
    engine_result r;
    assert_int_equal(engine_run(p, NULL, fd, &o, &r), 0);
    assert_true(r.body_len > 2);
    for (size_t i = 0; i < r.body_len; i++)
        if (r.body[i] == '\n')
            assert_true(i > 0 && r.body[i - 1] == '\r');
    close(fd);
    engine_result_free(&r);
}

/* An HTML-only mail: text from the HTML, no markup, no script. */
static void test_html_only(void **state)
{
    policy *p = *state;
    engine_result r;
    run(p, "Subject: h\nContent-Type: text/html; charset=utf-8\n\n"
           "<p>Hello <b>world</b></p><script>SCRIPT-BODY</script>\n", &r);
    assert_int_equal(r.verdict, ENGINE_SANITIZED);
    char *t = body_text(&r);
    assert_non_null(strstr(t, "Hello world"));
    assert_null(strstr(t, "SCRIPT-BODY"));
    assert_null(strstr(t, "<p>"));
    free(t);
    engine_result_free(&r);
}

/* setup - a default policy for the group */
static int setup(void **state)
{
    policy *p = policy_defaults();
    *state = p;
    return p ? 0 : -1;
}

static int teardown(void **state)
{
    policy_unref(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attachment_removed),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_subject_tag),
        cmocka_unit_test(test_size_limit_rejects),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_time_limit_tempfails),
        cmocka_unit_test(test_crlf_output),
        cmocka_unit_test(test_html_only),
    };
    engine_global_init();
    int rc = cmocka_run_group_tests_name("engine", tests, setup, teardown);
    engine_global_done();
    return rc;
}
