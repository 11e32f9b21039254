/*
 * NAME
 *	test_archive - archives opened within limits, member names, bombs
 * DESCRIPTION
 *	archive_walk on the attachments of the samples/scan mails (decoded here),
 *	then the same mails through engine_run: the notice must list the
 *	members and say which limit stopped the walk.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <gmime/gmime.h>
#include "tests/unit/scantest.h"
#include "sanitizer/archive.h"

/* attachment - a memfd with the last base64 part of a sample mail, decoded */
static int attachment(const char *eml)
{
    gchar *text = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(eml, &text, &len, NULL));
    const char *mark = "Content-Transfer-Encoding: base64\n\n";
    char *p = text, *last = NULL;
    while ((p = strstr(p, mark))) {
        last = p + strlen(mark);
        p = last;
    }
    assert_non_null(last);
    char *end = strstr(last, "\n--b");
    assert_non_null(end);
    *end = 0;
    gsize n = 0;
    guchar *data = g_base64_decode(last, &n);
    int fd = memfd_create("att", MFD_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    g_free(data);
    g_free(text);
    return fd;
}

typedef struct {
    int		n;
    char	names[64][256];
    unsigned	depth[64];
    int		encrypted[64];
    unsigned long long size[64];
    int		cp932[64];
} seen;

/* visit - record members */
static int visit(void *ctx, const archive_member *m)
{
    seen *s = ctx;
    if (s->n < 64) {
        snprintf(s->names[s->n], sizeof(s->names[0]), "%s", m->name);
        s->depth[s->n] = m->depth;
        s->encrypted[s->n] = m->encrypted;
        s->size[s->n] = m->size;
        s->cp932[s->n] = m->name_cp932;
        /* Content is there to scan: in memory when small, else in a file. */
        assert_true(m->encrypted || m->data || m->fd >= 0);
    }
    s->n++;
    return 0;
}

/* walk - archive_walk over a sample's attachment with limits l */
static int walk(const scantest *t, const char *eml, const archive_limits *l, seen *s,
                archive_result *res)
{
    int fd = attachment(eml);
    unsigned char head[512];
    ssize_t n = pread(fd, head, sizeof(head), 0);
    assert_true(n > 0);
    memset(s, 0, sizeof(*s));
    int rc = archive_walk(fd, archive_detect(head, (size_t)n), l, t->spool, visit, s, res);
    close(fd);
    return rc;
}

static void test_detect(void **state)
{
    (void)state;
    assert_int_equal(archive_detect((const unsigned char *)"PK\3\4xxxx", 8), ARCHIVE_KIND_ZIP);
    assert_int_equal(archive_detect((const unsigned char *)"\x1f\x8b\x08", 3), ARCHIVE_KIND_GZIP);
    assert_int_equal(archive_detect((const unsigned char *)"7z\xbc\xaf\x27\x1c", 6), ARCHIVE_KIND_7Z);
    assert_int_equal(archive_detect((const unsigned char *)"Rar!\x1a\x07\x01", 7), ARCHIVE_KIND_RAR);
    assert_int_equal(archive_detect((const unsigned char *)"\x20\x00-lh5-", 7), ARCHIVE_KIND_LZH);
    assert_int_equal(archive_detect((const unsigned char *)"hello", 5), ARCHIVE_KIND_NONE);
    assert_int_equal(archive_detect(NULL, 0), ARCHIVE_KIND_NONE);
    assert_string_equal(archive_kind_name(ARCHIVE_KIND_LZH), "lzh");
}

static void test_cp932_names(void **state)
{
    scantest *t = *state;
    seen s;
    archive_result r;
    assert_int_equal(walk(t, "samples/scan/zip-cp932-names.eml", &t->set.archives, &s, &r), 0);
    if (r.status != ARCHIVE_WALK_OK)
        fail_msg("cp932 zip: %s", r.why);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.names[0], "請求書.txt");
    assert_string_equal(s.names[1], "資料/議事録①.txt");
    assert_true(s.cp932[0]);
}

static void test_encrypted(void **state)
{
    scantest *t = *state;
    seen s;
    archive_result r;
    assert_int_equal(walk(t, "samples/scan/zip-encrypted-zipcrypto.eml", &t->set.archives, &s, &r), 0);
    assert_int_equal(r.encrypted, 1);
    assert_int_equal(s.n, 1);
    assert_true(s.encrypted[0]);
    assert_int_equal(s.size[0], 0);
    assert_int_equal(walk(t, "samples/scan/zip-encrypted-aes.eml", &t->set.archives, &s, &r), 0);
    assert_int_equal(r.encrypted, 1);
    assert_true(s.encrypted[0]);
}

