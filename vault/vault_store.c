/*
 * NAME
 *	vault_store - keep one original and its report in the vault
 * DESCRIPTION
 *	Order of work, so that a failure at any step leaves nothing behind:
 *	both files are written to temporary names and fsync'ed; the index
 *	transaction is opened and the row inserted (a new ID is drawn if
 *	the random one is taken); the files get their final names; the
 *	"store" audit record is appended; the transaction commits. Any
 *	failure before the commit rolls back and removes the files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sanitizer/strbuf.h"
#include "vault/vault_db.h"
#include "vault/vault_file.h"
#include "vault/vault_id.h"
#include "vault/vault_private.h"

/* vault_store_cut - length of s capped at VAULT_FIELD_MAX on a UTF-8 boundary */
static int vault_store_cut(const char *s)
{
    size_t n = strlen(s);
    if (n <= VAULT_FIELD_MAX)
        return (int)n;
    n = VAULT_FIELD_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return (int)n;
}

/* vault_store_bind - bind text (capped) or NULL */
static int vault_store_bind(sqlite3_stmt *st, int i, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, vault_store_cut(s), SQLITE_STATIC);
}

/* vault_store_io - an I/O failure as a code and message */
static int vault_store_io(vault *v, const char *what, const char *path)
{
    int e = errno;
    if (vault_file_disk_full(e))
        return vault_set_error(v, VAULT_ENOSPC, "vault disk full: cannot write %s in %s (%s)",
                               what, path, strerror(e));
    return vault_set_error(v, VAULT_EFAIL, "cannot write %s in %s: %s", what, path, strerror(e));
}

/* vault_store_report - write the JSON report to a temporary file */
static int vault_store_report(vault *v, const report *r, vault_file_tmp *t, const char *day)
{
    int dfd = dup(t->fd);
    FILE *f = dfd >= 0 ? fdopen(dfd, "w") : NULL;
    if (!f) {
        if (dfd >= 0)
            close(dfd);
        return vault_store_io(v, "the report", day);
    }
    errno = 0;
    int rc = report_write_json(r, f);
    if (fflush(f) != 0 || ferror(f))
        rc = -1;
    int e = errno;
    if (fclose(f) != 0 && rc == 0) {
        e = errno;
        rc = -1;
    }
    if (rc < 0) {
        errno = e ? e : EIO;
        return vault_store_io(v, "the report", day);
    }
    return 0;
}

/* vault_store_insert - the index rows for id; SQLite code */
static int vault_store_insert(vault *v, const vault_meta *m, const report *r, const char *id,
                              long long received, const char *sha, unsigned long long size)
{
    static const char sql[] =
        "INSERT INTO items (id, received, retain_until, sender, subject, message_id,"
        " verdict, reason, virus, queue_id, sha256, size)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
    long long until = received + (long long)v->cfg.retention_days * 86400;
    const char *verdict = m->verdict ? m->verdict : (r->verdict ? r->verdict : "unknown");
    const char *reason = m->reason ? m->reason : r->reason;
    const char *virus = (m->virus && *m->virus) ? m->virus : NULL;
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 2, received);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 3, until);
    if (rc == SQLITE_OK) rc = vault_store_bind(st, 4, m->sender ? m->sender : "");
    if (rc == SQLITE_OK) rc = vault_store_bind(st, 5, r->subject);
    if (rc == SQLITE_OK) rc = vault_store_bind(st, 6, r->message_id);
    if (rc == SQLITE_OK) rc = vault_store_bind(st, 7, verdict);
    if (rc == SQLITE_OK) rc = vault_store_bind(st, 8, reason);
    if (rc == SQLITE_OK) rc = vault_store_bind(st, 9, virus);
    if (rc == SQLITE_OK) rc = vault_store_bind(st, 10, m->queue_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 11, sha, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 12, (long long)size);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return rc;
    size_t n = m->nrcpts < VAULT_RCPTS_MAX ? m->nrcpts : VAULT_RCPTS_MAX;
    st = NULL;
    rc = sqlite3_prepare_v2(v->db, "INSERT INTO recipients (id, rcpt) VALUES (?1, ?2)",
                            -1, &st, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        rc = sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = vault_store_bind(st, 2, m->rcpts[i] ? m->rcpts[i] : "");
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(st);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        if (rc == SQLITE_OK)
            rc = sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* vault_store_detail - the audit record's detail */
static char *vault_store_detail(const vault_meta *m, const report *r, const char *sha,
                                unsigned long long size)
{
    strbuf b = { 0 };
    strbuf_printf(&b, "verdict=%s", m->verdict ? m->verdict : (r->verdict ? r->verdict : "unknown"));
    if (m->virus && *m->virus)
        strbuf_printf(&b, " virus=%s", m->virus);
    strbuf_printf(&b, " sha256=%s size=%llu rcpts=%zu sender=<%s>", sha, size, m->nrcpts,
                  m->sender ? m->sender : "");
    if (m->queue_id)
        strbuf_printf(&b, " queue_id=%s", m->queue_id);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, NULL);
}

