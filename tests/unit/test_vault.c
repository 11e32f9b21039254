/*
 * NAME
 *	test_vault - store, list, show, export, purge; permissions and faults
 */
#include "tests/unit/test_vault_common.h"
#include <ctype.h>
#include <dirent.h>
#include <time.h>
#include <sys/resource.h>
#include <signal.h>
#include <sqlite3.h>
#include "sanitizer/engine.h"
#include "vault/audit.h"
#include "vault/export.h"
#include "vault/render.h"
#include "vault/vault_id.h"
#include "vault/vault_perm.h"

static const char msg1[] =
    "From: Sender <attacker@example.com>\n"
    "To: taro@city.example.lg.jp\n"
    "Subject: invoice\n"
    "Message-ID: <m1@example.jp>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\n"
    "\n"
    "--b\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Please open the attachment \x1b[31mnow\x1b[0m.\n"
    "--b\n"
    "Content-Type: application/octet-stream; name=\"a.exe\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=\n"
    "--b--\n";

/* test_count_files - regular files (any name) in dir */
static int test_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' || strncmp(e->d_name, ".tmp", 4) == 0)
            n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void test_id_format(void **state)
{
    (void)state;
    char id[VAULT_ID_SIZE], norm[VAULT_ID_SIZE];
    assert_int_equal(vault_id_new(time(NULL), id), 0);
    assert_int_equal(strlen(id), 17);
    assert_int_equal(id[8], '-');
    assert_int_equal(vault_id_parse(id, norm), 0);
    assert_string_equal(id, norm);
    assert_int_equal(vault_id_parse(" 20250401-7kq2m9tx ", norm), 0);
    assert_string_equal(norm, "20250401-7KQ2M9TX");
    assert_int_equal(vault_id_parse("202504017KQ2MOTI", norm), 0);	/* no dash, O and I */
    assert_string_equal(norm, "20250401-7KQ2M0T1");
    assert_int_equal(vault_id_parse("20250401-7KQ2M9TU", norm), -1);	/* U is not used */
    assert_int_equal(vault_id_parse("2025040-7KQ2M9TX", norm), -1);
    assert_int_equal(vault_id_parse("20250401-7KQ2M9TX'; DROP", norm), -1);
}

/* render_line - a field of one line cannot start another: a decoded
 * Subject or a reason with a newline, tab, ESC or NEL is escaped, and
 * Japanese text comes through as it is; render_safe keeps newlines */
static void test_render_line(void **state)
{
    (void)state;
    static const char in[] = "件名\n20990101-FORGED00  x\t\x1b[2J\xc2\x85" "end";
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    assert_non_null(mem);
    assert_int_equal(render_line(mem, in, strlen(in)), 0);
    fclose(mem);
    assert_null(strchr(buf, '\n'));
    assert_null(strchr(buf, '\t'));
    assert_null(strchr(buf, 0x1b));
    assert_string_equal(buf, "件名<U+000A>20990101-FORGED00  x<U+0009><U+001B>[2J<U+0085>end");
    free(buf);
    buf = NULL;
    assert_non_null(mem = open_memstream(&buf, &len));
    assert_int_equal(render_safe(mem, in, strlen(in)), 0);
    fclose(mem);
    assert_non_null(strchr(buf, '\n'));
    free(buf);
}

