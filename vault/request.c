/*
 * NAME
 *	request - release requests and their decision, by two people
 * DESCRIPTION
 *	See request.h. A request or decision changes its row and appends
 *	its audit record inside one index transaction, as a purge does: the
 *	row commits only when the record is in the chain. The decision's
 *	UPDATE only matches a pending row, so two approvers racing cannot
 *	both decide.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sanitizer/strbuf.h"
#include "vault/release.h"
#include "vault/request.h"
#include "vault/vault_db.h"
#include "vault/vault_private.h"

#define REQUEST_WHO_SIZE	(IDENTITY_NAME_SIZE + 64)

/* A request row, as request_decide needs it. */
typedef struct request_row {
    long long	rid;
    char	id[VAULT_ID_SIZE];
    vault_identity requester;
    char	*reason;
    char	state[16];
} request_row;

/* request_blank - 1 when s is NULL or only blanks */
static int request_blank(const char *s)
{
    while (s && isspace((unsigned char)*s))
        s++;
    return !s || !*s;
}

/* request_reason_bad - a control character in reason (request.h) */
int request_reason_bad(const char *reason)
{
    for (const unsigned char *p = (const unsigned char *)reason; p && *p; p++)
        if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
            return 1;
    return 0;
}

/* request_kind - "system" or "console" */
static const char *request_kind(const vault_identity *who)
{
    return who->kind == IDENTITY_CONSOLE ? "console" : "system";
}

/* request_group - the group that grants role (for messages) */
static const char *request_group(const vault *v, unsigned role)
{
    if (role == IDENTITY_ROLE_APPROVE)
        return v->cfg.approver_group;
    return *v->cfg.requester_group ? v->cfg.requester_group : v->cfg.group;
}

/* request_no_role - why v->who lacks role, into why */
static void request_no_role(const vault *v, unsigned role, char *why, size_t len)
{
    const char *what = role == IDENTITY_ROLE_APPROVE ? "decide on releases" : "ask for releases";
    if (v->who.service)
        snprintf(why, len, "%s is the vault's owner account, not a person: it may not %s; "
                 "run the command through sudo as yourself", v->who.name, what);
    else
        snprintf(why, len, "%s may not %s (not a member of %s)", v->who.name, what,
                 request_group(v, role));
}

/* request_commit - append the record of an open transaction, then commit
 *	it; on any failure roll back (and say so in the chain if the record
 *	went in). 0 or a VAULT_E* code. */
static int request_commit(vault *v, const char *action, const char *id, const char *detail)
{
    int rc = vault_audit_locked(v, action, id, detail);
    if (rc < 0) {
        vault_db_exec(v->db, "ROLLBACK");
        return rc;
    }
    int src = vault_db_exec(v->db, "COMMIT");
    if (src != SQLITE_OK) {
        rc = vault_sql(v, src, action);
        char keep[VAULT_ERR_SIZE], failed[64];
        snprintf(keep, sizeof(keep), "%s", v->err);
        if (!sqlite3_get_autocommit(v->db))
            vault_db_exec(v->db, "ROLLBACK");
        snprintf(failed, sizeof(failed), "%s-failed", action);
        /* The same details (request=N first), so the chain says which did not take. */
        strbuf b = { 0 };
        strbuf_printf(&b, "%s error=%s", detail, keep);
        vault_audit_locked(v, failed, id, b.oom ? keep : b.s);
        strbuf_free(&b);
        snprintf(v->err, sizeof(v->err), "%s", keep);
        return rc;
    }
    return 0;
}

/* request_refuse - record a refused attempt; code, with why in v->err */
static int request_refuse(vault *v, int code, const char *action, const char *id,
                          const char *detail, const char *why)
{
    strbuf b = { 0 };
    strbuf_printf(&b, "%s refused=%s", detail, why);
    int rc = vault_audit_locked(v, action, id, b.oom ? why : b.s);
    strbuf_free(&b);
    if (rc < 0)
        return rc;
    return vault_set_error(v, code, "%s", why);
}

