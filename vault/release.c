/*
 * NAME
 *	release - hand a vaulted original on, as a recorded exception
 * DESCRIPTION
 *	See release.h. The "release-start" audit record is written before
 *	anything is sent, so a release can never happen unrecorded; the
 *	outcome follows as "release" or "release-failed". Each names the
 *	request, the requester and the approver.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sanitizer/strbuf.h"
#include "vault/release.h"
#include "vault/smtp.h"
#include "vault/vault_private.h"

/* release_trim - s without leading and trailing blanks, into buf */
static void release_trim(const char *s, char *buf, size_t len)
{
    while (s && isspace((unsigned char)*s))
        s++;
    snprintf(buf, len, "%s", s ? s : "");
    size_t n = strlen(buf);
    while (n > 0 && isspace((unsigned char)buf[n - 1]))
        buf[--n] = 0;
}

/* release_check - the rules of a release */
int release_check(const vault_item *it, const release_request *rq, char *why, size_t whylen)
{
    char reason[8], approval[8];
    release_trim(rq->reason, reason, sizeof(reason));
    release_trim(rq->approval, approval, sizeof(approval));
    if (!rq->requester || !rq->approver || !*reason)
        snprintf(why, whylen, "a release needs a request with a reason and an approval");
    else if (strlen(rq->reason) > RELEASE_REASON_MAX ||
             (rq->approval && strlen(rq->approval) > RELEASE_REASON_MAX))
        snprintf(why, whylen, "reason too long (at most %d octets)", RELEASE_REASON_MAX);
    else if (identity_same(rq->requester, rq->approver))
        snprintf(why, whylen, "the approver must be another person than the requester (%s)",
                 rq->requester->name);
    else if (!(rq->approver->roles & IDENTITY_ROLE_APPROVE))
        snprintf(why, whylen, "%s may not approve releases", rq->approver->name);
    else if (it->virus && *it->virus && (!rq->confirm_virus || !*approval))
        snprintf(why, whylen, "%s contains the virus %s: releasing it needs the approver's "
                 "explicit confirmation (--confirm-virus) and their own --reason", it->id,
                 it->virus);
    else if (it->nrcpts == 0)
        snprintf(why, whylen, "%s has no recipient to release to", it->id);
    else
        return 0;
    return VAULT_EREFUSED;
}

/* release_detail - request, requester, approver, reasons for the audit */
static char *release_detail(const release_request *rq, const char *extra)
{
    strbuf b = { 0 };
    char req[IDENTITY_NAME_SIZE + 64] = "", app[IDENTITY_NAME_SIZE + 64] = "";
    if (rq->requester)
        identity_describe(rq->requester, req, sizeof(req));
    if (rq->approver)
        identity_describe(rq->approver, app, sizeof(app));
    strbuf_printf(&b, "request=%lld requester=%s approver=%s virus_confirmed=%s reason=%s",
                  rq->request, req, app, rq->confirm_virus ? "yes" : "no",
                  rq->reason ? rq->reason : "");
    if (rq->approval && *rq->approval)
        strbuf_printf(&b, " approval=%s", rq->approval);
    if (extra)
        strbuf_printf(&b, " result=%s", extra);
    if (b.oom) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, NULL);
}

/* release_bind_uid - an identity's uid for the index, or NULL */
static int release_bind_uid(sqlite3_stmt *st, int i, const vault_identity *who)
{
    return who->uid == IDENTITY_UID_NONE ? sqlite3_bind_null(st, i)
                                         : sqlite3_bind_int64(st, i, (long long)who->uid);
}

