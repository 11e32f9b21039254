/*
 * NAME
 *	vault - originals kept on the internet side, with their report
 * DESCRIPTION
 *	The handle: settings, permission checks, the index connection, and
 *	the read side (get, list, files). Storing is in vault_store.c and
 *	disposal in vault_purge.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include "vault/audit.h"
#include "vault/vault_db.h"
#include "vault/vault_file.h"
#include "vault/vault_id.h"
#include "vault/vault_perm.h"
#include "vault/vault_private.h"

/* vault_config_defaults - the defaults of every [vault] setting */
void vault_config_defaults(vault_config *c)
{
    c->dir = VAULT_DIR_DEFAULT;
    c->group = VAULT_GROUP_DEFAULT;
    c->owner = VAULT_OWNER_DEFAULT;
    c->requester_group = VAULT_REQUESTER_GROUP_DEFAULT;
    c->approver_group = VAULT_APPROVER_GROUP_DEFAULT;
    c->audit_log = VAULT_AUDIT_LOG_DEFAULT;
    c->retention_days = VAULT_RETENTION_DAYS_DEFAULT;
    c->release_host = VAULT_RELEASE_HOST_DEFAULT;
    c->release_port = VAULT_RELEASE_PORT_DEFAULT;
    c->release_timeout_ms = VAULT_RELEASE_TIMEOUT_DEFAULT;
    c->release_tls_cert = VAULT_RELEASE_TLS_CERT_DEFAULT;
    c->release_tls_key = VAULT_RELEASE_TLS_KEY_DEFAULT;
    c->release_tls_ca = VAULT_RELEASE_TLS_CA_DEFAULT;
    c->busy_timeout_ms = VAULT_BUSY_TIMEOUT_DEFAULT;
}

/* vault_config_check - ranges and paths (relative ones are from the working directory, as in the config file) */
int vault_config_check(const vault_config *c, char *err, size_t errlen)
{
    if (!c->dir || !*c->dir || strlen(c->dir) > VAULT_PATH_SIZE - 64)
        snprintf(err, errlen, "vault dir must be a path");
    else if (!c->audit_log || !*c->audit_log || strlen(c->audit_log) > VAULT_PATH_SIZE - 64)
        snprintf(err, errlen, "vault audit_log must be a path");
    else if (!c->group || !*c->group)
        snprintf(err, errlen, "vault group must be set");
    else if (!c->approver_group || !*c->approver_group)
        snprintf(err, errlen, "vault approver_group must be set");
    else if (c->retention_days < VAULT_RETENTION_DAYS_MIN || c->retention_days > VAULT_RETENTION_DAYS_MAX)
        snprintf(err, errlen, "vault retention must be %d..%d days", VAULT_RETENTION_DAYS_MIN,
                 VAULT_RETENTION_DAYS_MAX);
    else if (!c->release_host || !*c->release_host)
        snprintf(err, errlen, "vault release_host must be set");
    else if (c->release_port < VAULT_RELEASE_PORT_MIN || c->release_port > VAULT_RELEASE_PORT_MAX)
        snprintf(err, errlen, "vault release_port must be %d..%d", VAULT_RELEASE_PORT_MIN,
                 VAULT_RELEASE_PORT_MAX);
    else if (c->release_timeout_ms < VAULT_RELEASE_TIMEOUT_MIN ||
             c->release_timeout_ms > VAULT_RELEASE_TIMEOUT_MAX)
        snprintf(err, errlen, "vault release_timeout must be %d..%d ms",
                 VAULT_RELEASE_TIMEOUT_MIN, VAULT_RELEASE_TIMEOUT_MAX);
    else if (!c->release_tls_cert || !*c->release_tls_cert || !c->release_tls_key ||
             !*c->release_tls_key || !c->release_tls_ca || !*c->release_tls_ca)
        snprintf(err, errlen, "vault release_tls_cert, release_tls_key and release_tls_ca "
                 "must be set: releases go only over TLS with a client certificate");
    else if (c->busy_timeout_ms < VAULT_BUSY_TIMEOUT_MIN || c->busy_timeout_ms > VAULT_BUSY_TIMEOUT_MAX)
        snprintf(err, errlen, "vault busy_timeout must be %d..%d ms", VAULT_BUSY_TIMEOUT_MIN,
                 VAULT_BUSY_TIMEOUT_MAX);
    else
        return 0;
    return -1;
}