/* request_create - record a request for a release */
int request_create(vault *v, const char *id, const char *reason, long long *rid)
{
    static const char sql[] =
        "INSERT INTO requests (id, time, requester, requester_uid, requester_kind, reason, virus,"
        " state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')";
    char who[REQUEST_WHO_SIZE], why[VAULT_ERR_SIZE] = "", detail[REQUEST_WHO_SIZE + 64];
    vault_item it;
    strbuf b = { 0 };
    int code = VAULT_EREFUSED;
    *rid = 0;
    pthread_mutex_lock(&v->lock);
    int rc = vault_get(v, id, &it);
    if (rc < 0) {
        pthread_mutex_unlock(&v->lock);
        return rc;
    }
    identity_describe(&v->who, who, sizeof(who));
    snprintf(detail, sizeof(detail), "requester=%s", who);
    if (!(v->who.roles & IDENTITY_ROLE_REQUEST)) {
        request_no_role(v, IDENTITY_ROLE_REQUEST, why, sizeof(why));
        code = VAULT_EPERM;
    } else if (request_blank(reason)) {
        snprintf(why, sizeof(why), "a request needs a --reason");
    } else if (strlen(reason) > RELEASE_REASON_MAX) {
        snprintf(why, sizeof(why), "reason too long (at most %d octets)", RELEASE_REASON_MAX);
    } else if (request_reason_bad(reason)) {
        snprintf(why, sizeof(why), "the reason holds control characters (one line of text)");
    } else if (it.nrcpts == 0) {
        snprintf(why, sizeof(why), "%s has no recipient to release to", it.id);
    }
    if (why[0]) {
        rc = request_refuse(v, code, "request-refused", it.id, detail, why);
        goto done;
    }
    int src = vault_db_exec(v->db, "BEGIN IMMEDIATE");
    if (src != SQLITE_OK) {
        rc = vault_sql(v, src, "request");
        goto done;
    }
    sqlite3_stmt *st = NULL;
    src = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
    if (src == SQLITE_OK) src = sqlite3_bind_text(st, 1, it.id, -1, SQLITE_STATIC);
    if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 2, (long long)time(NULL));
    if (src == SQLITE_OK) src = sqlite3_bind_text(st, 3, v->who.name, -1, SQLITE_STATIC);
    if (src == SQLITE_OK) src = v->who.uid == IDENTITY_UID_NONE ? sqlite3_bind_null(st, 4)
                              : sqlite3_bind_int64(st, 4, (long long)v->who.uid);
    if (src == SQLITE_OK) src = sqlite3_bind_text(st, 5, request_kind(&v->who), -1, SQLITE_STATIC);
    if (src == SQLITE_OK) src = sqlite3_bind_text(st, 6, reason, -1, SQLITE_STATIC);
    if (src == SQLITE_OK) src = it.virus && *it.virus
                              ? sqlite3_bind_text(st, 7, it.virus, -1, SQLITE_STATIC)
                              : sqlite3_bind_null(st, 7);
    if (src == SQLITE_OK)
        src = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(v->db);
    sqlite3_finalize(st);
    if (src != SQLITE_OK) {
        rc = vault_sql(v, src, "request");
        vault_db_exec(v->db, "ROLLBACK");
        goto done;
    }
    *rid = sqlite3_last_insert_rowid(v->db);
    strbuf_printf(&b, "request=%lld requester=%s virus=%s reason=%s", *rid, who,
                  it.virus && *it.virus ? it.virus : "-", reason);
    if (b.oom) {
        vault_db_exec(v->db, "ROLLBACK");
        rc = vault_set_error(v, VAULT_ENOMEM, "out of memory");
        goto done;
    }
    rc = request_commit(v, "request", it.id, b.s);
    if (rc < 0)
        *rid = 0;
done:
    strbuf_free(&b);
    vault_item_free(&it);
    pthread_mutex_unlock(&v->lock);
    return rc;
}