/* vault_store - keep the original and its report */
int vault_store(vault *v, const vault_meta *m, int fd, const report *r, char id[VAULT_ID_SIZE])
{
    char day[VAULT_PATH_SIZE], eml[VAULT_PATH_SIZE], json[VAULT_PATH_SIZE], sha[65];
    unsigned long long size = 0;
    vault_file_tmp to = { .fd = -1 }, tr = { .fd = -1 };
    int rc, in_tx = 0, named = 0;
    char *detail = NULL;
    /* A pre-drawn ID was already shown to someone: it is used or the store fails. */
    char given[VAULT_ID_SIZE] = "";
    if (id[0] && vault_id_parse(id, given) < 0) {
        id[0] = 0;
        return vault_set_error(v, VAULT_EFAIL, "vault_store: not a vault ID");
    }
    id[0] = 0;
    if (!r)
        return vault_set_error(v, VAULT_EFAIL, "vault_store: no report");
    long long received = m->received ? (long long)m->received : (long long)time(NULL);

    pthread_mutex_lock(&v->lock);
    if (given[0]) {
        memcpy(id, given, VAULT_ID_SIZE);
    } else if (vault_id_new((time_t)received, id) < 0) {
        rc = vault_set_error(v, VAULT_EFAIL, "cannot draw a random vault ID: %s", strerror(errno));
        goto fail;
    }
    snprintf(day, sizeof(day), "%s/%.8s", v->cfg.dir, id);
    if (vault_file_mkdir(day, 02750, v->gid) < 0) {
        rc = vault_store_io(v, "a day directory", day);
        goto fail;
    }
    if (vault_file_tmp_open(&to, day) < 0 || vault_file_copy(fd, to.fd, sha, &size) < 0) {
        rc = vault_store_io(v, "the original", day);
        goto fail;
    }
    if (vault_file_tmp_open(&tr, day) < 0) {
        rc = vault_store_io(v, "the report", day);
        goto fail;
    }
    if ((rc = vault_store_report(v, r, &tr, day)) < 0)
        goto fail;

    int src = vault_db_exec(v->db, "BEGIN IMMEDIATE");
    if (src != SQLITE_OK) {
        rc = vault_sql(v, src, "store");
        goto fail;
    }
    in_tx = 1;
    for (int tries = 0;; tries++) {
        src = vault_store_insert(v, m, r, id, received, sha, size);
        if (src == SQLITE_OK)
            break;
        if (src != SQLITE_CONSTRAINT_PRIMARYKEY || tries >= VAULT_ID_TRIES || given[0]) {
            rc = vault_sql(v, src, "store");
            goto fail;
        }
        if (vault_id_new((time_t)received, id) < 0) {
            rc = vault_set_error(v, VAULT_EFAIL, "cannot draw a random vault ID");
            goto fail;
        }
    }
    if (vault_path(v, id, VAULT_FILE_ORIGINAL, eml, sizeof(eml)) < 0 ||
        vault_path(v, id, VAULT_FILE_REPORT, json, sizeof(json)) < 0) {
        rc = vault_set_error(v, VAULT_EFAIL, "vault path too long");
        goto fail;
    }
    if (vault_file_commit(&to, eml, 1) < 0) {
        rc = vault_store_io(v, "the original", day);
        goto fail;
    }
    named = 1;
    if (vault_file_commit(&tr, json, 1) < 0) {
        rc = vault_store_io(v, "the report", day);
        goto fail;
    }
    named = 2;
    if (!(detail = vault_store_detail(m, r, sha, size))) {
        rc = vault_set_error(v, VAULT_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = vault_audit_locked(v, "store", id, detail)) < 0)
        goto fail;
    src = vault_db_exec(v->db, "COMMIT");
    if (src != SQLITE_OK) {
        rc = vault_sql(v, src, "store commit");
        /* The store record is in the audit log: say it did not take. */
        char keep[VAULT_ERR_SIZE];
        snprintf(keep, sizeof(keep), "%s", v->err);
        vault_audit_locked(v, "store-failed", id, keep);
        snprintf(v->err, sizeof(v->err), "%s", keep);
        goto fail;
    }
    free(detail);
    pthread_mutex_unlock(&v->lock);
    return 0;
fail:
    if (in_tx && !sqlite3_get_autocommit(v->db))
        vault_db_exec(v->db, "ROLLBACK");
    vault_file_tmp_discard(&to);
    vault_file_tmp_discard(&tr);
    if (named >= 1)
        unlink(eml);
    if (named >= 2)
        unlink(json);
    free(detail);
    id[0] = 0;
    pthread_mutex_unlock(&v->lock);
    return rc;
}