/* vault_set_error - one error line in v */
int vault_set_error(vault *v, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->err, sizeof(v->err), fmt, ap);
    va_end(ap);
    return code;
}

/* vault_sql - SQLite failure as a VAULT_E* code, message in v */
int vault_sql(vault *v, int rc, const char *what)
{
    return vault_db_error(v->db, rc, v->dbpath, what, v->cfg.busy_timeout_ms,
                          v->err, sizeof(v->err));
}

/* vault_mkdirs - create dir and missing parents; the last gets mode and gid */
static int vault_mkdirs(const char *dir, mode_t mode, gid_t gid)
{
    char p[VAULT_PATH_SIZE];
    snprintf(p, sizeof(p), "%s", dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0755) < 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return vault_file_mkdir(p, mode, gid);
}

/* vault_prepare_dir - dir (and missing parents) for uid:gid, if missing */
static int vault_prepare_dir(const char *dir, uid_t uid, gid_t gid, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(dir, &st) == 0)
        return 0;	/* vault_open judges what is there */
    if (errno != ENOENT || vault_mkdirs(dir, 02750, gid) < 0 || chown(dir, uid, gid) < 0) {
        snprintf(err, errlen, "cannot create %s for the vault's owner: %s", dir, strerror(errno));
        return VAULT_EFAIL;
    }
    return 0;
}

/* vault_prepare - as root, what the unprivileged owner cannot create itself */
int vault_prepare(const vault_config *c, uid_t uid, char *err, size_t errlen)
{
    uid_t owner;
    gid_t gid;
    if (geteuid() != 0)
        return 0;
    if (vault_config_check(c, err, errlen) < 0)
        return VAULT_EFAIL;
    int rc = vault_perm_resolve(c, &owner, &gid, err, errlen);
    if (rc < 0)
        return rc;
    if (!c->owner || !*c->owner)
        owner = uid;
    if ((rc = vault_prepare_dir(c->dir, owner, gid, err, errlen)) < 0)
        return rc;
    char logdir[VAULT_PATH_SIZE];
    snprintf(logdir, sizeof(logdir), "%s", c->audit_log);
    char *slash = strrchr(logdir, '/');
    if (slash && slash != logdir) {
        *slash = 0;
        if ((rc = vault_prepare_dir(logdir, owner, gid, err, errlen)) < 0)
            return rc;
    }
    /* The log's directory may be root's (/var/log/mugai): the file need not. */
    int fd = open(c->audit_log, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create audit log %s: %s", c->audit_log, strerror(errno));
        return VAULT_EFAIL;
    }
    if (fd >= 0) {
        rc = fchown(fd, owner, gid);
        close(fd);
        if (rc < 0) {
            snprintf(err, errlen, "cannot give audit log %s to the vault's owner: %s",
                     c->audit_log, strerror(errno));
            return VAULT_EFAIL;
        }
    }
    return 0;
}