static void test_bombs(void **state)
{
    scantest *t = *state;
    seen s;
    archive_result r;
    struct rusage ru0, ru1;

    getrusage(RUSAGE_SELF, &ru0);
    assert_int_equal(walk(t, "samples/scan/zip-bomb-ratio.eml", &t->set.archives, &s, &r), 0);
    assert_int_equal(r.status, ARCHIVE_WALK_LIMIT);
    assert_non_null(strstr(r.why, "compressed more than"));
    /* Stopped once the ratio read so far passes the limit, not after 64 MiB. */
    assert_true(r.total < 16u << 20);

    assert_int_equal(walk(t, "samples/scan/zip-bomb-42.eml", &t->set.archives, &s, &r), 0);
    assert_int_equal(r.status, ARCHIVE_WALK_LIMIT);
    assert_true(r.total <= t->set.archives.max_total + (1u << 20));
    archive_limits small = t->set.archives;
    small.max_total = 8u << 20;
    assert_int_equal(walk(t, "samples/scan/zip-bomb-42.eml", &small, &s, &r), 0);
    assert_int_equal(r.status, ARCHIVE_WALK_LIMIT);
    assert_non_null(strstr(r.why, "larger than 8388608"));
    small = t->set.archives;
    small.max_members = 20;
    assert_int_equal(walk(t, "samples/scan/zip-bomb-42.eml", &small, &s, &r), 0);
    assert_int_equal(r.status, ARCHIVE_WALK_LIMIT);
    assert_non_null(strstr(r.why, "more than 20 archive members"));
    small = t->set.archives;
    small.max_member_size = 512 * 1024;
    assert_int_equal(walk(t, "samples/scan/zip-bomb-42.eml", &small, &s, &r), 0);
    assert_non_null(strstr(r.why, "member larger than"));

    /* libzip itself may refuse it (corrupt) before our overlap check (limit). */
    assert_int_equal(walk(t, "samples/scan/zip-bomb-overlap.eml", &t->set.archives, &s, &r), 0);
    assert_true(r.status == ARCHIVE_WALK_LIMIT || r.status == ARCHIVE_WALK_CORRUPT);
    assert_int_equal(s.n, 0);

    assert_int_equal(walk(t, "samples/scan/zip-nested-deep.eml", &t->set.archives, &s, &r), 0);
    assert_int_equal(r.status, ARCHIVE_WALK_LIMIT);
    assert_non_null(strstr(r.why, "nested deeper than 4"));
    assert_int_equal(r.depth, 4);
    getrusage(RUSAGE_SELF, &ru1);
    /* Memory stays flat: members beyond a small buffer go to temp files.
     * (AddressSanitizer holds freed memory back, so only without it.) */
#ifndef __SANITIZE_ADDRESS__
    assert_true(ru1.ru_maxrss < ru0.ru_maxrss + 64 * 1024);
#else
    (void)ru0;
    (void)ru1;
#endif
}

static void test_corrupt(void **state)
{
    scantest *t = *state;
    seen s;
    archive_result r;
    assert_int_equal(walk(t, "samples/scan/zip-corrupt.eml", &t->set.archives, &s, &r), 0);
    assert_int_equal(r.status, ARCHIVE_WALK_CORRUPT);
    assert_int_equal(walk(t, "samples/scan/zip-truncated.eml", &t->set.archives, &s, &r), 0);
    assert_int_equal(r.status, ARCHIVE_WALK_CORRUPT);
}

static void test_tgz(void **state)
{
    scantest *t = *state;
    seen s;
    archive_result r;
    assert_int_equal(walk(t, "samples/scan/tgz-with-exe.eml", &t->set.archives, &s, &r), 0);
    assert_int_equal(r.status, ARCHIVE_WALK_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.names[1], "tool.exe");
}

/* notice - the decoded text body of a sanitized result */
static char *notice(const engine_result *res)
{
    gsize len = 0;
    char *tmp = strndup(res->body, res->body_len);
    guchar *d = g_base64_decode(tmp, &len);
    free(tmp);
    char *s = strndup((char *)d, len);
    g_free(d);
    return s;
}

static void test_engine_members_listed(void **state)
{
    scantest *t = *state;
    engine_result res;
    scantest_run(t, &t->set, "samples/scan/zip-cp932-names.eml", &res);
    assert_int_equal(res.verdict, ENGINE_SANITIZED);
    char *n = notice(&res);
    assert_non_null(strstr(n, "内容（2 件）"));
    assert_non_null(strstr(n, "- 請求書.txt（"));
    assert_non_null(strstr(n, "text/plain"));
    assert_int_equal(res.report->nmembers, 2);
    assert_string_equal(res.report->members[0].path, "1.2:1");
    assert_true(scantest_finding(res.report, "cp932-name"));
    free(n);
    engine_result_free(&res);

    scantest_run(t, &t->set, "samples/scan/tgz-with-exe.eml", &res);
    assert_int_equal(res.verdict, ENGINE_SANITIZED);
    assert_string_equal(res.report->members[1].type_class, "executable");
    assert_string_equal(res.report->members[1].rule, "remove");
    assert_string_equal(res.report->parts[1].rule, "remove");
    engine_result_free(&res);
}

