/*
 * NAME
 *	test_scan - libclamav scanning with the project's test signatures
 * DESCRIPTION
 *	Loading, reference counting and swapping the engine; EICAR and the
 *	project marker in every encoding and container; the verdicts for a
 *	virus, a missing and a stale database; threads sharing one engine.
 */
#include <pthread.h>
#include <time.h>
#include <utime.h>
#include <sys/stat.h>
#include "tests/unit/scantest.h"

/* eicar - the EICAR test string, assembled so this file does not match it */
static const char *eicar(void)
{
    static char s[80];
    snprintf(s, sizeof(s), "%s%s", "X5O!P%@AP[4\\PZX54(P^)7CC)7}$",
             "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    return s;
}

static void test_load(void **state)
{
    scantest *t = *state;
    assert_true(scan_db_signatures(t->db) >= 3);
    assert_true(scan_db_time(t->db) > 0);
    /* Compiling the small database is quick enough to do per test. */
    struct timespec a, b;
    scan_db *db;
    char *why = NULL;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(scan_db_load(&t->set, t->spool, &db, &why), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_true((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < 2000);
    scan_db_unref(db);
}

static void test_buffers(void **state)
{
    scantest *t = *state;
    scan_result r;
    scan_buf(t->db, eicar(), strlen(eicar()), "eicar", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    if (!strstr(r.name, "Mugai.Test.EICAR"))
        fail_msg("EICAR found as %s", r.name);
    const char *m = "some text MUGAI-TEST-MALWARE-MARKER more text";
    scan_buf(t->db, m, strlen(m), "marker", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    assert_non_null(strstr(r.name, "Mugai.Test.Marker"));
    scan_buf(t->db, "hello", 5, "clean", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_CLEAN);
    scan_buf(t->db, "", 0, "empty", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_CLEAN);
    scan_buf(NULL, "x", 1, "none", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_ERROR);
    assert_string_equal(scan_verdict_name(SCAN_SUSPICIOUS), "suspicious");
}

static void test_no_database(void **state)
{
    scantest *t = *state;
    scan_settings s = t->set;
    scan_db *db = NULL;
    char *why = NULL;

    s.database_dir = t->spool;	/* an empty directory */
    assert_int_equal(scan_db_load(&s, t->spool, &db, &why), -1);
    assert_null(db);
    assert_non_null(why);
    free(why);
    s.database_dir = "/nonexistent/clamav";
    assert_int_equal(scan_db_load(&s, t->spool, &db, &why), -1);
    assert_non_null(strstr(why, "/nonexistent/clamav"));
    free(why);

    /* The engine then fails closed: tempfail by default, reject by policy. */
    engine_result res;
    s.db = NULL;
    scantest_run(t, &s, "samples/plain-ascii.eml", &res);
    assert_int_equal(res.verdict, ENGINE_TEMPFAIL);
    assert_string_equal(res.smtp_code, "451");
    assert_non_null(strstr(res.reason, "VIRUS SCANNER UNAVAILABLE"));
    assert_null(res.body);
    assert_int_equal(res.keep_original, 0);
    engine_result_free(&res);
    s.on_no_database = SCAN_ON_NODB_REJECT;
    scantest_run(t, &s, "samples/plain-ascii.eml", &res);
    assert_int_equal(res.verdict, ENGINE_REJECT);
    assert_string_equal(res.smtp_code, "554");
    engine_result_free(&res);
}

/* copy_sigs - the test signatures copied into dir, with modification time mtime */
static void copy_sigs(const char *dir, time_t mtime)
{
    static const char *const files[] = { "mugai-test.ndb", "mugai-test.hdb" };
    for (size_t i = 0; i < 2; i++) {
        char src[256], dst[256], buf[4096];
        snprintf(src, sizeof(src), "%s/%s", SCANTEST_SIGS, files[i]);
        snprintf(dst, sizeof(dst), "%s/%s", dir, files[i]);
        FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
        assert_non_null(in);
        assert_non_null(out);
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
            assert_int_equal(fwrite(buf, 1, n, out), n);
        fclose(in);
        fclose(out);
        struct utimbuf ut = { mtime, mtime };
        assert_int_equal(utime(dst, &ut), 0);
    }
}

/* remove_sigs - undo copy_sigs */
static void remove_sigs(const char *dir)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/mugai-test.ndb", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/mugai-test.hdb", dir);
    unlink(p);
    rmdir(dir);
}

static void test_stale_database(void **state)
{
    scantest *t = *state;
    char dir[80];
    snprintf(dir, sizeof(dir), "%s/db", t->spool);
    assert_int_equal(mkdir(dir, 0700), 0);
    copy_sigs(dir, time(NULL) - 30 * 24 * 3600);

    scan_settings s = t->set;
    scan_db *db;
    char *why = NULL, buf[256];
    s.database_dir = dir;
    s.max_db_age_s = 7 * 24 * 3600;
    assert_int_equal(scan_db_load(&s, t->spool, &db, &why), 0);
    assert_int_equal(scan_db_usable(db, &s, buf, sizeof(buf)), 0);
    assert_non_null(strstr(buf, "hours old"));
    s.db = db;
    engine_result res;
    scantest_run(t, &s, "samples/plain-ascii.eml", &res);
    assert_int_equal(res.verdict, ENGINE_TEMPFAIL);
    assert_non_null(strstr(res.reason, "old"));
    engine_result_free(&res);
    s.max_db_age_s = 0;
    assert_int_equal(scan_db_usable(db, &s, buf, sizeof(buf)), 1);
    scan_db_unref(db);
    remove_sigs(dir);
}

/* private_db - a copy of the test signatures in dir (t->spool/db), and
 *	settings that name it and leave the engine to the process's current one */
static scan_settings private_db(const scantest *t, char *dir, size_t len)
{
    snprintf(dir, len, "%s/db", t->spool);
    assert_int_equal(mkdir(dir, 0700), 0);
    copy_sigs(dir, time(NULL) - 3600);
    scan_settings s = t->set;
    s.database_dir = dir;
    s.db = NULL;
    return s;
}

static void test_reload_swap(void **state)
{
    scantest *t = *state;
    char dir[80], *why = NULL;
    scan_settings s = private_db(t, dir, sizeof(dir));
    assert_int_equal(scan_reload_if_changed(&s, t->spool, &why), 1);
    assert_int_equal(scan_reload_if_changed(&s, t->spool, &why), 0);
    scan_db *old = scan_current();
    assert_non_null(old);
    /* freshclam replaces a file: the next check builds and swaps a new engine. */
    copy_sigs(dir, time(NULL));
    assert_int_equal(scan_reload_if_changed(&s, t->spool, &why), 1);
    scan_db *cur = scan_current();
    assert_true(cur != old);
    /* A scan in flight on the old engine still works after the swap. */
    scan_result r;
    scan_buf(old, eicar(), strlen(eicar()), "old", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    scan_db_unref(old);
    scan_buf(cur, eicar(), strlen(eicar()), "new", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    scan_db_unref(cur);
    /* The engine uses the current one when the settings name none. */
    engine_result res;
    scantest_run(t, &s, "samples/scan/eicar-base64.eml", &res);
    assert_int_equal(res.verdict, ENGINE_REJECT);
    engine_result_free(&res);
    scan_install(NULL);
    assert_null(scan_current());
    remove_sigs(dir);
}

/* test_recycle - after so many scans (LIMITS_SCAN_RECYCLE; 40 here) the engine is built afresh */
static void test_recycle(void **state)
{
    scantest *t = *state;
    char dir[80], *why = NULL;
    scan_settings s = private_db(t, dir, sizeof(dir));
    scan_set_recycle(40);
    assert_int_equal(scan_reload_if_changed(&s, t->spool, &why), 1);
    scan_db *old = scan_current();
    scan_result r;
    for (unsigned i = 0; i + 1 < 40; i++)
        scan_buf(old, "x", 1, "x", SCAN_NO_ARCHIVES, &r);
    assert_int_equal(scan_reload_if_changed(&s, t->spool, &why), 0);
    scan_buf(old, eicar(), strlen(eicar()), "last", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    assert_int_equal(scan_reload_if_changed(&s, t->spool, &why), 1);
    scan_db *cur = scan_current();
    assert_true(cur != old);
    scan_buf(cur, eicar(), strlen(eicar()), "new", SCAN_DEEP, &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    scan_db_unref(cur);
    scan_db_unref(old);
    scan_set_recycle(0);
    scan_install(NULL);
    remove_sigs(dir);
}

/*
 * libclamav's temporary directory is fixed when an engine is built: a
 * new one builds a new engine, and one that cannot be written fails the
 * scan, so the message is tempfailed rather than passed unscanned. The
 * engine's own temporary files follow the settings' directory.
 */
static void test_temp_dir(void **state)
{
    scantest *t = *state;
    char dir[80], *why = NULL;
    engine_result res;
    scan_settings s = private_db(t, dir, sizeof(dir));
    assert_int_equal(scan_reload_if_changed(&s, t->spool, &why), 1);
    assert_int_equal(scan_reload_if_changed(&s, t->spool, &why), 0);
    assert_int_equal(scan_reload_if_changed(&s, "/nonexistent/mugai-scan-tmp", &why), 1);
    /* libclamav itself calls such scans clean, EICAR included */
    static const char *const msgs[] = { "samples/scan/eicar-base64.eml", "samples/plain-ascii.eml" };
    for (size_t i = 0; i < 2; i++) {
        scantest_run(t, &s, msgs[i], &res);
        assert_int_equal(res.verdict, ENGINE_TEMPFAIL);
        if (!strstr(res.reason, "temporary directory"))
            fail_msg("%s: reason %s", msgs[i], res.reason);
        engine_result_free(&res);
    }
    assert_int_equal(scan_reload_if_changed(&s, t->spool, &why), 1);
    scantest_run(t, &s, "samples/plain-ascii.eml", &res);
    assert_int_equal(res.verdict, ENGINE_SANITIZED);
    engine_result_free(&res);
    scan_install(NULL);
    remove_sigs(dir);

    /* mugai's own copies of parts and archive members go there too */
    s = t->set;
    s.tmpdir = "/nonexistent/mugai-scan-tmp";
    scantest_run(t, &s, "samples/scan/marker-in-zip.eml", &res);
    assert_int_equal(res.verdict, ENGINE_TEMPFAIL);
    if (!strstr(res.reason, "/nonexistent/mugai-scan-tmp"))
        fail_msg("reason %s", res.reason);
    engine_result_free(&res);
}

static void test_eicar_everywhere(void **state)
{
    scantest *t = *state;
    static const char *const files[] = {
        "samples/scan/eicar-plain.eml", "samples/scan/eicar-base64.eml",
        "samples/scan/eicar-qp.eml", "samples/scan/eicar-zip-in-zip.eml",
        "samples/scan/gzip-eicar.eml", "samples/scan/marker-in-zip.eml",
        "samples/scan/lzh-cp932.eml",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
        engine_result res;
        scantest_run(t, &t->set, files[i], &res);
        if (res.verdict != ENGINE_REJECT)
            fail_msg("%s: verdict %s (%s)", files[i], engine_verdict_name(res.verdict),
                     res.reason ? res.reason : "");
        assert_string_equal(res.smtp_code, "550");
        assert_string_equal(res.smtp_xcode, "5.7.1");
        assert_non_null(strstr(res.reason, "Mugai.Test."));
        assert_non_null(res.report->virus);
        assert_true(res.keep_original);
        assert_string_equal(res.report->keep_reason, "virus");
        assert_null(res.body);
        engine_result_free(&res);
    }
}

static void test_virus_in_member_named(void **state)
{
    scantest *t = *state;
    engine_result res;
    scantest_run(t, &t->set, "samples/scan/eicar-zip-in-zip.eml", &res);
    const report *r = res.report;
    int found = 0;
    for (size_t i = 0; i < r->nmembers; i++)
        if (strcmp(r->members[i].name, "eicar.com") == 0) {
            assert_int_equal(r->members[i].depth, 2);
            assert_string_equal(r->members[i].scan, "virus");
            found = 1;
        }
    assert_true(found);
    engine_result_free(&res);
}

static void test_on_virus_quarantine(void **state)
{
    scantest *t = *state;
    scan_settings s = t->set;
    s.on_virus = SCAN_ON_VIRUS_QUARANTINE;
    engine_result res;
    scantest_run(t, &s, "samples/scan/eicar-base64.eml", &res);
    assert_int_equal(res.verdict, ENGINE_QUARANTINE);
    assert_true(res.keep_original);
    assert_null(res.body);
    engine_result_free(&res);
}

static void test_clean_with_scanner(void **state)
{
    scantest *t = *state;
    engine_result res;
    scantest_run(t, &t->set, "samples/ja-rfc2231-attachment.eml", &res);
    assert_int_equal(res.verdict, ENGINE_SANITIZED);
    assert_string_equal(res.report->message_scan, "clean");
    assert_non_null(res.report->av_database);
    assert_true(res.keep_original);	/* the attachment was removed */
    assert_string_equal(res.report->keep_reason, "removed");
    for (size_t i = 0; i < res.report->nparts; i++)
        assert_string_equal(res.report->parts[i].scan, "clean");
    engine_result_free(&res);
    scantest_run(t, &t->set, "samples/plain-ascii.eml", &res);
    assert_int_equal(res.verdict, ENGINE_SANITIZED);
    assert_int_equal(res.keep_original, 0);
    engine_result_free(&res);
}

typedef struct {
    scantest *t;
    int bad;
} thread_arg;

/* worker - many engine runs on one shared engine */
static void *worker(void *p)
{
    thread_arg *a = p;
    for (int i = 0; i < 8; i++) {
        const char *f = i % 2 ? "samples/scan/eicar-zip-in-zip.eml" : "samples/forwarded.eml";
        int fd = open(f, O_RDONLY | O_CLOEXEC);
        engine_options o = { .crlf = 1, .scan = &a->t->set };
        engine_result res;
        if (fd < 0 || engine_run(a->t->pol, NULL, fd, &o, &res) < 0) {
            a->bad++;
            continue;
        }
        if (res.verdict != (i % 2 ? ENGINE_REJECT : ENGINE_SANITIZED))
            a->bad++;
        engine_result_free(&res);
        close(fd);
    }
    filetype_done();
    return NULL;
}

static void test_threads(void **state)
{
    scantest *t = *state;
    pthread_t th[4];
    thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (thread_arg){ .t = t };
        assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].bad, 0);
    }
}

static void test_no_scanner_configured(void **state)
{
    scantest *t = *state;
    engine_result res;
    /* Without settings nothing is scanned (for tests and fuzzing only). */
    scantest_run(t, NULL, "samples/scan/eicar-base64.eml", &res);
    assert_int_equal(res.verdict, ENGINE_SANITIZED);
    assert_null(res.report->message_scan);
    assert_null(res.report->parts[1].scan);
    engine_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_buffers),
        cmocka_unit_test(test_no_database),
        cmocka_unit_test(test_stale_database),
        cmocka_unit_test(test_reload_swap),
        cmocka_unit_test(test_recycle),
        cmocka_unit_test(test_temp_dir),
        cmocka_unit_test(test_eicar_everywhere),
        cmocka_unit_test(test_virus_in_member_named),
        cmocka_unit_test(test_on_virus_quarantine),
        cmocka_unit_test(test_clean_with_scanner),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_no_scanner_configured),
    };
    return cmocka_run_group_tests(tests, scantest_setup, scantest_teardown);
}