/* vault_meta_get - the meta value of key into buf ("" when none); SQLite code */
static int vault_meta_get(vault *v, const char *key, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    buf[0] = 0;
    int rc = sqlite3_prepare_v2(v->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(buf, len, "%s", t ? (const char *)t : "");
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* vault_meta_pin - the meta value of key into out; when there is none and
 *	want is given, want is recorded first (the first writer wins) */
static int vault_meta_pin(vault *v, const char *key, const char *want, char *out, size_t len)
{
    int rc = vault_meta_get(v, key, out, len);
    if (rc != SQLITE_OK || out[0] || !want)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(v->db, "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
                            -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 2, want, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(v->db);
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)	/* another process may have been first */
        rc = vault_meta_get(v, key, out, len);
    return rc;
}

/*
 * vault_groups - the requesters' and approvers' groups: recorded in the
 *	index by the first open (unless verify, which records nothing), as
 *	the audit log is, and from then on taken from there, so that a
 *	configuration root owns but a caller picked under sudo cannot make
 *	the caller an approver. v->cfg's group names point to the record.
 */
static int vault_groups(vault *v, int record, char *err, size_t errlen)
{
    const char *req = *v->cfg.requester_group ? v->cfg.requester_group : v->cfg.group;
    const char *appr = v->cfg.approver_group;
    if (strlen(req) >= VAULT_GROUP_SIZE || strlen(appr) >= VAULT_GROUP_SIZE) {
        snprintf(err, errlen, "vault group name too long");
        return VAULT_EFAIL;
    }
    int rc = vault_meta_pin(v, "requester_group", record ? req : NULL, v->req_group,
                            sizeof(v->req_group));
    if (rc == SQLITE_OK)
        rc = vault_meta_pin(v, "approver_group", record ? appr : NULL, v->appr_group,
                            sizeof(v->appr_group));
    if (rc != SQLITE_OK)
        return vault_db_error(v->db, rc, v->dbpath, "group record", v->cfg.busy_timeout_ms,
                              err, errlen);
    if (!v->req_group[0])	/* verify of a vault that has none recorded */
        snprintf(v->req_group, sizeof(v->req_group), "%s", req);
    if (!v->appr_group[0])
        snprintf(v->appr_group, sizeof(v->appr_group), "%s", appr);
    v->cfg.requester_group = v->req_group;
    v->cfg.approver_group = v->appr_group;
    return 0;
}

/*
 * vault_audit_path - the audit log the vault writes to. The first open
 *	records the configured path (made absolute) in the index; from then
 *	on that record decides, so no option, configuration or environment
 *	of a later command can send the vault's records elsewhere.
 */
static int vault_audit_path(vault *v, char *err, size_t errlen)
{
    char want[2 * VAULT_PATH_SIZE + 2], cwd[VAULT_PATH_SIZE];
    int rc = vault_meta_get(v, "audit_log", v->audit_path, sizeof(v->audit_path));
    want[0] = 0;
    if (rc == SQLITE_OK && !v->audit_path[0]) {
        if (v->cfg.audit_log[0] == '/')
            snprintf(want, sizeof(want), "%s", v->cfg.audit_log);
        else if (getcwd(cwd, sizeof(cwd)))
            snprintf(want, sizeof(want), "%s/%s", cwd, v->cfg.audit_log);
        if (strlen(want) >= sizeof(v->audit_path) || !*want) {
            snprintf(err, errlen, "audit log path %s too long", v->cfg.audit_log);
            return VAULT_EFAIL;
        }
        rc = vault_meta_pin(v, "audit_log", want, v->audit_path, sizeof(v->audit_path));
    }
    if (rc != SQLITE_OK)
        return vault_db_error(v->db, rc, v->dbpath, "audit log record", v->cfg.busy_timeout_ms,
                              err, errlen);
    return 0;
}

/*
 * vault_key_load - read the audit key LOG.key (0600, the owner's; beside
 *	the chain it authenticates, so vaults that share a log share its
 *	key), or create it when missing unless create is 0 (then has_key
 *	stays 0); 1 when created, 0 when read or missing, or a VAULT_E* code
 */
static int vault_key_load(vault *v, int create, char *err, size_t errlen)
{
    if (strlen(v->audit_path) + 5 > sizeof(v->keypath)) {
        snprintf(err, errlen, "audit log path %s too long", v->audit_path);
        return VAULT_EFAIL;
    }
    memcpy(v->keypath, v->audit_path, strlen(v->audit_path));
    memcpy(v->keypath + strlen(v->audit_path), ".key", 5);
    for (int tries = 0; tries < 2; tries++) {
        int fd = open(v->keypath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            int rc = vault_perm_check_fd(fd, v->keypath, v->owner, S_IRWXG | S_IRWXO | S_IXUSR,
                                         err, errlen);
            ssize_t n = rc < 0 ? 0 : read(fd, v->key, sizeof(v->key));
            close(fd);
            if (rc < 0)
                return rc;
            if (n != (ssize_t)sizeof(v->key)) {
                snprintf(err, errlen, "audit key %s is damaged (%zd octets)", v->keypath, n);
                return VAULT_ECORRUPT;
            }
            v->has_key = 1;
            return 0;
        }
        if (errno != ENOENT) {
            snprintf(err, errlen, "audit key %s: %s", v->keypath, strerror(errno));
            return VAULT_EPERM;
        }
        if (!create)
            return 0;
        fd = open(v->keypath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST)
            continue;	/* another process was first */
        if (fd < 0) {
            snprintf(err, errlen, "cannot create audit key %s: %s", v->keypath, strerror(errno));
            return VAULT_EFAIL;
        }
        int ok = getrandom(v->key, sizeof(v->key), 0) == (ssize_t)sizeof(v->key) &&
                 (geteuid() != 0 || fchown(fd, v->owner, (gid_t)-1) == 0) &&
                 vault_file_write_all(fd, v->key, sizeof(v->key)) == 0 && fsync(fd) == 0;
        close(fd);
        if (!ok) {
            snprintf(err, errlen, "cannot write audit key %s: %s", v->keypath, strerror(errno));
            unlink(v->keypath);
            return VAULT_EFAIL;
        }
        v->has_key = 1;
        return 1;
    }
    snprintf(err, errlen, "audit key %s keeps changing", v->keypath);
    return VAULT_EFAIL;
}

/* vault_open - permission checks, then the index */
int vault_open(const vault_config *c, int flags, vault **out, char *err, size_t errlen)
{
    *out = NULL;
    if (vault_config_check(c, err, errlen) < 0)
        return VAULT_EFAIL;
    vault *v = calloc(1, sizeof(*v));
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return VAULT_ENOMEM;
    }
    v->cfg = *c;
    pthread_mutexattr_t ma;
    if (pthread_mutexattr_init(&ma) != 0 ||
        pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE) != 0 ||
        pthread_mutex_init(&v->lock, &ma) != 0) {
        snprintf(err, errlen, "cannot create the vault lock");
        free(v);
        return VAULT_EFAIL;
    }
    pthread_mutexattr_destroy(&ma);
    int rc = vault_perm_resolve(c, &v->owner, &v->gid, err, errlen);
    if (rc < 0)
        goto fail;
    const mode_t dir_forbidden = S_IRWXO | S_IWGRP;
    rc = vault_perm_check_path(c->dir, 1, v->owner, v->gid, dir_forbidden, err, errlen);
    if (rc == VAULT_ENOTFOUND && (flags & VAULT_OPEN_CREATE)) {
        if (vault_mkdirs(c->dir, 02750, v->gid) < 0) {
            snprintf(err, errlen, "cannot create vault directory %s: %s", c->dir, strerror(errno));
            rc = VAULT_EFAIL;
            goto fail;
        }
        rc = vault_perm_check_path(c->dir, 1, v->owner, v->gid, dir_forbidden, err, errlen);
    } else if (rc == VAULT_ENOTFOUND) {
        snprintf(err, errlen, "no vault at %s (the gateway creates it on first use)", c->dir);
    }
    if (rc < 0)
        goto fail;

    if (flags & VAULT_OPEN_CREATE) {
        char logdir[VAULT_PATH_SIZE];
        snprintf(logdir, sizeof(logdir), "%s", c->audit_log);
        char *slash = strrchr(logdir, '/');
        if (slash && slash != logdir) {
            *slash = 0;
            struct stat lst;
            if (lstat(logdir, &lst) < 0 && vault_mkdirs(logdir, 02750, v->gid) < 0) {
                snprintf(err, errlen, "cannot create audit log directory %s: %s", logdir,
                         strerror(errno));
                rc = VAULT_EFAIL;
                goto fail;
            }
        }
    }
    snprintf(v->dbpath, sizeof(v->dbpath), "%s/index.sqlite", c->dir);
    rc = vault_perm_check_path(v->dbpath, 0, v->owner, (gid_t)-1, S_IRWXG | S_IRWXO | S_IXUSR,
                               err, errlen);
    if (rc == VAULT_ENOTFOUND && (flags & VAULT_OPEN_CREATE)) {
        /* Create it 0600 ourselves: SQLite would use 0644 minus the umask. */
        int fd = open(v->dbpath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create vault index %s: %s", v->dbpath, strerror(errno));
            rc = VAULT_EFAIL;
            goto fail;
        }
        if (fd >= 0)
            close(fd);
        rc = vault_perm_check_path(v->dbpath, 0, v->owner, (gid_t)-1,
                                   S_IRWXG | S_IRWXO | S_IXUSR, err, errlen);
    } else if (rc == VAULT_ENOTFOUND) {
        snprintf(err, errlen, "no vault index %s", v->dbpath);
    }
    if (rc < 0)
        goto fail;
    rc = vault_db_open(v->dbpath, c->busy_timeout_ms, flags & VAULT_OPEN_CREATE, &v->db,
                       err, errlen);
    if (rc < 0)
        goto fail;
    if ((rc = vault_audit_path(v, err, errlen)) < 0)
        goto fail_db;
    rc = vault_perm_check_path(v->audit_path, 0, v->owner, (gid_t)-1,
                               S_IWGRP | S_IRWXO | S_IXUSR | S_IXGRP, err, errlen);
    if (rc == VAULT_ENOTFOUND)
        rc = 0;		/* created by the first append */
    if (rc < 0)
        goto fail_db;
    if ((rc = vault_groups(v, !(flags & VAULT_OPEN_VERIFY), err, errlen)) < 0)
        goto fail_db;
    identity_from_system(&v->who, v->owner);
    identity_roles(&v->who, v->req_group, v->appr_group);
    snprintf(v->actor, sizeof(v->actor), "%s", v->who.name);
    v->uid = v->who.uid;
    int created = vault_key_load(v, !(flags & VAULT_OPEN_VERIFY), err, errlen);
    if (created < 0) {
        rc = created;
        goto fail_db;
    }
    if (created && vault_audit_locked(v, "audit-key", "", "audit key created: the chain's "
                                      "head is authenticated from here on") < 0) {
        snprintf(err, errlen, "%s", v->err);
        rc = VAULT_EFAIL;
        goto fail_db;
    }
    *out = v;
    return 0;
fail_db:
    sqlite3_close(v->db);
fail:
    pthread_mutex_destroy(&v->lock);
    free(v);
    return rc;
}