/* request_find - the rid of ref: a number, or the one pending request of a vault ID */
static int request_find(vault *v, const char *ref, long long *rid)
{
    char *end;
    if (isdigit((unsigned char)*ref) && strlen(ref) < 19) {
        long long n = strtoll(ref, &end, 10);
        if (!*end && n > 0) {
            *rid = n;
            return 0;
        }
    }
    sqlite3_stmt *st = NULL;
    int n = 0, src = sqlite3_prepare_v2(v->db, "SELECT rid FROM requests WHERE id = ?1 AND "
                                        "state = 'pending' ORDER BY rid", -1, &st, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        *rid = sqlite3_column_int64(st, 0);
        n++;
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (src != SQLITE_DONE && src != SQLITE_OK)
        return vault_sql(v, src, "request");
    if (n == 0)
        return vault_set_error(v, VAULT_ENOTFOUND, "no pending release request '%.40s' "
                               "(give a request number or a vault ID)", ref);
    if (n > 1)
        return vault_set_error(v, VAULT_EREFUSED, "%.40s has %d pending requests: give the "
                               "request's number (mugai quarantine requests)", ref, n);
    return 0;
}

/* request_load - the row of rid */
static int request_load(vault *v, long long rid, request_row *r)
{
    sqlite3_stmt *st = NULL;
    memset(r, 0, sizeof(*r));
    int src = sqlite3_prepare_v2(v->db, "SELECT id, requester, requester_uid, requester_kind,"
                                 " reason, state FROM requests WHERE rid = ?1", -1, &st, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int64(st, 1, rid);
    if (src == SQLITE_OK)
        src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *kind = (const char *)sqlite3_column_text(st, 3);
        const char *reason = (const char *)sqlite3_column_text(st, 4);
        const char *state = (const char *)sqlite3_column_text(st, 5);
        r->rid = rid;
        snprintf(r->id, sizeof(r->id), "%s", id ? id : "");
        r->requester.kind = kind && !strcmp(kind, "console") ? IDENTITY_CONSOLE : IDENTITY_SYSTEM;
        r->requester.uid = sqlite3_column_type(st, 2) == SQLITE_NULL ? IDENTITY_UID_NONE
                         : (uid_t)sqlite3_column_int64(st, 2);
        snprintf(r->requester.name, sizeof(r->requester.name), "%s", name ? name : "");
        snprintf(r->state, sizeof(r->state), "%s", state ? state : "");
        r->reason = strdup(reason ? reason : "");
        src = r->reason ? SQLITE_OK : SQLITE_NOMEM;
    } else if (src == SQLITE_DONE) {
        sqlite3_finalize(st);
        return vault_set_error(v, VAULT_ENOTFOUND, "no release request %lld", rid);
    }
    sqlite3_finalize(st);
    return src == SQLITE_OK ? 0 : vault_sql(v, src, "request");
}

/* request_set_state - the decision on a pending row; SQLite code, *changed */
static int request_set_state(vault *v, long long rid, const char *state, const char *reason,
                             int confirm_virus, int *changed)
{
    static const char sql[] =
        "UPDATE requests SET state = ?2, decided = ?3, approver = ?4, approver_uid = ?5,"
        " approver_kind = ?6, decision_reason = ?7, confirm_virus = ?8"
        " WHERE rid = ?1 AND state = 'pending'";
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
    if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 1, rid);
    if (src == SQLITE_OK) src = sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    if (src == SQLITE_OK) src = sqlite3_bind_int64(st, 3, (long long)time(NULL));
    if (src == SQLITE_OK) src = sqlite3_bind_text(st, 4, v->who.name, -1, SQLITE_STATIC);
    if (src == SQLITE_OK) src = v->who.uid == IDENTITY_UID_NONE ? sqlite3_bind_null(st, 5)
                              : sqlite3_bind_int64(st, 5, (long long)v->who.uid);
    if (src == SQLITE_OK) src = sqlite3_bind_text(st, 6, request_kind(&v->who), -1, SQLITE_STATIC);
    if (src == SQLITE_OK) src = reason ? sqlite3_bind_text(st, 7, reason, -1, SQLITE_STATIC)
                                       : sqlite3_bind_null(st, 7);
    if (src == SQLITE_OK) src = sqlite3_bind_int(st, 8, confirm_virus ? 1 : 0);
    if (src == SQLITE_OK)
        src = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(v->db);
    sqlite3_finalize(st);
    *changed = src == SQLITE_OK ? sqlite3_changes(v->db) : 0;
    return src;
}

/* request_outcome - the state after the release ran (its own records say how) */
static void request_outcome(vault *v, long long rid, const char *state)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(v->db, "UPDATE requests SET state = ?2 WHERE rid = ?1", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_bind_int64(st, 1, rid) == SQLITE_OK &&
        sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC) == SQLITE_OK)
        sqlite3_step(st);
    sqlite3_finalize(st);
}