static void test_round_trip(void **state)
{
    tv_fixture *f = *state;
    char id1[VAULT_ID_SIZE], id2[VAULT_ID_SIZE], path[256];
    time_t now = time(NULL);
    assert_int_equal(tv_store(f, msg1, "attacker@example.com", "taro@city.example.lg.jp",
                              "quarantine", "Win.Test.EICAR_HDB-1", now - 3600, id1), 0);
    assert_int_equal(tv_store(f, "Subject: hi\n\nhello\n", "friend@example.org",
                              "hanako@city.example.lg.jp", "sanitized", NULL, now, id2), 0);
    assert_string_not_equal(id1, id2);

    /* files 0600, the day directory 2750 */
    struct stat st;
    assert_int_equal(vault_path(f->v, id1, VAULT_FILE_ORIGINAL, path, sizeof(path)), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(vault_path(f->v, id1, VAULT_FILE_REPORT, path, sizeof(path)), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_true(tv_file_contains(path, "\"filename\": \"請求書.exe\""));
    *strrchr(path, '/') = 0;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 02750);

    /* list and its filters */
    vault_filter flt = { 0 };
    assert_int_equal(tv_count(f->v, NULL), 2);
    flt.sender = "EXAMPLE.COM";
    assert_int_equal(tv_count(f->v, &flt), 1);
    memset(&flt, 0, sizeof(flt));
    flt.rcpt = "hanako@";
    assert_int_equal(tv_count(f->v, &flt), 1);
    memset(&flt, 0, sizeof(flt));
    flt.verdict = "quarantine";
    assert_int_equal(tv_count(f->v, &flt), 1);
    memset(&flt, 0, sizeof(flt));
    flt.virus = "*";
    assert_int_equal(tv_count(f->v, &flt), 1);
    flt.virus = "eicar";
    assert_int_equal(tv_count(f->v, &flt), 1);
    flt.virus = "Other";
    assert_int_equal(tv_count(f->v, &flt), 0);
    memset(&flt, 0, sizeof(flt));
    flt.since = now - 60;
    assert_int_equal(tv_count(f->v, &flt), 1);
    flt.since = 0;
    flt.until = now - 60;
    assert_int_equal(tv_count(f->v, &flt), 1);
    memset(&flt, 0, sizeof(flt));
    flt.sender = "%";		/* no LIKE wildcards: literal text */
    assert_int_equal(tv_count(f->v, &flt), 0);

    /* get */
    vault_item it;
    char lower[VAULT_ID_SIZE];
    for (size_t i = 0; i < sizeof(lower); i++)
        lower[i] = (char)tolower((unsigned char)id1[i]);
    assert_int_equal(vault_get(f->v, lower, &it), 0);
    assert_string_equal(it.id, id1);
    assert_string_equal(it.sender, "attacker@example.com");
    assert_int_equal(it.nrcpts, 1);
    assert_string_equal(it.rcpts[0], "taro@city.example.lg.jp");
    assert_string_equal(it.subject, "テスト件名");
    assert_string_equal(it.virus, "Win.Test.EICAR_HDB-1");
    assert_string_equal(it.queue_id, "4ABCDEF");
    assert_int_equal(it.size, strlen(msg1));
    assert_int_equal(it.retain_until, (long long)(now - 3600) + 90LL * 86400);

    /* show: a safe rendering, never the active content or raw escapes */
    int fd = vault_open_file(f->v, &it, VAULT_FILE_ORIGINAL);
    assert_true(fd >= 0);
    policy *p = policy_defaults();
    char *out = NULL;
    size_t outlen = 0;
    FILE *mem = open_memstream(&out, &outlen);
    char err[VAULT_ERR_SIZE];
    assert_int_equal(render_text(p, fd, mem, err, sizeof(err)), 0);
    fclose(mem);
    close(fd);
    policy_unref(p);
    assert_true(testutil_contains(out, outlen, "Please open the attachment <U+001B>[31mnow"));
    assert_false(testutil_contains(out, outlen, "\x1b"));
    assert_false(testutil_contains(out, outlen, "TVqQ"));
    assert_true(testutil_contains(out, outlen, "Subject: "));
    free(out);

    /* export: four files, hashes that check, no overwrite */
    char exp[160], cmd[400];
    snprintf(exp, sizeof(exp), "%s/evidence", f->root);
    assert_int_equal(export_item(f->v, id1, exp), 0);
    snprintf(path, sizeof(path), "%s/%s.eml", exp, id1);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((unsigned long long)st.st_size, it.size);
    snprintf(path, sizeof(path), "%s/%s.manifest.txt", exp, id1);
    assert_true(tv_file_contains(path, it.sha256));
    assert_true(tv_file_contains(path, "recipient: <taro@city.example.lg.jp>"));
    snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum --quiet -c '%s.sha256'", exp, id1);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(export_item(f->v, id1, exp), VAULT_EREFUSED);
    assert_true(strstr(vault_error(f->v), "refuses to overwrite") != NULL);
    vault_item_free(&it);

    /* unknown IDs */
    assert_int_equal(vault_get(f->v, "20000101-00000000", &it), VAULT_ENOTFOUND);
    assert_int_equal(vault_get(f->v, "nonsense", &it), VAULT_ENOTFOUND);

    /* every action is in an intact audit chain */
    audit_report rep;
    assert_int_equal(audit_verify(f->audit, vault_audit_key(f->v), &rep), 0);
    /* audit-key, store, store, export (the refused one touched nothing) */
    assert_int_equal(rep.records, 4);
    assert_int_equal(rep.authenticated, 1);
    assert_true(tv_file_contains(f->audit, "\"action\":\"export\""));
    assert_true(tv_file_contains(f->audit, "virus=Win.Test.EICAR_HDB-1"));
}

static void test_altered_original(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], path[256], exp[160];
    assert_int_equal(tv_store(f, msg1, "a@example.com", "b@example.jp", "reject", NULL, 0, id), 0);
    assert_int_equal(vault_path(f->v, id, VAULT_FILE_ORIGINAL, path, sizeof(path)), 0);
    int fd = open(path, O_WRONLY);
    assert_int_equal(pwrite(fd, "X", 1, 10), 1);
    close(fd);
    snprintf(exp, sizeof(exp), "%s/evidence", f->root);
    assert_int_equal(export_item(f->v, id, exp), VAULT_ECORRUPT);
    assert_true(strstr(vault_error(f->v), "does not match the index") != NULL);
    assert_int_equal(test_count_files(exp), 0);
}