/* vault_close - close the index and free the handle */
void vault_close(vault *v)
{
    if (!v)
        return;
    sqlite3_close(v->db);
    pthread_mutex_destroy(&v->lock);
    free(v);
}

/* vault_error - the last error line */
const char *vault_error(const vault *v)
{
    return v->err;
}

/* vault_actor - who acts through v */
const char *vault_actor(const vault *v)
{
    return v->actor;
}

/* vault_identity_of - who acts through v */
const vault_identity *vault_identity_of(const vault *v)
{
    return &v->who;
}

/* vault_set_identity - act for a console account */
int vault_set_identity(vault *v, const vault_identity *id)
{
    pthread_mutex_lock(&v->lock);
    int rc = 0;
    if (id->kind == IDENTITY_SYSTEM && !identity_same(id, &v->who)) {
        rc = vault_set_error(v, VAULT_EPERM, "a system identity comes from the process, "
                             "not from its caller");
    } else {
        v->who = *id;
        if (id->kind == IDENTITY_CONSOLE)
            snprintf(v->actor, sizeof(v->actor), "console:%s", id->name);
        v->uid = id->uid;
    }
    pthread_mutex_unlock(&v->lock);
    return rc;
}

/* vault_audit_log - the recorded audit log */
const char *vault_audit_log(const vault *v)
{
    return v->audit_path;
}

