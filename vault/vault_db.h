/*
 * NAME
 *	vault_db - the vault's SQLite index: open, schema, error mapping
 * DESCRIPTION
 *	The index runs in WAL mode (readers never wait for the writer) with
 *	synchronous=FULL and a busy timeout, so a second writer waits that
 *	long and then fails cleanly. Opening runs PRAGMA quick_check: a
 *	corrupt index is reported at once, not in the middle of a store.
 *	Every statement is a constant, prepared with bound parameters.
 */
#ifndef MUGAI_VAULT_DB_H
#define MUGAI_VAULT_DB_H

#include <stddef.h>
#include <sqlite3.h>

#define VAULT_DB_SCHEMA_VERSION	"2"

/*
 * vault_db_open - open (create) the index at path; 0 and *out, or a
 *	VAULT_E* code with err
 */
int vault_db_open(const char *path, unsigned busy_ms, int create, sqlite3 **out,
                  char *err, size_t errlen);

/*
 * vault_db_error - turn SQLite code rc into a VAULT_E* code and one line
 *	("PATH: WHAT: reason") in err
 */
int vault_db_error(sqlite3 *db, int rc, const char *path, const char *what,
                   unsigned busy_ms, char *err, size_t errlen);

/* vault_db_exec - run one constant statement that returns no rows; SQLite code */
int vault_db_exec(sqlite3 *db, const char *sql);

#endif
