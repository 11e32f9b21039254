/*
 * NAME
 *	test_scan_work - what a mail makes libclamav do is bounded by the engine's limits
 * DESCRIPTION
 *	Nested archive bombs (42.zip style, from samples/scan and built here
 *	with libzip: deeper, wider, many small members) go through engine_run
 *	with the test signatures, and the scan module's counters say what
 *	libclamav was handed. The message itself, and every archive the
 *	engine opens, are scanned without libclamav's archive parsers (the
 *	engine walks them and scans each member), but for a part whose walk
 *	a limit stopped, which libclamav reads once, deep; what is scanned stays below
 *	the raw message plus every part and max_ratio times the message
 *	(archive members of all levels and parts together). Before, every level handed the whole nesting below it to
 *	libclamav again, and a part could unpack to max_total (200 MiB) from a
 *	few kilobytes. Content is still scanned with what it contains: a
 *	signature two archives deep, in a gzip in a tar in a zip, or in a
 *	member next to a bomb, is found.
 */
#include <sys/stat.h>
#include <zip.h>
#include <gmime/gmime.h>
#include "tests/unit/scantest.h"

/* bound - the most the engine may hand libclamav for a result */
static unsigned long long bound(const scantest *t, unsigned long long msg, const report *r)
{
    unsigned long long b = msg + msg * t->set.archives.max_ratio + LIMITS_ARCHIVE_RATIO_FLOOR;
    for (size_t i = 0; i < r->nparts; i++)
        b += r->parts[i].size;
    return b;
}

/* scans - parts and members the report says were scanned, plus the message */
static unsigned long long scans(const report *r)
{
    unsigned long long n = r->message_scan != NULL;
    for (size_t i = 0; i < r->nparts; i++)
        n += r->parts[i].scan != NULL;
    for (size_t i = 0; i < r->nmembers; i++)
        n += r->members[i].scan != NULL;
    return n;
}

/* stopped - a limit or corruption stopped the walk of part rp */
static int stopped(const report *r, const report_part *rp)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].path, rp->path) == 0 &&
            (strcmp(r->findings[i].kind, "archive-limit") == 0 ||
             strcmp(r->findings[i].kind, "archive-corrupt") == 0))
            return 1;
    return 0;
}

/* shallow - scans that must not use libclamav's archive parsers: the
 * message, and every archive part and member the engine opened itself,
 * but a part whose walk a limit stopped (read once, deep) */
static unsigned long long shallow(const report *r)
{
    unsigned long long n = r->message_scan != NULL;
    for (size_t i = 0; i < r->nparts; i++)
        n += r->parts[i].scan && r->parts[i].archive && !stopped(r, &r->parts[i]);
    for (size_t i = 0; i < r->nmembers; i++)
        n += r->members[i].scan && r->members[i].type_class &&
             strcmp(r->members[i].type_class, "archive") == 0;
    return n;
}

/* run - engine_run on a file; checks the counters against the bound */
static void run(const scantest *t, const char *path, engine_result *res, scan_work *w)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    scan_work_reset();
    scantest_run(t, &t->set, path, res);
    scan_work_get(w);
    assert_non_null(res->report);
    unsigned long long b = bound(t, (unsigned long long)st.st_size, res->report);
    if (w->bytes_in > b)
        fail_msg("%s: %llu bytes handed to libclamav, bound %llu", path, w->bytes_in, b);
    /* one call per scanned part and member, never more */
    assert_int_equal(w->calls, scans(res->report));
    if (w->deep_calls > w->calls - shallow(res->report))
        fail_msg("%s: %llu of %llu scans unpacked archives again", path, w->deep_calls, w->calls);
}

/* zip_of - a zip (in memory) of n members, each given as data and size */
static unsigned char *zip_of(const scantest *t, unsigned n, unsigned char *const *data,
                             const size_t *size, const char *ext, size_t *outlen)
{
    char path[128];
    int err = 0;
    snprintf(path, sizeof(path), "%s/t.zip", t->spool);
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    for (unsigned i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "%u.%s", i, ext);
        zip_source_t *src = zip_source_buffer(z, data[i], size[i], 0);
        assert_non_null(src);
        assert_true(zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    gchar *out = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(path, &out, &len, NULL));
    unlink(path);
    *outlen = len;
    return (unsigned char *)out;
}

/* nest - depth levels of zips, width members each, leaves of leaf bytes of zeros */
static unsigned char *nest(const scantest *t, unsigned depth, unsigned width, size_t leaf,
                           size_t *len)
{
    unsigned char *data[64];
    size_t size[64];
    unsigned char *inner;
    size_t inner_len;

    assert_true(width <= 64);
    if (depth == 0) {
        inner = calloc(1, leaf);
        assert_non_null(inner);
        *len = leaf;
        return inner;
    }
    inner = nest(t, depth - 1, width, leaf, &inner_len);
    for (unsigned i = 0; i < width; i++) {
        data[i] = inner;
        size[i] = inner_len;
    }
    unsigned char *z = zip_of(t, width, data, size, depth == 1 ? "bin" : "zip", len);
    if (depth == 1)
        free(inner);
    else
        g_free(inner);
    return z;
}

