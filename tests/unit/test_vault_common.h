/*
 * NAME
 *	test_vault_common - a private vault in a temporary directory, for tests
 */
#ifndef MUGAI_TEST_VAULT_COMMON_H
#define MUGAI_TEST_VAULT_COMMON_H

#include "tests/unit/testutil.h"
#include <fcntl.h>
#include <grp.h>
#include <unistd.h>
#include <sys/stat.h>
#include "vault/vault.h"

typedef struct tv_fixture {
    char	root[64];
    char	dir[128];
    char	audit[128];
    char	group[64];
    vault_config cfg;
    vault	*v;
} tv_fixture;

/* tv_setup - a new vault under /tmp, opened with VAULT_OPEN_CREATE */
static inline int tv_setup(void **state)
{
    tv_fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->root, sizeof(f->root), "/tmp/mugai-vault-XXXXXX");
    if (!mkdtemp(f->root))
        return -1;
    snprintf(f->dir, sizeof(f->dir), "%s/vault", f->root);
    snprintf(f->audit, sizeof(f->audit), "%s/log/audit.log", f->root);
    struct group *g = getgrgid(getegid());
    snprintf(f->group, sizeof(f->group), "%s", g ? g->gr_name : "root");
    vault_config_defaults(&f->cfg);
    f->cfg.dir = f->dir;
    f->cfg.audit_log = f->audit;
    f->cfg.group = f->group;
    f->cfg.busy_timeout_ms = 200;
    f->cfg.release_timeout_ms = 2000;
    char err[VAULT_ERR_SIZE];
    if (vault_open(&f->cfg, VAULT_OPEN_CREATE, &f->v, err, sizeof(err)) != 0) {
        fprintf(stderr, "tv_setup: %s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

/* tv_teardown - close and remove the vault */
static inline int tv_teardown(void **state)
{
    tv_fixture *f = *state;
    vault_close(f->v);
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* tv_message_fd - an open file holding text */
static inline int tv_message_fd(tv_fixture *f, const char *text)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/msg.XXXXXX", f->root);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    return fd;
}

/* tv_report - a small report */
static inline report *tv_report(const char *subject, const char *verdict)
{
    report *r = report_new();
    assert_non_null(r);
    r->subject = strdup(subject);
    r->message_id = strdup("<m1@example.jp>");
    r->verdict = verdict;
    r->mode = "text";
    report_part *p = report_add_part(r, "2");
    p->filename = strdup("請求書.exe");
    p->action = REPORT_REMOVED;
    strcpy(p->sha256, "00");
    return r;
}

/* tv_store - store text with envelope; the new ID into id */
static inline int tv_store(tv_fixture *f, const char *text, const char *sender, const char *rcpt,
                           const char *verdict, const char *virus, time_t received,
                           char id[VAULT_ID_SIZE])
{
    const char *rcpts[] = { rcpt };
    vault_meta m = { .received = received, .sender = sender, .rcpts = rcpts, .nrcpts = 1,
                     .verdict = verdict, .virus = virus, .queue_id = "4ABCDEF" };
    report *r = tv_report("テスト件名", verdict);
    int fd = tv_message_fd(f, text);
    id[0] = 0;	/* a new ID, drawn by the store */
    int rc = vault_store(f->v, &m, fd, r, id);
    close(fd);
    report_free(r);
    return rc;
}

/* tv_count_cb - count items */
static inline int tv_count_cb(const vault_item *it, void *arg)
{
    (void)it;
    (*(int *)arg)++;
    return 0;
}

/* tv_count - items matching f */
static inline int tv_count(vault *v, const vault_filter *flt)
{
    int n = 0;
    assert_int_equal(vault_list(v, flt, tv_count_cb, &n), 0);
    return n;
}

/* tv_file_contains - 1 if the file at path contains needle */
static inline int tv_file_contains(const char *path, const char *needle)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    char *buf = calloc(1, 1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, fp) : 0;
    fclose(fp);
    int found = buf && testutil_contains(buf, n, needle);
    free(buf);
    return found;
}

#endif