/* request_decide - approve (and release) or deny */
int request_decide(vault *v, const char *ref, int approve, const char *reason,
                   int confirm_virus, long long *rid, char *reply, size_t replylen)
{
    char req[REQUEST_WHO_SIZE], me[REQUEST_WHO_SIZE], why[VAULT_ERR_SIZE] = "";
    const char *action = approve ? "approve" : "deny";
    request_row r = { 0 };
    vault_item it;
    strbuf b = { 0 };
    int code = VAULT_EREFUSED, have_item = 0;
    *rid = 0;
    reply[0] = 0;
    if (request_blank(reason))
        reason = NULL;
    pthread_mutex_lock(&v->lock);
    int rc = request_find(v, ref, rid);
    if (rc == 0)
        rc = request_load(v, *rid, &r);
    if (rc == 0 && (rc = vault_get(v, r.id, &it)) == 0)
        have_item = 1;
    if (rc < 0)
        goto done;
    identity_describe(&r.requester, req, sizeof(req));
    identity_describe(&v->who, me, sizeof(me));
    strbuf_printf(&b, "request=%lld decision=%s requester=%s approver=%s virus=%s",
                  r.rid, action, req, me, it.virus && *it.virus ? it.virus : "-");
    if (!(v->who.roles & IDENTITY_ROLE_APPROVE)) {
        request_no_role(v, IDENTITY_ROLE_APPROVE, why, sizeof(why));
        code = VAULT_EPERM;
    } else if (strcmp(r.state, "pending") != 0) {
        snprintf(why, sizeof(why), "request %lld is %s already", r.rid, r.state);
    } else if (identity_same(&r.requester, &v->who)) {
        snprintf(why, sizeof(why), "request %lld was made by %s: another member of %s must "
                 "decide on it", r.rid, req, request_group(v, IDENTITY_ROLE_APPROVE));
    } else if (reason && strlen(reason) > RELEASE_REASON_MAX) {
        snprintf(why, sizeof(why), "reason too long (at most %d octets)", RELEASE_REASON_MAX);
    } else if (request_reason_bad(reason)) {
        snprintf(why, sizeof(why), "the reason holds control characters (one line of text)");
    } else if (approve && it.virus && *it.virus && (!confirm_virus || !reason)) {
        snprintf(why, sizeof(why), "%s contains the virus %s: approving its release needs "
                 "--confirm-virus and your own --reason", it.id, it.virus);
    }
    if (b.oom) {
        rc = vault_set_error(v, VAULT_ENOMEM, "out of memory");
        goto done;
    }
    if (why[0]) {
        rc = request_refuse(v, code, "decision-refused", it.id, b.s, why);
        goto done;
    }
    int changed = 0, src = vault_db_exec(v->db, "BEGIN IMMEDIATE");
    if (src == SQLITE_OK)
        src = request_set_state(v, r.rid, approve ? "approved" : "denied", reason,
                                approve && confirm_virus, &changed);
    if (src != SQLITE_OK || !changed) {
        rc = src != SQLITE_OK ? vault_sql(v, src, action)
           : vault_set_error(v, VAULT_EREFUSED, "request %lld was decided meanwhile", r.rid);
        vault_db_exec(v->db, "ROLLBACK");
        goto done;
    }
    strbuf_printf(&b, " confirm_virus=%s reason=%s", approve && confirm_virus ? "yes" : "no",
                  reason ? reason : "");
    if (b.oom) {
        vault_db_exec(v->db, "ROLLBACK");
        rc = vault_set_error(v, VAULT_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = request_commit(v, action, it.id, b.s)) < 0 || !approve)
        goto done;
    release_request rq = {
        .id = it.id, .request = r.rid, .requester = &r.requester, .approver = &v->who,
        .reason = r.reason, .approval = reason, .confirm_virus = confirm_virus,
    };
    rc = release_run(v, &rq, reply, replylen);
    request_outcome(v, r.rid, rc == 0 ? "released" : "failed");
done:
    strbuf_free(&b);
    free(r.reason);
    if (have_item)
        vault_item_free(&it);
    pthread_mutex_unlock(&v->lock);
    return rc;
}

/* request_who - "name (uid N)" from columns col (name) and col + 1 (uid, may be NULL) */
static void request_who(sqlite3_stmt *st, int col, char *buf, size_t len)
{
    const char *name = (const char *)sqlite3_column_text(st, col);
    if (sqlite3_column_type(st, col + 1) == SQLITE_NULL)
        snprintf(buf, len, "%s", name ? name : "");
    else
        snprintf(buf, len, "%s (uid %lld)", name ? name : "", sqlite3_column_int64(st, col + 1));
}

/* request_list - the requests, oldest first */
int request_list(vault *v, int pending_only, request_cb cb, void *arg)
{
    static const char sql[] =
        "SELECT rid, id, time, requester, requester_uid, reason, virus, state, approver,"
        " approver_uid, decision_reason FROM requests WHERE (?1 = 0 OR state = 'pending')"
        " ORDER BY rid";
    char req[REQUEST_WHO_SIZE], app[REQUEST_WHO_SIZE];
    sqlite3_stmt *st = NULL;
    pthread_mutex_lock(&v->lock);
    int rc = 0, src = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int(st, 1, pending_only ? 1 : 0);
    while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        request_info ri = { 0 };
        ri.rid = sqlite3_column_int64(st, 0);
        snprintf(ri.id, sizeof(ri.id), "%s", (const char *)sqlite3_column_text(st, 1));
        ri.time = sqlite3_column_int64(st, 2);
        request_who(st, 3, req, sizeof(req));
        ri.requester = req;
        ri.reason = (const char *)sqlite3_column_text(st, 5);
        ri.virus = (const char *)sqlite3_column_text(st, 6);
        ri.state = (const char *)sqlite3_column_text(st, 7);
        if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
            request_who(st, 8, app, sizeof(app));
            ri.approver = app;
        }
        ri.decision_reason = (const char *)sqlite3_column_text(st, 10);
        if (cb && (rc = cb(&ri, arg)) != 0)
            break;
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc == 0 && src != SQLITE_DONE && src != SQLITE_OK)
        rc = vault_sql(v, src, "requests");
    pthread_mutex_unlock(&v->lock);
    return rc;
}
