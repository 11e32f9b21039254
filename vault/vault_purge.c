/*
 * NAME
 *	vault_purge - dispose of items past retention, with a record
 * DESCRIPTION
 *	Each item is disposed of in its own transaction: the disposal
 *	record (date, actor, reason, ID, received, verdict, virus, SHA-256,
 *	size) replaces the index row, the "purge" audit record is appended,
 *	the transaction commits, and only then are the files overwritten
 *	and removed, so an index row never points at a file already gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vault/vault_db.h"
#include "vault/vault_file.h"
#include "vault/vault_private.h"

/* vault_purge_ids - the IDs to dispose of, oldest first */
static int vault_purge_ids(vault *v, long long now, long long older_than, char (**ids)[VAULT_ID_SIZE],
                           size_t *n)
{
    static const char sql[] =
        "SELECT id FROM items WHERE (?1 > 0 AND received < ?2 - ?1) OR (?1 = 0 AND retain_until <= ?2)"
        " ORDER BY received, id";
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    *ids = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 1, older_than);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 2, now);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return vault_sql(v, rc, "purge");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char (*m)[VAULT_ID_SIZE] = realloc(*ids, ncap * sizeof(**ids));
            if (!m) {
                sqlite3_finalize(st);
                return vault_set_error(v, VAULT_ENOMEM, "out of memory");
            }
            *ids = m;
            cap = ncap;
        }
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf((*ids)[(*n)++], VAULT_ID_SIZE, "%s", t ? (const char *)t : "");
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : vault_sql(v, rc, "purge");
}

/* vault_purge_record - disposal record in, item row out; SQLite code */
static int vault_purge_record(vault *v, const vault_item *it, long long now, const char *reason)
{
    static const char ins[] =
        "INSERT INTO purges (id, time, actor, reason, received, verdict, virus, sha256, size)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(v->db, ins, -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, it->id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 2, now);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 3, v->actor, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 5, it->received);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 6, it->verdict ? it->verdict : "", -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = it->virus ? sqlite3_bind_text(st, 7, it->virus, -1, SQLITE_STATIC)
                                        : sqlite3_bind_null(st, 7);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 8, it->sha256, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 9, (long long)it->size);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return rc;
    st = NULL;
    rc = sqlite3_prepare_v2(v->db, "DELETE FROM items WHERE id = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, it->id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    return rc;
}

/* vault_purge_one - dispose of one item */
static int vault_purge_one(vault *v, const vault_item *it, long long now, const char *reason)
{
    char detail[512], eml[VAULT_PATH_SIZE], json[VAULT_PATH_SIZE];
    int src = vault_db_exec(v->db, "BEGIN IMMEDIATE");
    if (src != SQLITE_OK)
        return vault_sql(v, src, "purge");
    src = vault_purge_record(v, it, now, reason);
    if (src != SQLITE_OK) {
        int rc = vault_sql(v, src, "purge");
        vault_db_exec(v->db, "ROLLBACK");
        return rc;
    }
    snprintf(detail, sizeof(detail), "reason=%s verdict=%s sha256=%s size=%llu received=%lld",
             reason, it->verdict ? it->verdict : "", it->sha256, it->size, it->received);
    int rc = vault_audit_locked(v, "purge", it->id, detail);
    if (rc < 0) {
        vault_db_exec(v->db, "ROLLBACK");
        return rc;
    }
    src = vault_db_exec(v->db, "COMMIT");
    if (src != SQLITE_OK) {
        rc = vault_sql(v, src, "purge commit");
        char keep[VAULT_ERR_SIZE];
        snprintf(keep, sizeof(keep), "%s", v->err);
        if (!sqlite3_get_autocommit(v->db))
            vault_db_exec(v->db, "ROLLBACK");
        vault_audit_locked(v, "purge-failed", it->id, keep);
        snprintf(v->err, sizeof(v->err), "%s", keep);
        return rc;
    }
    if (vault_path(v, it->id, VAULT_FILE_ORIGINAL, eml, sizeof(eml)) < 0 ||
        vault_path(v, it->id, VAULT_FILE_REPORT, json, sizeof(json)) < 0)
        return vault_set_error(v, VAULT_EFAIL, "vault path too long");
    if (vault_file_shred(eml) < 0 || vault_file_shred(json) < 0)
        return vault_set_error(v, VAULT_EFAIL, "%s: disposal recorded but the files could not "
                               "be removed: remove %s and %s by hand", it->id, eml, json);
    return 0;
}

/* vault_purge - dispose of what is past retention or older than asked */
int vault_purge(vault *v, const vault_purge_opts *o, vault_item_cb cb, void *arg, size_t *count)
{
    long long now = o->now ? o->now : (long long)time(NULL);
    char reason[256];
    char (*ids)[VAULT_ID_SIZE] = NULL;
    size_t n = 0;
    *count = 0;
    if (o->reason && *o->reason)
        snprintf(reason, sizeof(reason), "%s", o->reason);
    else if (o->older_than > 0)
        snprintf(reason, sizeof(reason), "older-than %llds", o->older_than);
    else
        snprintf(reason, sizeof(reason), "retention %u days", v->cfg.retention_days);

    pthread_mutex_lock(&v->lock);
    int rc = vault_purge_ids(v, now, o->older_than, &ids, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        vault_item it;
        rc = vault_get(v, ids[i], &it);
        if (rc == VAULT_ENOTFOUND) {	/* purged meanwhile by another process */
            rc = 0;
            continue;
        }
        if (rc < 0)
            break;
        if (cb && (rc = cb(&it, arg)) != 0) {
            vault_item_free(&it);
            break;
        }
        if (!o->dry_run)
            rc = vault_purge_one(v, &it, now, reason);
        vault_item_free(&it);
        if (rc == 0)
            (*count)++;
    }
    free(ids);
    pthread_mutex_unlock(&v->lock);
    return rc;
}
