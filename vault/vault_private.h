/*
 * NAME
 *	vault_private - the vault handle, shared by the vault_*.c files
 */
#ifndef MUGAI_VAULT_PRIVATE_H
#define MUGAI_VAULT_PRIVATE_H

#include <pthread.h>
#include <sqlite3.h>
#include <sys/types.h>
#include "vault/audit.h"
#include "vault/vault.h"
#include "vault/vault_perm.h"

struct vault {
    vault_config cfg;		/* strings borrowed from the caller */
    sqlite3	*db;
    pthread_mutex_t lock;
    uid_t	owner;
    gid_t	gid;
    uid_t	uid;		/* the acting person's uid, recorded */
    char	actor[VAULT_PERM_ACTOR_SIZE];
    vault_identity who;		/* the acting person */
    char	dbpath[VAULT_PATH_SIZE];
    char	audit_path[VAULT_PATH_SIZE];	/* as recorded in the index */
    char	req_group[VAULT_GROUP_SIZE];	/* requesters' group, as recorded */
    char	appr_group[VAULT_GROUP_SIZE];	/* approvers' group, as recorded */
    char	keypath[VAULT_PATH_SIZE];
    unsigned char key[AUDIT_KEY_SIZE];
    int		has_key;
    char	err[VAULT_ERR_SIZE];
};

/* vault_set_error - set v->err; returns code */
int vault_set_error(vault *v, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* vault_sql - vault_db_error on v: code, and v->err */
int vault_sql(vault *v, int rc, const char *what);

/* vault_row_item - fill it from a row of "SELECT id, received, ..." (VAULT_ITEM_COLUMNS) */
int vault_row_item(vault *v, sqlite3_stmt *st, vault_item *it);

/* vault_audit_locked - vault_audit without taking the lock */
int vault_audit_locked(vault *v, const char *action, const char *id, const char *detail);

#define VAULT_ITEM_COLUMNS \
    "id, received, retain_until, sender, subject, message_id, verdict, reason, " \
    "virus, queue_id, sha256, size"

#endif