static void test_purge(void **state)
{
    tv_fixture *f = *state;
    char old[VAULT_ID_SIZE], mid[VAULT_ID_SIZE], fresh[VAULT_ID_SIZE], path[256];
    time_t now = time(NULL);
    assert_int_equal(tv_store(f, "a\n", "x@example.com", "y@example.jp", "reject", NULL,
                              now - 100 * 86400, old), 0);
    assert_int_equal(tv_store(f, "b\n", "x@example.com", "y@example.jp", "reject", NULL,
                              now - 10 * 86400, mid), 0);
    assert_int_equal(tv_store(f, "c\n", "x@example.com", "y@example.jp", "reject", NULL, now, fresh), 0);

    vault_purge_opts o = { .dry_run = 1 };
    size_t n;
    assert_int_equal(vault_purge(f->v, &o, NULL, NULL, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(tv_count(f->v, NULL), 3);

    o.dry_run = 0;		/* by retention (90 days) */
    assert_int_equal(vault_purge(f->v, &o, NULL, NULL, &n), 0);
    assert_int_equal(n, 1);
    vault_item it;
    assert_int_equal(vault_get(f->v, old, &it), VAULT_ENOTFOUND);
    assert_int_equal(vault_path(f->v, old, VAULT_FILE_ORIGINAL, path, sizeof(path)), 0);
    assert_int_equal(access(path, F_OK), -1);

    o.older_than = 7 * 86400;
    o.reason = "case closed";
    assert_int_equal(vault_purge(f->v, &o, NULL, NULL, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(tv_count(f->v, NULL), 1);
    assert_int_equal(vault_get(f->v, fresh, &it), 0);
    vault_item_free(&it);

    /* the disposal records: date, actor, reason, what */
    sqlite3 *db;
    char dbpath[200];
    snprintf(dbpath, sizeof(dbpath), "%s/index.sqlite", f->dir);
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, actor, reason, sha256, time FROM purges"
                                        " ORDER BY rowid", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), old);
    assert_string_equal((const char *)sqlite3_column_text(st, 1), vault_actor(f->v));
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "retention 90 days");
    assert_int_equal(strlen((const char *)sqlite3_column_text(st, 3)), 64);
    assert_true(sqlite3_column_int64(st, 4) >= now);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), mid);
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "case closed");
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_true(tv_file_contains(f->audit, "\"action\":\"purge\""));
    audit_report rep;
    assert_int_equal(audit_verify(f->audit, vault_audit_key(f->v), &rep), 0);
}

/* test_reopen - close and open again; the code */
static int test_reopen(tv_fixture *f, char *err, size_t len)
{
    vault_close(f->v);
    f->v = NULL;
    int rc = vault_open(&f->cfg, 0, &f->v, err, len);
    return rc;
}

