/*
 * NAME
 *	vault_db - the vault's SQLite index: open, schema, error mapping
 * DESCRIPTION
 *	See vault_db.h. Schema: items (one row per stored original),
 *	recipients, releases (the exception record of each release),
 *	requests (who asked for a release, why, and who decided), purges
 *	(the disposal record of each purged item) and meta (the schema
 *	version and the audit log the vault writes to). A vault of an older
 *	schema is brought up to date when opened, in one transaction.
 */
#include <stdio.h>
#include <string.h>
#include "vault/vault.h"
#include "vault/vault_db.h"

static const char *const vault_db_schema[] = {
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE items ("
    " id TEXT PRIMARY KEY,"
    " received INTEGER NOT NULL,"
    " retain_until INTEGER NOT NULL,"
    " sender TEXT NOT NULL,"
    " subject TEXT,"
    " message_id TEXT,"
    " verdict TEXT NOT NULL,"
    " reason TEXT,"
    " virus TEXT,"
    " queue_id TEXT,"
    " sha256 TEXT NOT NULL,"
    " size INTEGER NOT NULL)",
    "CREATE INDEX items_received ON items(received)",
    "CREATE TABLE recipients ("
    " id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
    " rcpt TEXT NOT NULL)",
    "CREATE INDEX recipients_id ON recipients(id)",
    "CREATE TABLE releases ("
    " id TEXT NOT NULL,"
    " time INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " requester TEXT NOT NULL,"
    " approver TEXT NOT NULL,"
    " reason TEXT NOT NULL,"
    " forced INTEGER NOT NULL,"
    " result TEXT NOT NULL)",
    "CREATE TABLE purges ("
    " id TEXT NOT NULL,"
    " time INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " reason TEXT NOT NULL,"
    " received INTEGER NOT NULL,"
    " verdict TEXT NOT NULL,"
    " virus TEXT,"
    " sha256 TEXT NOT NULL,"
    " size INTEGER NOT NULL)",
    "INSERT INTO meta (key, value) VALUES ('schema', '1')",
};

/* From schema 1 to 2: release requests and decisions by two identified people. */
static const char *const vault_db_v2[] = {
    "CREATE TABLE requests ("
    " rid INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL,"
    " time INTEGER NOT NULL,"
    " requester TEXT NOT NULL,"
    " requester_uid INTEGER,"
    " requester_kind TEXT NOT NULL,"
    " reason TEXT NOT NULL,"
    " virus TEXT,"
    " state TEXT NOT NULL,"	/* pending, approved, denied, released, failed */
    " decided INTEGER,"
    " approver TEXT,"
    " approver_uid INTEGER,"
    " approver_kind TEXT,"
    " decision_reason TEXT,"
    " confirm_virus INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX requests_id ON requests(id)",
    "ALTER TABLE releases ADD COLUMN request INTEGER",
    "ALTER TABLE releases ADD COLUMN requester_uid INTEGER",
    "ALTER TABLE releases ADD COLUMN approver_uid INTEGER",
    "ALTER TABLE releases ADD COLUMN approval TEXT",
    "UPDATE meta SET value = '2' WHERE key = 'schema'",
};

/* vault_db_error - map an SQLite failure to a VAULT_E* code and a line */
int vault_db_error(sqlite3 *db, int rc, const char *path, const char *what,
                   unsigned busy_ms, char *err, size_t errlen)
{
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        snprintf(err, errlen, "vault index %s is locked by another process "
                 "(%s: waited %u ms): try again later", path, what, busy_ms);
        return VAULT_EBUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        snprintf(err, errlen, "vault index %s is corrupt (%s: %s): "
                 "restore it from a backup", path, what, msg);
        return VAULT_ECORRUPT;
    case SQLITE_FULL:
        snprintf(err, errlen, "vault disk full: %s (%s: %s)", path, what, msg);
        return VAULT_ENOSPC;
    case SQLITE_NOMEM:
        snprintf(err, errlen, "out of memory (%s)", what);
        return VAULT_ENOMEM;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        snprintf(err, errlen, "vault index %s is not writable (%s: %s)", path, what, msg);
        return VAULT_EPERM;
    default:
        snprintf(err, errlen, "vault index %s: %s: %s", path, what, msg);
        return VAULT_EFAIL;
    }
}

/* vault_db_exec - one constant statement without rows */
int vault_db_exec(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    do
        rc = sqlite3_step(st);
    while (rc == SQLITE_ROW);
    int frc = sqlite3_finalize(st);
    return rc == SQLITE_DONE ? frc : rc;
}

