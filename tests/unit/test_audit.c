/*
 * NAME
 *	test_audit - the audit log's hash chain shows edits, deletions and moves
 */
#include "tests/unit/testutil.h"
#include <unistd.h>
#include <openssl/evp.h>
#include "vault/audit.h"

typedef struct audit_fixture {
    char dir[64];
    char path[128];
} audit_fixture;

static int audit_setup(void **state)
{
    audit_fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/mugai-audit-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/audit.log", f->dir);
    char err[512];
    static const char *const actions[] = { "store", "view", "export", "release", "purge" };
    for (int i = 0; i < 5; i++) {
        char detail[64];
        snprintf(detail, sizeof(detail), "record %d", i + 1);
        if (audit_append(f->path, (gid_t)-1, NULL, "alice", 1000, actions[i], "20250401-7KQ2M9TX",
                         detail, 1000, err, sizeof(err)) != 0)
            return -1;
    }
    *state = f;
    return 0;
}

static int audit_teardown(void **state)
{
    audit_fixture *f = *state;
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* audit_lines - the log's lines (with newlines), n set */
static char **audit_lines(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char **lines = calloc(64, sizeof(*lines));
    char *line = NULL;
    size_t cap = 0;
    *n = 0;
    while (getline(&line, &cap, fp) > 0 && *n < 64)
        lines[(*n)++] = strdup(line);
    free(line);
    fclose(fp);
    return lines;
}

/* audit_write_lines - replace the log with these lines, in this order */
static void audit_write_lines(const char *path, char **lines, size_t n)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (size_t i = 0; i < n; i++)
        if (lines[i])
            fputs(lines[i], fp);
    fclose(fp);
}

static void audit_free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static void test_intact(void **state)
{
    audit_fixture *f = *state;
    audit_report rep;
    assert_int_equal(audit_verify(f->path, NULL, &rep), 0);
    assert_int_equal(rep.records, 5);
    assert_int_equal(rep.problem, AUDIT_INTACT);
    size_t n;
    char **lines = audit_lines(f->path, &n);
    assert_int_equal(n, 5);
    assert_true(strstr(lines[0], "\"prev\":\"0000000000000000") != NULL);
    assert_true(strstr(lines[3], "\"action\":\"release\"") != NULL);
    assert_true(strstr(lines[3], "\"actor\":\"alice\"") != NULL);
    audit_free_lines(lines, n);
}