/* vault_audit_key - the audit key, if readable */
const unsigned char *vault_audit_key(const vault *v)
{
    return v->has_key ? v->key : NULL;
}

/* vault_config_of - the settings v was opened with */
const vault_config *vault_config_of(const vault *v)
{
    return &v->cfg;
}

/* vault_dup_col - strdup of a text column, NULL for NULL; *oom on failure */
static char *vault_dup_col(sqlite3_stmt *st, int col, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    char *s = strdup((const char *)t);
    if (!s)
        *oom = 1;
    return s;
}

/* vault_rcpts - the recipients of item it */
static int vault_rcpts(vault *v, vault_item *it)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(v->db, "SELECT rcpt FROM recipients WHERE id = ?1 ORDER BY rowid",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return vault_sql(v, rc, "recipients");
    if ((rc = sqlite3_bind_text(st, 1, it->id, -1, SQLITE_STATIC)) != SQLITE_OK) {
        sqlite3_finalize(st);
        return vault_sql(v, rc, "recipients");
    }
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (it->nrcpts == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            char **n = realloc(it->rcpts, ncap * sizeof(*n));
            if (!n) {
                sqlite3_finalize(st);
                return vault_set_error(v, VAULT_ENOMEM, "out of memory");
            }
            it->rcpts = n;
            cap = ncap;
        }
        int oom = 0;
        char *r = vault_dup_col(st, 0, &oom);
        if (oom || !r) {
            sqlite3_finalize(st);
            return vault_set_error(v, VAULT_ENOMEM, "out of memory");
        }
        it->rcpts[it->nrcpts++] = r;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : vault_sql(v, rc, "recipients");
}