static void test_engine_notes(void **state)
{
    scantest *t = *state;
    static const struct { const char *file, *finding, *text; } cases[] = {
        { "samples/scan/zip-encrypted-zipcrypto.eml", "encrypted-archive", "暗号化された圧縮ファイル" },
        { "samples/scan/zip-encrypted-aes.eml", "encrypted-archive", "（暗号化）" },
        { "samples/scan/zip-bomb-ratio.eml", "archive-limit", "制限を超えたため" },
        { "samples/scan/zip-bomb-42.eml", "archive-limit", "制限を超えたため" },
        { "samples/scan/zip-nested-deep.eml", "archive-limit", "nested deeper" },
        { "samples/scan/zip-corrupt.eml", "archive-corrupt", "壊れているため" },
        { "samples/scan/zip-truncated.eml", "archive-corrupt", "壊れているため" },
        { "samples/scan/spoof-double-ext.eml", "spoofing", "double-extension" },
        { "samples/scan/spoof-pe-as-pdf.eml", "spoofing", "disguised-executable" },
        { "samples/scan/spoof-zip-as-text.eml", "spoofing", "archive-declared-text" },
        { "samples/scan/spoof-path.eml", "spoofing", "path-in-name" },
        { "samples/scan/spoof-invisible.eml", "spoofing", "請求書<U+200B>.txt" },
        { "samples/scan/spoof-zip-members.eml", "spoofing", "doc.pdf.js" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        engine_result res;
        scantest_run(t, &t->set, cases[i].file, &res);
        if (res.verdict != ENGINE_SANITIZED)
            fail_msg("%s: %s %s", cases[i].file, engine_verdict_name(res.verdict),
                     res.reason ? res.reason : "");
        if (!scantest_finding(res.report, cases[i].finding))
            fail_msg("%s: no finding %s", cases[i].file, cases[i].finding);
        char *n = notice(&res);
        if (!strstr(n, cases[i].text))
            fail_msg("%s: notice lacks \"%s\":\n%s", cases[i].file, cases[i].text, n);
        assert_true(res.keep_original);
        free(n);
        engine_result_free(&res);
    }
}

static void test_engine_quarantine_rule(void **state)
{
    scantest *t = *state;
    scan_settings s = t->set;
    s.rules.action[TYPERULES_ENCRYPTED] = TYPERULES_QUARANTINE;
    engine_result res;
    scantest_run(t, &s, "samples/scan/zip-encrypted-zipcrypto.eml", &res);
    assert_int_equal(res.verdict, ENGINE_QUARANTINE);
    assert_true(res.keep_original);
    assert_string_equal(res.report->keep_reason, "quarantine");
    engine_result_free(&res);
    s = t->set;
    s.rules.archive_limit = TYPERULES_QUARANTINE;
    scantest_run(t, &s, "samples/scan/zip-bomb-42.eml", &res);
    assert_int_equal(res.verdict, ENGINE_QUARANTINE);
    engine_result_free(&res);
    s = t->set;
    s.rules.action[TYPERULES_EXECUTABLE] = TYPERULES_QUARANTINE;
    scantest_run(t, &s, "samples/scan/tgz-with-exe.eml", &res);
    assert_int_equal(res.verdict, ENGINE_QUARANTINE);
    engine_result_free(&res);
}

static void test_spool_unusable(void **state)
{
    scantest *t = *state;
    char *saved = t->pol->spool_dir;
    t->pol->spool_dir = "/nonexistent/spool";
    engine_result res;
    scantest_run(t, &t->set, "samples/scan/zip-cp932-names.eml", &res);
    /* A temp file that cannot be written fails the message, never passes it. */
    assert_int_equal(res.verdict, ENGINE_TEMPFAIL);
    engine_result_free(&res);
    t->pol->spool_dir = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_cp932_names),
        cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_bombs),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_tgz),
        cmocka_unit_test(test_engine_members_listed),
        cmocka_unit_test(test_engine_notes),
        cmocka_unit_test(test_engine_quarantine_rule),
        cmocka_unit_test(test_spool_unusable),
    };
    return cmocka_run_group_tests(tests, scantest_setup, scantest_teardown);
}
