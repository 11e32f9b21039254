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
#include "sanitizer/report.h"
#include "sanitizer/strbuf.h"

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

/* run_opts - engine_run with a vault ID and an envelope sender */
static void run_opts(const policy *p, const char *msg, const char *vid, const char *sender,
                     engine_result *res)
{
    int fd = memfile(msg, strlen(msg));
    engine_options o = { .crlf = 0, .vault_id = vid, .now = 1796083200 };
    engine_envelope env = { .sender = sender };
    assert_int_equal(engine_run(p, &env, fd, &o, res), 0);
    close(fd);
}

/* big_text - a message whose one text part holds n octets of Japanese lines */
static char *big_text(size_t n)
{
    static const char head[] = "From: a@example.com\nTo: b@example.lg.jp\nSubject: big\n"
                               "Date: Thu, 3 Dec 2026 10:00:00 +0900\n"
                               "Content-Type: text/plain; charset=UTF-8\n\n";
    static const char line[] = "長い本文の一行です。\n";
    char *m = malloc(sizeof(head) + n + sizeof(line));
    assert_non_null(m);
    strcpy(m, head);
    size_t len = strlen(head);
    while (len < sizeof(head) + n) {
        memcpy(m + len, line, sizeof(line) - 1);
        len += sizeof(line) - 1;
    }
    strcpy(m + len, "LAST-LINE\n");
    return m;
}

/* A text cut at max_text_size: the original is kept and the notice names the vault ID. */
static void test_text_cut_keeps_original(void **state)
{
    policy *p = *state;
    size_t keep = p->max_text_size;
    p->max_text_size = 64 * 1024;
    char *m = big_text(200 * 1024);
    engine_result r;
    run_opts(p, m, "20261203-TESTVID", NULL, &r);
    assert_int_equal(r.verdict, ENGINE_SANITIZED);
    assert_true(r.keep_original);
    assert_string_equal(r.report->keep_reason, "text-not-delivered");
    char *t = body_text(&r);
    assert_non_null(strstr(t, "以降を省略しました。"));
    assert_non_null(strstr(t, "保管番号: 20261203-TESTVID"));
    assert_non_null(strstr(t, "長い本文の一行です。"));
    assert_null(strstr(t, "LAST-LINE"));
    assert_true(strlen(t) < 80 * 1024);
    free(t);
    free(m);
    engine_result_free(&r);
    p->max_text_size = keep;
}

/* The budget is for the message: many parts together stay within it. */
static void test_text_budget_whole_message(void **state)
{
    policy *p = *state;
    size_t keep = p->max_text_size;
    p->max_text_size = 32 * 1024;
    strbuf m = { 0 };
    strbuf_puts(&m, "From: a@example.com\nTo: b@example.lg.jp\nSubject: parts\n"
                    "Date: Thu, 3 Dec 2026 10:00:00 +0900\nMIME-Version: 1.0\n"
                    "Content-Type: multipart/mixed; boundary=\"p\"\n\n");
    for (int i = 0; i < 10; i++) {
        strbuf_printf(&m, "--p\nContent-Type: text/plain; charset=UTF-8\n\nPART-%02d\n", i);
        for (int k = 0; k < 600; k++)	/* about 18k octets a part */
            strbuf_puts(&m, "部分の本文です。\n");
    }
    strbuf_puts(&m, "--p--\n");
    engine_result r;
    run_opts(p, m.s, "20261203-BUDGET", NULL, &r);
    assert_int_equal(r.verdict, ENGINE_SANITIZED);
    assert_true(r.keep_original);
    char *t = body_text(&r);
    assert_non_null(strstr(t, "PART-00"));
    assert_null(strstr(t, "PART-09"));
    assert_true(strlen(t) < 40 * 1024);
    assert_non_null(strstr(t, "保管番号: 20261203-BUDGET"));
    free(t);
    strbuf_free(&m);
    engine_result_free(&r);
    p->max_text_size = keep;
}

/* The output never exceeds max_output_size: the text is cut to fit. */
static void test_output_limit(void **state)
{
    policy *p = *state;
    size_t keep = p->max_output_size, keep_text = p->max_text_size;
    p->max_output_size = 100 * 1024;
    p->max_text_size = 1024 * 1024;
    char *m = big_text(400 * 1024);
    engine_result r;
    run_opts(p, m, "20261203-OUTPUT", NULL, &r);
    assert_int_equal(r.verdict, ENGINE_SANITIZED);
    size_t total = r.body_len + 1;
    for (size_t i = 0; i < r.nheaders; i++)
        total += strlen(r.headers[i].name) + strlen(r.headers[i].value) + 3;
    assert_true(total <= p->max_output_size);
    assert_true(r.body_len > 50 * 1024);	/* cut to fit, not emptied */
    assert_true(r.keep_original);
    char *t = body_text(&r);
    assert_non_null(strstr(t, "以降を省略しました。"));
    assert_non_null(strstr(t, "保管番号: 20261203-OUTPUT"));
    assert_null(strstr(t, "LAST-LINE"));
    free(t);
    /* A limit that even the header block cannot meet refuses the mail, before it is accepted. */
    engine_result_free(&r);
    p->max_output_size = 64 * 1024;
    strbuf h = { 0 };
    strbuf_puts(&h, "From: a@example.com\nTo: b@example.lg.jp\nSubject: many fields\n");
    for (int i = 0; i < 900; i++)
        strbuf_printf(&h, "X-Filler-%03d: %080d\n", i, i);
    strbuf_puts(&h, "\nshort\n");
    run_opts(p, h.s, NULL, NULL, &r);
    assert_int_equal(r.verdict, ENGINE_REJECT);
    assert_non_null(strstr(r.reason, "max_output_size"));
    assert_null(r.body);
    strbuf_free(&h);
    free(m);
    engine_result_free(&r);
    p->max_output_size = keep;
    p->max_text_size = keep_text;
}