static void test_perm_world_readable(void **state)
{
    tv_fixture *f = *state;
    char err[VAULT_ERR_SIZE];
    assert_int_equal(chmod(f->dir, 02755), 0);
    assert_int_equal(test_reopen(f, err, sizeof(err)), VAULT_EPERM);
    assert_true(strstr(err, "world-readable") != NULL);
    assert_true(strstr(err, f->dir) != NULL);
    assert_int_equal(chmod(f->dir, 02757), 0);
    assert_int_equal(test_reopen(f, err, sizeof(err)), VAULT_EPERM);
    assert_true(strstr(err, "world-writable") != NULL);
    assert_int_equal(chmod(f->dir, 02750), 0);
    assert_int_equal(test_reopen(f, err, sizeof(err)), 0);
}

static void test_perm_index_and_owner(void **state)
{
    tv_fixture *f = *state;
    char err[VAULT_ERR_SIZE], dbpath[200];
    snprintf(dbpath, sizeof(dbpath), "%s/index.sqlite", f->dir);
    assert_int_equal(chmod(dbpath, 0644), 0);
    assert_int_equal(test_reopen(f, err, sizeof(err)), VAULT_EPERM);
    assert_true(strstr(err, "index.sqlite has mode 0644") != NULL);
    assert_int_equal(chmod(dbpath, 0600), 0);
    if (geteuid() == 0) {
        assert_int_equal(chown(f->dir, 65534, (gid_t)-1), 0);
        assert_int_equal(test_reopen(f, err, sizeof(err)), VAULT_EPERM);
        assert_true(strstr(err, "is owned by") != NULL);
        assert_int_equal(chown(f->dir, 0, (gid_t)-1), 0);
    }
    f->cfg.group = "no-such-group-mugai";
    assert_int_equal(test_reopen(f, err, sizeof(err)), VAULT_EPERM);
    assert_true(strstr(err, "does not exist") != NULL);
    f->cfg.group = f->group;
    assert_int_equal(test_reopen(f, err, sizeof(err)), 0);
}

static void test_corrupt_db(void **state)
{
    tv_fixture *f = *state;
    char err[VAULT_ERR_SIZE], dbpath[200], id[VAULT_ID_SIZE];
    assert_int_equal(tv_store(f, "a\n", "x@example.com", "y@example.jp", "reject", NULL, 0, id), 0);
    vault_close(f->v);
    f->v = NULL;
    snprintf(dbpath, sizeof(dbpath), "%s/index.sqlite", f->dir);
    char wal[220];
    snprintf(wal, sizeof(wal), "%s-wal", dbpath);
    unlink(wal);
    int fd = open(dbpath, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    char junk[8192];
    memset(junk, 'Z', sizeof(junk));
    assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
    close(fd);
    assert_int_equal(vault_open(&f->cfg, 0, &f->v, err, sizeof(err)), VAULT_ECORRUPT);
    assert_true(strstr(err, "corrupt") != NULL);
    assert_null(f->v);
    /* VAULT_OPEN_CREATE does not paper over it either */
    assert_int_equal(vault_open(&f->cfg, VAULT_OPEN_CREATE, &f->v, err, sizeof(err)), VAULT_ECORRUPT);
    assert_null(f->v);
}

static void test_locked_db(void **state)
{
    tv_fixture *f = *state;
    char dbpath[200], id[VAULT_ID_SIZE], day[200];
    snprintf(dbpath, sizeof(dbpath), "%s/index.sqlite", f->dir);
    sqlite3 *other;
    assert_int_equal(sqlite3_open(dbpath, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(tv_store(f, msg1, "x@example.com", "y@example.jp", "reject", NULL, 0, id),
                     VAULT_EBUSY);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 190);
    assert_true(strstr(vault_error(f->v), "locked") != NULL);
    assert_string_equal(id, "");
    /* nothing half-written: no file in today's directory, no audit record */
    char today[VAULT_ID_SIZE];
    vault_id_new(time(NULL), today);
    snprintf(day, sizeof(day), "%s/%.8s", f->dir, today);
    assert_int_equal(test_count_files(day), 0);
    assert_false(tv_file_contains(f->audit, "\"action\":\"store\""));
    /* reads still work in WAL mode */
    assert_int_equal(tv_count(f->v, NULL), 0);
    assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    assert_int_equal(tv_store(f, msg1, "x@example.com", "y@example.jp", "reject", NULL, 0, id), 0);
    assert_int_equal(test_count_files(day), 2);
}

static void test_disk_full(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], day[200];
    size_t big = 2u << 20;
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, 'a', big);
    for (size_t i = 76; i < big; i += 77)
        text[i] = '\n';
    text[big] = 0;
    int fd = tv_message_fd(f, text);
    free(text);
    /* A file size limit makes writes fail as on a full disk. */
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 1u << 20;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    const char *rcpts[] = { "y@example.jp" };
    vault_meta m = { .sender = "x@example.com", .rcpts = rcpts, .nrcpts = 1 };
    report *r = tv_report("big", "quarantine");
    id[0] = 0;
    int rc = vault_store(f->v, &m, fd, r, id);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    close(fd);
    report_free(r);
    assert_int_equal(rc, VAULT_ENOSPC);
    assert_true(strstr(vault_error(f->v), "disk full") != NULL);
    char today[VAULT_ID_SIZE];
    vault_id_new(time(NULL), today);
    snprintf(day, sizeof(day), "%s/%.8s", f->dir, today);
    assert_int_equal(test_count_files(day), 0);
    assert_int_equal(tv_count(f->v, NULL), 0);
    assert_false(tv_file_contains(f->audit, "\"action\":\"store\""));
}