static void test_edit_one_byte(void **state)
{
    audit_fixture *f = *state;
    size_t n;
    char **lines = audit_lines(f->path, &n);
    char *p = strstr(lines[2], "record 3");
    assert_non_null(p);
    p[7] = '9';		/* "record 9" */
    audit_write_lines(f->path, lines, n);
    audit_free_lines(lines, n);
    audit_report rep;
    assert_int_equal(audit_verify(f->path, NULL, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_EDITED);
    assert_int_equal(rep.seq, 3);
    assert_int_equal(rep.line, 3);
    assert_true(strstr(rep.what, "record 3") != NULL);
}

static void test_delete_record(void **state)
{
    audit_fixture *f = *state;
    size_t n;
    char **lines = audit_lines(f->path, &n);
    free(lines[2]);
    lines[2] = NULL;
    audit_write_lines(f->path, lines, n);
    audit_free_lines(lines, n);
    audit_report rep;
    assert_int_equal(audit_verify(f->path, NULL, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_DELETED);
    assert_int_equal(rep.seq, 3);
    assert_true(strstr(rep.what, "record 3 is missing") != NULL);
}

static void test_swap_records(void **state)
{
    audit_fixture *f = *state;
    size_t n;
    char **lines = audit_lines(f->path, &n);
    char *t = lines[1];
    lines[1] = lines[2];
    lines[2] = t;
    audit_write_lines(f->path, lines, n);
    audit_free_lines(lines, n);
    audit_report rep;
    assert_int_equal(audit_verify(f->path, NULL, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_REORDERED);
    assert_int_equal(rep.line, 2);
    assert_int_equal(rep.seq, 3);
}

static void test_edit_with_rehash(void **state)
{
    /* An editor who recomputes the record's own hash still breaks the next prev. */
    audit_fixture *f = *state;
    size_t n;
    char **lines = audit_lines(f->path, &n);
    char *p = strstr(lines[2], "record 3");
    p[7] = '7';
    size_t len = strlen(lines[2]) - 1;
    size_t body = len - 75;
    unsigned char d[32];
    unsigned dl;
    assert_int_equal(EVP_Digest(lines[2], body, d, &dl, EVP_sha256(), NULL), 1);
    for (int i = 0; i < 32; i++)
        snprintf(lines[2] + body + 9 + 2 * i, 3, "%02x", d[i]);
    lines[2][body + 9 + 64] = '"';
    audit_write_lines(f->path, lines, n);
    audit_free_lines(lines, n);
    audit_report rep;
    assert_int_equal(audit_verify(f->path, NULL, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_CHAIN);
    assert_int_equal(rep.seq, 4);
    assert_true(strstr(rep.what, "record 3 was edited") != NULL);
}

static void test_truncate_end(void **state)
{
    audit_fixture *f = *state;
    size_t n;
    char **lines = audit_lines(f->path, &n);
    free(lines[4]);
    lines[4] = NULL;
    audit_write_lines(f->path, lines, n);
    audit_free_lines(lines, n);
    audit_report rep;
    assert_int_equal(audit_verify(f->path, NULL, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_TRUNCATED);
    assert_int_equal(rep.seq, 5);
}

static void test_head_removed(void **state)
{
    audit_fixture *f = *state;
    char head[160];
    snprintf(head, sizeof(head), "%s.head", f->path);
    assert_int_equal(unlink(head), 0);
    audit_report rep;
    assert_int_equal(audit_verify(f->path, NULL, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_HEAD);
}

static void test_escaping_and_continue(void **state)
{
    audit_fixture *f = *state;
    char err[512];
    assert_int_equal(audit_append(f->path, (gid_t)-1, NULL, "bob\"x", 0, "view", "id",
                                  "line\nbreak \x1b[31m \xff tab\t\"q\"", 1000, err, sizeof(err)), 0);
    size_t n;
    char **lines = audit_lines(f->path, &n);
    assert_int_equal(n, 6);
    assert_true(strstr(lines[5], "line\\nbreak \\u001b[31m \\ufffd tab\\t\\\"q\\\"") != NULL);
    assert_true(strstr(lines[5], "\"actor\":\"bob\\\"x\"") != NULL);
    assert_true(strstr(lines[5], "\"seq\":6,") != NULL);
    audit_free_lines(lines, n);
    audit_report rep;
    assert_int_equal(audit_verify(f->path, NULL, &rep), 0);
    assert_int_equal(rep.records, 6);
}

static void test_incomplete_tail_refused(void **state)
{
    audit_fixture *f = *state;
    FILE *fp = fopen(f->path, "a");
    fputs("{\"seq\":6,\"time\":", fp);
    fclose(fp);
    char err[512];
    assert_int_equal(audit_append(f->path, (gid_t)-1, NULL, "alice", 0, "view", "id", "", 1000,
                                  err, sizeof(err)), -1);
    assert_true(strstr(err, "incomplete") != NULL);
    audit_report rep;
    assert_int_equal(audit_verify(f->path, NULL, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_MALFORMED);
    assert_int_equal(rep.line, 6);
}

static void test_missing_log(void **state)
{
    (void)state;
    audit_report rep;
    assert_int_equal(audit_verify("/nonexistent/mugai/audit.log", NULL, &rep), -1);
    assert_true(strstr(rep.what, "No such file") != NULL);
}

/* audit_keyed - a chain of n records whose head is authenticated by key */
static void audit_keyed(const char *path, const unsigned char *key, int n, const char *what)
{
    char err[512];
    for (int i = 0; i < n; i++)
        assert_int_equal(audit_append(path, (gid_t)-1, key, "mugai", 110, "store",
                                      "20250401-7KQ2M9TX", what, 1000, err, sizeof(err)), 0);
}

static void test_keyed_head(void **state)
{
    audit_fixture *f = *state;
    unsigned char key[AUDIT_KEY_SIZE], other[AUDIT_KEY_SIZE];
    char path[160];
    audit_report rep;
    memset(key, 0x5a, sizeof(key));
    memset(other, 0xa5, sizeof(other));
    snprintf(path, sizeof(path), "%s/keyed.log", f->dir);
    audit_keyed(path, key, 3, "virus=Eicar sha256=aa");
    assert_int_equal(audit_verify(path, key, &rep), 0);
    assert_int_equal(rep.authenticated, 1);
    assert_true(strstr(rep.what, "authenticated") != NULL);
    /* without the key only the chain is checked, and it says so */
    assert_int_equal(audit_verify(path, NULL, &rep), 0);
    assert_int_equal(rep.authenticated, 0);
    /* another key does not verify it */
    assert_int_equal(audit_verify(path, other, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_FORGED);
}

/* A chain has one audit key: a second audit-key record (the key file
 * deleted and made anew, whose MACs would vouch for anything) is a
 * break; the text of it in a detail is not. */
static void test_second_key(void **state)
{
    audit_fixture *f = *state;
    unsigned char key[AUDIT_KEY_SIZE], other[AUDIT_KEY_SIZE];
    char path[160], err[512];
    audit_report rep;
    memset(key, 0x5a, sizeof(key));
    memset(other, 0xa5, sizeof(other));
    snprintf(path, sizeof(path), "%s/keyed.log", f->dir);
    audit_keyed(path, NULL, 2, "x");
    assert_int_equal(audit_append(path, (gid_t)-1, key, "mugai", 110, "audit-key", "",
                                  "created", 1000, err, sizeof(err)), 0);
    audit_keyed(path, key, 1, "\",\"action\":\"audit-key\"");
    assert_int_equal(audit_verify(path, key, &rep), 0);
    assert_int_equal(rep.key_seq, 3);
    assert_int_equal(audit_append(path, (gid_t)-1, other, "mugai", 110, "audit-key", "",
                                  "created", 1000, err, sizeof(err)), 0);
    assert_int_equal(audit_verify(path, other, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_FORGED);
    assert_int_equal(rep.seq, 5);
    assert_true(strstr(rep.what, "second audit key") != NULL);
    assert_int_equal(audit_verify(path, NULL, &rep), 1);
}

/* The whole chain rewritten by someone who can write the log and its
 * head but not read the key: a consistent chain, head and all, that
 * no longer says there was a virus. */
static void test_rewrite_without_key(void **state)
{
    audit_fixture *f = *state;
    unsigned char key[AUDIT_KEY_SIZE];
    char path[160], forged[160], cmd[1024];
    audit_report rep;
    memset(key, 0x5a, sizeof(key));
    snprintf(path, sizeof(path), "%s/keyed.log", f->dir);
    snprintf(forged, sizeof(forged), "%s/forged.log", f->dir);
    audit_keyed(path, key, 3, "virus=Eicar sha256=aa");
    audit_keyed(forged, NULL, 3, "sha256=aa");		/* no key: a plain head */
    snprintf(cmd, sizeof(cmd), "mv '%s' '%s' && mv '%s.head' '%s.head'", forged, path, forged, path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(audit_verify(path, NULL, &rep), 0);	/* a consistent chain ... */
    assert_int_equal(audit_verify(path, key, &rep), 1);	/* ... that the key does not vouch for */
    assert_int_equal(rep.problem, AUDIT_FORGED);
    assert_string_equal(audit_problem_name(rep.problem), "not authenticated");

    /* a MAC guessed or copied from an older head does not fit either */
    audit_keyed(path, NULL, 1, "x");
    FILE *h;
    char hp[200], line[300];
    snprintf(hp, sizeof(hp), "%s.head", path);
    assert_non_null(h = fopen(hp, "r"));
    assert_non_null(fgets(line, sizeof(line), h));
    fclose(h);
    line[strcspn(line, "\n")] = 0;
    assert_non_null(h = fopen(hp, "w"));
    fprintf(h, "%s 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", line);
    fclose(h);
    assert_int_equal(audit_verify(path, key, &rep), 1);
    assert_int_equal(rep.problem, AUDIT_FORGED);
}

/* audit_walk_cb - collect actions and details */
static int audit_walk_cb(const audit_record *r, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 1024 - n, "%llu:%s:%s:%s|", r->seq, r->actor, r->action, r->detail);
    return 0;
}

static void test_walk_unescapes(void **state)
{
    audit_fixture *f = *state;
    char err[512], out[1024] = "";
    assert_int_equal(audit_append(f->path, (gid_t)-1, NULL, "bob\"x", 0, "view", "id",
                                  "quote \" back \\ tab\t 日本語", 1000, err, sizeof(err)), 0);
    assert_int_equal(audit_walk(f->path, audit_walk_cb, out), 0);
    assert_true(strstr(out, "1:alice:store:record 1|") != NULL);
    assert_true(strstr(out, "6:bob\"x:view:quote \" back \\ tab\t 日本語|") != NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keyed_head, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_rewrite_without_key, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_walk_unescapes, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_intact, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_edit_one_byte, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_delete_record, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_swap_records, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_edit_with_rehash, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_truncate_end, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_head_removed, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_escaping_and_continue, audit_setup, audit_teardown),
        cmocka_unit_test_setup_teardown(test_incomplete_tail_refused, audit_setup, audit_teardown),
        cmocka_unit_test(test_missing_log),
        cmocka_unit_test_setup_teardown(test_second_key, audit_setup, audit_teardown),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