/* An unchosen alternative that says more keeps the original; one that says the same does not. */
static void test_alternative_compared(void **state)
{
    policy *p = *state;
    static const char *same =
        "From: a@example.com\nTo: b@example.lg.jp\nSubject: alt\n"
        "Date: Thu, 3 Dec 2026 10:00:00 +0900\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=\"a\"\n\n"
        "--a\nContent-Type: text/plain; charset=UTF-8\n\n会議は十時からです。\nよろしくお願いします。\n"
        "--a\nContent-Type: text/html; charset=UTF-8\n\n"
        "<div>会議は<b>十時</b>からです。</div><div>よろしくお願いします。</div>\n--a--\n";
    engine_result r;
    run_opts(p, same, "20261203-ALT", NULL, &r);
    assert_int_equal(r.verdict, ENGINE_SANITIZED);
    assert_false(r.keep_original);
    assert_int_equal(r.report->parts[1].action, REPORT_ALTERNATIVE);
    assert_false(r.report->parts[1].alt_lost);
    char *t = body_text(&r);
    assert_non_null(strstr(t, "text/html"));
    assert_non_null(strstr(t, "表示した本文と同じ内容です"));
    assert_null(strstr(t, "保管番号"));
    free(t);
    engine_result_free(&r);

    static const char *differs =
        "From: a@example.com\nTo: b@example.lg.jp\nSubject: alt\n"
        "Date: Thu, 3 Dec 2026 10:00:00 +0900\nMIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=\"a\"\n\n"
        "--a\nContent-Type: text/plain; charset=UTF-8\n\n会議は十時からです。\n"
        "--a\nContent-Type: text/html; charset=UTF-8\n\n"
        "<p>会議は中止になりました。代わりに資料を送付します。</p>\n--a--\n";
    run_opts(p, differs, "20261203-ALT2", NULL, &r);
    assert_true(r.keep_original);
    assert_true(r.report->parts[1].alt_lost);
    t = body_text(&r);
    assert_non_null(strstr(t, "会議は十時からです。"));
    assert_null(strstr(t, "中止"));
    assert_non_null(strstr(t, "表示した本文にない内容を含みます（原本を保管）"));
    assert_non_null(strstr(t, "保管番号: 20261203-ALT2"));
    free(t);
    engine_result_free(&r);
}

/* unfold_decode - a folded field value, unfolded and decoded (g_free it) */
static char *unfold_decode(const char *v)
{
    char *u = g_strdup(v);
    char *d = u;
    for (const char *p = v; *p; p++)
        if (*p != '\n')
            *d++ = *p;
    *d = 0;
    char *dec = g_mime_utils_header_decode_text(NULL, u);
    g_free(u);
    return dec;
}

/* The envelope sender stands in for a From that cannot be shown, marked as such. */
static void test_envelope_from(void **state)
{
    policy *p = *state;
    static const char *msg = "From: a@example.com\nFrom: b@example.com\nTo: c@example.lg.jp\n"
                             "Subject: two\n\nTWO-FROM-BODY\n";
    engine_result r;
    run_opts(p, msg, NULL, "<bounce@sender.example>", &r);
    assert_int_equal(r.verdict, ENGINE_SANITIZED);
    const char *from = header(&r, "From");
    assert_non_null(from);
    char *dec = unfold_decode(from);
    assert_string_equal(dec, "（エンベロープ送信者） <bounce@sender.example>");
    g_free(dec);
    int nfrom = 0;
    for (size_t i = 0; i < r.nheaders; i++)
        nfrom += strcasecmp(r.headers[i].name, "From") == 0;
    assert_int_equal(nfrom, 1);
    int deleted = 0;
    for (size_t i = 0; i < r.ndelete; i++)
        deleted |= strcasecmp(r.delete_headers[i], "From") == 0;
    assert_true(deleted);	/* the milter removes both originals */
    assert_string_equal(header(&r, "Date"), "Tue, 1 Dec 2026 00:00:00 +0000");
    char *t = body_text(&r);
    assert_non_null(strstr(t, "元の差出人欄: a@example.com /"));
    assert_non_null(strstr(t, "b@example.com"));
    assert_non_null(strstr(t, "TWO-FROM-BODY"));
    free(t);
    engine_result_free(&r);
    /* An envelope sender that is not a plain address is not shown. */
    run_opts(p, msg, NULL, "<evil\"@x>", &r);
    dec = unfold_decode(header(&r, "From"));
    assert_string_equal(dec, "（差出人不明） <unknown-sender@invalid>");
    g_free(dec);
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
        cmocka_unit_test(test_text_cut_keeps_original),
        cmocka_unit_test(test_text_budget_whole_message),
        cmocka_unit_test(test_output_limit),
        cmocka_unit_test(test_alternative_compared),
        cmocka_unit_test(test_envelope_from),
    };
    engine_global_init();
    int rc = cmocka_run_group_tests_name("engine", tests, setup, teardown);
    engine_global_done();
    return rc;
}