/* release_record - a row in the releases table; VAULT_E* code */
static int release_record(vault *v, const vault_item *it, const release_request *rq,
                          const char *result)
{
    static const char sql[] =
        "INSERT INTO releases (id, time, actor, requester, approver, reason, forced, result,"
        " request, requester_uid, approver_uid, approval)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, it->id, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 2, (long long)time(NULL));
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 3, v->actor, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 4, rq->requester->name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 5, rq->approver->name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 6, rq->reason, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(st, 7, rq->confirm_virus ? 1 : 0);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 8, result, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 9, rq->request);
    if (rc == SQLITE_OK) rc = release_bind_uid(st, 10, rq->requester);
    if (rc == SQLITE_OK) rc = release_bind_uid(st, 11, rq->approver);
    if (rc == SQLITE_OK) rc = rq->approval ? sqlite3_bind_text(st, 12, rq->approval, -1, SQLITE_STATIC)
                                           : sqlite3_bind_null(st, 12);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : vault_sql(v, rc, "release record");
}

/* release_run - check, record, send, record */
int release_run(vault *v, const release_request *rq, char *reply, size_t replylen)
{
    vault_item it;
    char why[VAULT_ERR_SIZE], err[VAULT_ERR_SIZE], host[256], hdr[64], result[VAULT_ERR_SIZE + 64];
    char *detail = NULL;
    int fd = -1;
    reply[0] = 0;
    pthread_mutex_lock(&v->lock);
    int rc = vault_get(v, rq->id, &it);
    if (rc < 0) {
        pthread_mutex_unlock(&v->lock);
        return rc;
    }
    if ((rc = release_check(&it, rq, why, sizeof(why))) < 0) {
        detail = release_detail(rq, why);
        if (vault_audit_locked(v, "release-refused", it.id, detail ? detail : why) < 0)
            rc = VAULT_EFAIL;
        else
            rc = vault_set_error(v, VAULT_EREFUSED, "%s", why);
        goto done;
    }
    if (!(detail = release_detail(rq, NULL))) {
        rc = vault_set_error(v, VAULT_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = vault_audit_locked(v, "release-start", it.id, detail)) < 0)
        goto done;
    if ((fd = vault_open_file(v, &it, VAULT_FILE_ORIGINAL)) < 0) {
        rc = fd;
        snprintf(result, sizeof(result), "failed: %s", v->err);
        goto record;
    }
    if (gethostname(host, sizeof(host)) < 0 || !*host)
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = 0;
    snprintf(hdr, sizeof(hdr), "X-Mugai-Released: %s", it.id);
    smtp_target t = {
        .host = v->cfg.release_host, .port = v->cfg.release_port,
        .timeout_ms = v->cfg.release_timeout_ms, .helo = host,
        .tls = { .cert = v->cfg.release_tls_cert, .key = v->cfg.release_tls_key,
                 .ca = v->cfg.release_tls_ca },
    };
    if (smtp_send(&t, it.sender, (const char *const *)it.rcpts, it.nrcpts, hdr, fd,
                  reply, replylen, err, sizeof(err)) < 0) {
        rc = vault_set_error(v, VAULT_EFAIL, "%s: not released: %s", it.id, err);
        snprintf(result, sizeof(result), "failed: %s", err);
    } else {
        rc = 0;
        snprintf(result, sizeof(result), "sent: %s", reply);
    }
record:
    {
        char keep[VAULT_ERR_SIZE];
        snprintf(keep, sizeof(keep), "%s", v->err);
        free(detail);
        detail = release_detail(rq, result);
        int r1 = release_record(v, &it, rq, result);
        int r2 = vault_audit_locked(v, rc == 0 ? "release" : "release-failed", it.id,
                                    detail ? detail : result);
        if (rc == 0 && (r1 < 0 || r2 < 0))
            rc = vault_set_error(v, VAULT_EFAIL, "%s was sent (%s) but its record failed: %s",
                                 it.id, reply, v->err);
        else if (rc < 0)
            snprintf(v->err, sizeof(v->err), "%s", keep);
    }
done:
    if (fd >= 0)
        close(fd);
    free(detail);
    vault_item_free(&it);
    pthread_mutex_unlock(&v->lock);
    return rc;
}