/* vault_row_item - one item from a row of VAULT_ITEM_COLUMNS */
int vault_row_item(vault *v, sqlite3_stmt *st, vault_item *it)
{
    int oom = 0;
    memset(it, 0, sizeof(*it));
    const unsigned char *id = sqlite3_column_text(st, 0);
    const unsigned char *sha = sqlite3_column_text(st, 10);
    snprintf(it->id, sizeof(it->id), "%s", id ? (const char *)id : "");
    it->received = sqlite3_column_int64(st, 1);
    it->retain_until = sqlite3_column_int64(st, 2);
    it->sender = vault_dup_col(st, 3, &oom);
    it->subject = vault_dup_col(st, 4, &oom);
    it->message_id = vault_dup_col(st, 5, &oom);
    it->verdict = vault_dup_col(st, 6, &oom);
    it->reason = vault_dup_col(st, 7, &oom);
    it->virus = vault_dup_col(st, 8, &oom);
    it->queue_id = vault_dup_col(st, 9, &oom);
    snprintf(it->sha256, sizeof(it->sha256), "%s", sha ? (const char *)sha : "");
    it->size = (unsigned long long)sqlite3_column_int64(st, 11);
    if (oom) {
        vault_item_free(it);
        return vault_set_error(v, VAULT_ENOMEM, "out of memory");
    }
    int rc = vault_rcpts(v, it);
    if (rc < 0)
        vault_item_free(it);
    return rc;
}

/* vault_item_free - release an item's strings */
void vault_item_free(vault_item *it)
{
    if (!it)
        return;
    free(it->sender);
    for (size_t i = 0; i < it->nrcpts; i++)
        free(it->rcpts[i]);
    free(it->rcpts);
    free(it->subject);
    free(it->message_id);
    free(it->verdict);
    free(it->reason);
    free(it->virus);
    free(it->queue_id);
    memset(it, 0, sizeof(*it));
}

/* vault_get - one item by ID */
int vault_get(vault *v, const char *id, vault_item *out)
{
    char norm[VAULT_ID_SIZE];
    memset(out, 0, sizeof(*out));
    if (vault_id_parse(id, norm) < 0)
        return vault_set_error(v, VAULT_ENOTFOUND, "'%.40s' is not a vault ID "
                               "(expected YYYYMMDD-XXXXXXXX)", id);
    pthread_mutex_lock(&v->lock);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(v->db, "SELECT " VAULT_ITEM_COLUMNS " FROM items WHERE id = ?1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) {
        rc = vault_sql(v, rc, "get");
        goto done;
    }
    if ((rc = sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC)) != SQLITE_OK) {
        rc = vault_sql(v, rc, "get");
        goto done;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = vault_row_item(v, st, out);
    else if (rc == SQLITE_DONE)
        rc = vault_set_error(v, VAULT_ENOTFOUND, "no item %s in the vault "
                             "(never stored, or purged)", norm);
    else
        rc = vault_sql(v, rc, "get");
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&v->lock);
    return rc;
}