/* vault_db_text - run a constant one-row query; copy column 0 into buf */
static int vault_db_text(sqlite3 *db, const char *sql, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(buf, len, "%s", t ? (const char *)t : "");
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        buf[0] = 0;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* vault_db_has_schema - 1 if the meta table exists, 0 if not, <0 SQLite error */
static int vault_db_has_schema(sqlite3 *db, int *src)
{
    char name[64];
    *src = vault_db_text(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'meta'",
                         name, sizeof(name));
    if (*src != SQLITE_OK)
        return -1;
    return name[0] != 0;
}

/* vault_db_run - each statement of a list; SQLite code */
static int vault_db_run(sqlite3 *db, const char *const *sql, size_t n)
{
    int rc = SQLITE_OK;
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
        rc = vault_db_exec(db, sql[i]);
    return rc;
}

/* vault_db_upgrade - bring schema 1 to 2 in one transaction */
static int vault_db_upgrade(sqlite3 *db)
{
    char ver[16];
    int rc = vault_db_exec(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return rc;
    rc = vault_db_text(db, "SELECT value FROM meta WHERE key = 'schema'", ver, sizeof(ver));
    /* Another process may have upgraded it while we waited for the lock. */
    if (rc == SQLITE_OK && strcmp(ver, "1") == 0)
        rc = vault_db_run(db, vault_db_v2, sizeof(vault_db_v2) / sizeof(vault_db_v2[0]));
    if (rc != SQLITE_OK) {
        vault_db_exec(db, "ROLLBACK");
        return rc;
    }
    return vault_db_exec(db, "COMMIT");
}

/* vault_db_install - create the schema in one transaction */
static int vault_db_install(sqlite3 *db)
{
    int rc = vault_db_exec(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return rc;
    int src;
    int has = vault_db_has_schema(db, &src);
    if (has < 0) {
        vault_db_exec(db, "ROLLBACK");
        return src;
    }
    /* Another process may have installed it while we waited for the lock. */
    for (size_t i = 0; !has && i < sizeof(vault_db_schema) / sizeof(vault_db_schema[0]); i++) {
        rc = vault_db_exec(db, vault_db_schema[i]);
        if (rc != SQLITE_OK) {
            vault_db_exec(db, "ROLLBACK");
            return rc;
        }
    }
    return vault_db_exec(db, "COMMIT");
}

/* vault_db_open - open, configure, check and if asked create the index */
int vault_db_open(const char *path, unsigned busy_ms, int create, sqlite3 **out,
                  char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    char buf[256];
    int code;
    *out = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX |
                             SQLITE_OPEN_NOFOLLOW | (create ? SQLITE_OPEN_CREATE : 0), NULL);
    if (rc != SQLITE_OK) {
        code = vault_db_error(db, rc, path, "open", busy_ms, err, errlen);
        if (!create && (rc & 0xff) == SQLITE_CANTOPEN) {
            snprintf(err, errlen, "vault index %s cannot be opened (missing?)", path);
            code = VAULT_ENOTFOUND;
        }
        sqlite3_close(db);
        return code;
    }
    if ((rc = sqlite3_extended_result_codes(db, 1)) != SQLITE_OK ||
        (rc = sqlite3_busy_timeout(db, (int)busy_ms)) != SQLITE_OK)
        goto fail_rc;
    if ((rc = vault_db_text(db, "PRAGMA journal_mode = WAL", buf, sizeof(buf))) != SQLITE_OK)
        goto fail_rc;
    if (strcmp(buf, "wal") != 0) {
        snprintf(err, errlen, "vault index %s: cannot use WAL mode (got '%s')", path, buf);
        code = VAULT_EFAIL;
        goto fail;
    }
    if ((rc = vault_db_exec(db, "PRAGMA synchronous = FULL")) != SQLITE_OK ||
        (rc = vault_db_exec(db, "PRAGMA foreign_keys = ON")) != SQLITE_OK ||
        (rc = vault_db_exec(db, "PRAGMA trusted_schema = OFF")) != SQLITE_OK)
        goto fail_rc;
    if ((rc = vault_db_text(db, "PRAGMA quick_check", buf, sizeof(buf))) != SQLITE_OK)
        goto fail_rc;
    if (strcmp(buf, "ok") != 0) {
        snprintf(err, errlen, "vault index %s is corrupt (quick_check: %s): "
                 "restore it from a backup", path, buf);
        code = VAULT_ECORRUPT;
        goto fail;
    }
    int has = vault_db_has_schema(db, &rc);
    if (has < 0)
        goto fail_rc;
    if (!has) {
        if (!create) {
            snprintf(err, errlen, "vault index %s is not a mugai vault (no schema)", path);
            code = VAULT_ECORRUPT;
            goto fail;
        }
        if ((rc = vault_db_install(db)) != SQLITE_OK)
            goto fail_rc;
    }
    if ((rc = vault_db_text(db, "SELECT value FROM meta WHERE key = 'schema'", buf,
                            sizeof(buf))) != SQLITE_OK)
        goto fail_rc;
    if (strcmp(buf, "1") == 0) {
        if ((rc = vault_db_upgrade(db)) != SQLITE_OK ||
            (rc = vault_db_text(db, "SELECT value FROM meta WHERE key = 'schema'", buf,
                                sizeof(buf))) != SQLITE_OK)
            goto fail_rc;
    }
    if (strcmp(buf, VAULT_DB_SCHEMA_VERSION) != 0) {
        snprintf(err, errlen, "vault index %s has schema version '%s', expected %s",
                 path, buf, VAULT_DB_SCHEMA_VERSION);
        code = VAULT_ECORRUPT;
        goto fail;
    }
    *out = db;
    return 0;
fail_rc:
    code = vault_db_error(db, rc, path, "open", busy_ms, err, errlen);
fail:
    sqlite3_close(db);
    return code;
}