/* mail - a mail file with one zip attachment */
static void mail(const scantest *t, const char *path, const unsigned char *zip, size_t len)
{
    gchar *b64 = g_base64_encode(zip, len);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "From: a@example.jp\nTo: b@example.lg.jp\nSubject: bomb\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
            "Content-Type: text/plain; charset=UTF-8\n\n本文です。\n\n--b\n"
            "Content-Type: application/zip; name=\"x.zip\"\n"
            "Content-Transfer-Encoding: base64\n\n");
    for (size_t i = 0, n = strlen(b64); i < n; i += 76)
        fprintf(f, "%.76s\n", b64 + i);
    fprintf(f, "\n--b--\n");
    fclose(f);
    g_free(b64);
    (void)t;
}

static void test_sample_bombs(void **state)
{
    scantest *t = *state;
    const char *files[] = { "samples/scan/zip-bomb-42.eml", "samples/scan/zip-bomb-ratio.eml",
                            "samples/scan/zip-nested-deep.eml", "samples/scan/zip-bomb-overlap.eml" };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        engine_result res;
        scan_work w;
        run(t, files[i], &res, &w);
        /* the walk is stopped by a limit: the archive does not reach the recipient */
        assert_int_equal(res.verdict, ENGINE_SANITIZED);
        assert_true(scantest_finding(res.report, "archive-limit") ||
                    scantest_finding(res.report, "archive-corrupt"));
        engine_result_free(&res);
    }
}

static void test_built_bombs(void **state)
{
    scantest *t = *state;
    /* depth x width x leaf: 42.zip's shape, deeper, wider, many small members */
    const struct { unsigned depth, width; size_t leaf; } shapes[] = {
        { 2, 16, 1u << 20 }, { 4, 6, 256u << 10 }, { 3, 40, 64u << 10 }, { 1, 64, 16 },
        { 2, 30, 1024 },
    };
    char path[128];
    snprintf(path, sizeof(path), "%s/bomb.eml", t->spool);
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        size_t len;
        unsigned char *z = nest(t, shapes[i].depth, shapes[i].width, shapes[i].leaf, &len);
        mail(t, path, z, len);
        g_free(z);
        engine_result res;
        scan_work w;
        run(t, path, &res, &w);
        assert_int_equal(res.verdict, ENGINE_SANITIZED);
        engine_result_free(&res);
    }
    unlink(path);
}

static void test_still_found(void **state)
{
    scantest *t = *state;
    const char *files[] = { "samples/scan/eicar-zip-in-zip.eml", "samples/scan/gzip-eicar.eml",
                            "samples/scan/eicar-base64.eml" };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        engine_result res;
        scan_work w;
        run(t, files[i], &res, &w);
        assert_int_equal(res.verdict, ENGINE_REJECT);
        assert_non_null(res.report->virus);
        engine_result_free(&res);
    }

    /* EICAR in a zip member next to a small bomb: found, not hidden by the budget */
    char path[128];
    snprintf(path, sizeof(path), "%s/mixed.eml", t->spool);
    size_t blen, elen;
    unsigned char *bomb = nest(t, 2, 4, 64u << 10, &blen);
    /* assembled so that this file does not match it */
    char eicar[80];
    snprintf(eicar, sizeof(eicar), "%s%s", "X5O!P%@AP[4\\PZX54(P^)7CC)7}$",
             "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    unsigned char *inner_data[1] = { (unsigned char *)eicar };
    size_t inner_size[1] = { strlen(eicar) };
    unsigned char *inner = zip_of(t, 1, inner_data, inner_size, "com", &elen);
    size_t z0len;
    unsigned char *z0 = zip_of(t, 1, inner_data, inner_size, "com", &z0len);
    unsigned char *data[2] = { inner, bomb };
    size_t size[2] = { elen, blen };
    size_t len;
    unsigned char *z = zip_of(t, 2, data, size, "zip", &len);
    mail(t, path, z, len);
    engine_result res;
    scan_work w;
    run(t, path, &res, &w);
    assert_int_equal(res.verdict, ENGINE_REJECT);
    assert_non_null(strstr(res.report->virus, "EICAR"));
    engine_result_free(&res);
    g_free(z);
    g_free(inner);
    g_free(bomb);

    /* EICAR where the walk does not reach (past the depth limit): the
     * stopped part is read by libclamav, which names it */
    size_t dlen;
    unsigned char *deep = zip_of(t, 1, inner_data, inner_size, "com", &dlen);
    for (unsigned level = 0; level < t->set.archives.max_depth + 1; level++) {
        unsigned char *d1[1] = { deep };
        size_t s1[1] = { dlen };
        unsigned char *next = zip_of(t, 1, d1, s1, "zip", &dlen);
        g_free(deep);
        deep = next;
    }
    mail(t, path, deep, dlen);
    g_free(deep);
    run(t, path, &res, &w);
    assert_int_equal(res.verdict, ENGINE_REJECT);
    assert_true(scantest_finding(res.report, "archive-limit"));
    assert_non_null(strstr(res.report->virus, "EICAR"));
    engine_result_free(&res);

    /* the same bytes found clean without the archive parsers are still a
     * virus with them: libclamav's cache of clean files must not answer */
    scan_result r;
    scan_buf(t->db, z0, z0len, "nested", SCAN_NO_ARCHIVES, &r);
    scan_buf(t->db, z0, z0len, "nested", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    g_free(z0);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_bombs),
        cmocka_unit_test(test_built_bombs),
        cmocka_unit_test(test_still_found),
    };
    return cmocka_run_group_tests(tests, scantest_setup, scantest_teardown);
}