/* vault_bind_opt - bind text or NULL */
static int vault_bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    return (s && *s) ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* vault_list - the items matching f, newest first */
int vault_list(vault *v, const vault_filter *f, vault_item_cb cb, void *arg)
{
    static const char sql[] =
        "SELECT " VAULT_ITEM_COLUMNS " FROM items"
        " WHERE (?1 IS NULL OR received >= ?1)"
        " AND (?2 IS NULL OR received < ?2)"
        " AND (?3 IS NULL OR instr(lower(sender), lower(?3)) > 0)"
        " AND (?4 IS NULL OR EXISTS (SELECT 1 FROM recipients r WHERE r.id = items.id"
        "      AND instr(lower(r.rcpt), lower(?4)) > 0))"
        " AND (?5 IS NULL OR verdict = ?5)"
        " AND (?6 IS NULL OR (virus IS NOT NULL AND virus <> ''"
        "      AND (?6 = '*' OR instr(lower(virus), lower(?6)) > 0)))"
        " ORDER BY received DESC, id";
    vault_filter none = { 0 };
    if (!f)
        f = &none;
    pthread_mutex_lock(&v->lock);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(v->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = f->since ? sqlite3_bind_int64(st, 1, f->since) : sqlite3_bind_null(st, 1);
    if (rc == SQLITE_OK)
        rc = f->until ? sqlite3_bind_int64(st, 2, f->until) : sqlite3_bind_null(st, 2);
    if (rc == SQLITE_OK)
        rc = vault_bind_opt(st, 3, f->sender);
    if (rc == SQLITE_OK)
        rc = vault_bind_opt(st, 4, f->rcpt);
    if (rc == SQLITE_OK)
        rc = vault_bind_opt(st, 5, f->verdict);
    if (rc == SQLITE_OK)
        rc = vault_bind_opt(st, 6, f->virus);
    if (rc != SQLITE_OK) {
        rc = vault_sql(v, rc, "list");
        goto done;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vault_item it;
        if ((rc = vault_row_item(v, st, &it)) < 0)
            goto done;
        int stop = cb ? cb(&it, arg) : 0;
        vault_item_free(&it);
        if (stop) {
            rc = stop;
            goto done;
        }
    }
    rc = rc == SQLITE_DONE ? 0 : vault_sql(v, rc, "list");
done:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&v->lock);
    return rc;
}

/* vault_path - DIR/YYYYMMDD/ID.eml or .json */
int vault_path(const vault *v, const char *id, int which, char *buf, size_t len)
{
    if (strlen(id) != VAULT_ID_SIZE - 1)
        return VAULT_EFAIL;
    int n = snprintf(buf, len, "%s/%.8s/%s.%s", v->cfg.dir, id, id,
                     which == VAULT_FILE_REPORT ? "json" : "eml");
    return (n < 0 || (size_t)n >= len) ? VAULT_EFAIL : 0;
}

/* vault_open_file - open a stored file, checked */
int vault_open_file(vault *v, const vault_item *it, int which)
{
    char path[VAULT_PATH_SIZE];
    if (vault_path(v, it->id, which, path, sizeof(path)) < 0)
        return vault_set_error(v, VAULT_EFAIL, "bad vault ID %s", it->id);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return vault_set_error(v, errno == ENOENT ? VAULT_ECORRUPT : VAULT_EFAIL,
                               "%s: %s%s", path, strerror(errno),
                               errno == ENOENT ? " (indexed but missing from the vault)" : "");
    int rc = vault_perm_check_fd(fd, path, v->owner, S_IRWXG | S_IRWXO | S_IXUSR,
                                 v->err, sizeof(v->err));
    if (rc < 0) {
        close(fd);
        return rc;
    }
    if (which == VAULT_FILE_ORIGINAL) {
        char sha[65];
        unsigned long long size;
        if (vault_file_copy(fd, -1, sha, &size) < 0) {
            rc = vault_set_error(v, VAULT_EFAIL, "%s: %s", path, strerror(errno));
            close(fd);
            return rc;
        }
        if (strcmp(sha, it->sha256) != 0 || size != it->size) {
            close(fd);
            return vault_set_error(v, VAULT_ECORRUPT, "%s does not match the index "
                                   "(SHA-256 %s, %llu octets; indexed %s, %llu): altered",
                                   path, sha, size, it->sha256, it->size);
        }
    }
    return fd;
}

/* vault_audit_locked - one audit record by v's actor */
int vault_audit_locked(vault *v, const char *action, const char *id, const char *detail)
{
    if (audit_append(v->audit_path, v->gid, vault_audit_key(v), v->actor, (unsigned long)v->uid,
                     action, id, detail, v->cfg.busy_timeout_ms, v->err, sizeof(v->err)) < 0)
        return VAULT_EFAIL;
    return 0;
}

/* vault_audit - one audit record by v's actor */
int vault_audit(vault *v, const char *action, const char *id, const char *detail)
{
    pthread_mutex_lock(&v->lock);
    int rc = vault_audit_locked(v, action, id, detail);
    pthread_mutex_unlock(&v->lock);
    return rc;
}