static void test_config_check(void **state)
{
    (void)state;
    vault_config c;
    char err[256];
    vault_config_defaults(&c);
    assert_int_equal(vault_config_check(&c, err, sizeof(err)), 0);
    c.retention_days = 0;
    assert_int_equal(vault_config_check(&c, err, sizeof(err)), -1);
    assert_true(strstr(err, "retention") != NULL);
    vault_config_defaults(&c);
    c.dir = "";
    assert_int_equal(vault_config_check(&c, err, sizeof(err)), -1);
    /* relative to the working directory, as every path of the config file */
    vault_config_defaults(&c);
    c.dir = "relative/vault";
    assert_int_equal(vault_config_check(&c, err, sizeof(err)), 0);
    vault_config_defaults(&c);
    c.release_port = 0;
    assert_int_equal(vault_config_check(&c, err, sizeof(err)), -1);
}

/* test_store_given_id - a pre-drawn ID is used; the same one again is an error */
static void test_store_given_id(void **state)
{
    tv_fixture *f = *state;
    const char *rcpts[] = { "y@example.jp" };
    vault_meta m = { .sender = "x@example.com", .rcpts = rcpts, .nrcpts = 1 };
    char id[VAULT_ID_SIZE], want[VAULT_ID_SIZE];
    vault_item it;

    assert_int_equal(vault_id_new(time(NULL), want), 0);
    report *r = tv_report("given", "reject");
    int fd = tv_message_fd(f, "given\n");
    memcpy(id, want, sizeof(id));
    assert_int_equal(vault_store(f->v, &m, fd, r, id), 0);
    assert_string_equal(id, want);
    assert_int_equal(vault_get(f->v, want, &it), 0);
    vault_item_free(&it);
    memcpy(id, want, sizeof(id));
    assert_true(vault_store(f->v, &m, fd, r, id) < 0);
    assert_int_equal(id[0], 0);
    memcpy(id, "not-an-id", 10);
    assert_true(vault_store(f->v, &m, fd, r, id) < 0);
    close(fd);
    report_free(r);
}

static int test_global_setup(void **state)
{
    (void)state;
    engine_global_init();
    return 0;
}

static int test_global_teardown(void **state)
{
    (void)state;
    engine_global_done();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_format),
        cmocka_unit_test(test_render_line),
        cmocka_unit_test(test_config_check),
        cmocka_unit_test_setup_teardown(test_round_trip, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_altered_original, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_store_given_id, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_purge, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_perm_world_readable, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_perm_index_and_owner, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_db, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_locked_db, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_disk_full, tv_setup, tv_teardown),
    };
    return cmocka_run_group_tests_name("vault", tests, test_global_setup, test_global_teardown);
}
