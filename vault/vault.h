/*
 * NAME
 *	vault - originals kept on the internet side, with their report
 * DESCRIPTION
 *	Every original from which anything was removed, and every refused
 *	mail, is stored as two files of mode 0600 under the vault directory
 *	(DIR/YYYYMMDD/ID.eml and DIR/YYYYMMDD/ID.json, the report of
 *	report_write_json) and indexed in an embedded SQLite database
 *	(DIR/index.sqlite, WAL mode, busy timeout): who, when, what, verdict,
 *	virus name, SHA-256, size and retention deadline. Purged items leave
 *	a disposal record (date, actor, reason, what). Every action is also
 *	appended to the hash-chained audit log (vault/audit.h).
 *
 *	Files are written to a temporary name, fsync'ed and renamed, and the
 *	index row is committed last, so a failure (full disk, locked or
 *	corrupt database) leaves nothing half-written.
 *
 *	A handle may be shared by threads: every call takes the handle's
 *	lock. Processes serialise through SQLite and the audit log's lock.
 * DIAGNOSTICS
 *	Functions return 0 or a negative VAULT_E* code; vault_error() then
 *	holds one line that names the file and the reason.
 */
#ifndef MUGAI_VAULT_H
#define MUGAI_VAULT_H

#include <stddef.h>
#include <time.h>
#include <sys/types.h>
#include "sanitizer/report.h"
#include "vault/identity.h"

/* Defaults and ranges of the [vault] settings (see vault_config). */
#define VAULT_DIR_DEFAULT		"/var/lib/mugai/vault"
#define VAULT_GROUP_DEFAULT		"mugai-csirt"
#define VAULT_OWNER_DEFAULT		""	/* the effective user */
#define VAULT_REQUESTER_GROUP_DEFAULT	""	/* the vault's group */
#define VAULT_APPROVER_GROUP_DEFAULT	"mugai-approvers"
#define VAULT_AUDIT_LOG_DEFAULT		"/var/log/mugai/audit.log"
#define VAULT_RETENTION_DAYS_DEFAULT	90
#define VAULT_RETENTION_DAYS_MIN	1
#define VAULT_RETENTION_DAYS_MAX	3650
#define VAULT_RELEASE_HOST_DEFAULT	"127.0.0.1"
#define VAULT_RELEASE_PORT_DEFAULT	10026
#define VAULT_RELEASE_PORT_MIN		1
#define VAULT_RELEASE_PORT_MAX		65535
#define VAULT_RELEASE_TIMEOUT_DEFAULT	30000	/* ms, per SMTP step */
#define VAULT_RELEASE_TIMEOUT_MIN	1000
#define VAULT_RELEASE_TIMEOUT_MAX	600000
#define VAULT_RELEASE_TLS_CERT_DEFAULT	"/etc/mugai/tls/release.crt"
#define VAULT_RELEASE_TLS_KEY_DEFAULT	"/etc/mugai/tls/release.key"
#define VAULT_RELEASE_TLS_CA_DEFAULT	"/etc/mugai/tls/lgwan-ca.crt"
#define VAULT_BUSY_TIMEOUT_DEFAULT	5000	/* ms, SQLite busy timeout */
#define VAULT_BUSY_TIMEOUT_MIN		100
#define VAULT_BUSY_TIMEOUT_MAX		60000

/* Fixed internal bounds. */
#define VAULT_ID_SIZE		18	/* "YYYYMMDD-XXXXXXXX" + NUL */
#define VAULT_ERR_SIZE		512	/* one error line */
#define VAULT_PATH_SIZE		4096
#define VAULT_GROUP_SIZE	256	/* a group name recorded in the index */
#define VAULT_FIELD_MAX		2048	/* sender, subject, ... kept in the index */
#define VAULT_RCPTS_MAX		1000	/* recipients kept per item */
#define VAULT_ID_TRIES		8	/* new random IDs tried on a collision */

/* Return codes. */
#define VAULT_OK		0
#define VAULT_EFAIL		(-1)	/* I/O or other failure */
#define VAULT_ENOTFOUND		(-2)	/* no such vault ID */
#define VAULT_EPERM		(-3)	/* unsafe permissions or access refused */
#define VAULT_EBUSY		(-4)	/* database locked beyond the busy timeout */
#define VAULT_ECORRUPT		(-5)	/* database or stored file corrupt */
#define VAULT_ENOSPC		(-6)	/* the vault's disk is full */
#define VAULT_EREFUSED		(-7)	/* a rule refuses the action */
#define VAULT_ENOMEM		(-8)

/* The [vault] settings. Strings are borrowed for the handle's lifetime. */
typedef struct vault_config {
    const char	*dir;		/* vault directory */
    const char	*group;		/* Unix group of the vault and of its users */
    const char	*owner;		/* user owning the vault; "" = effective user */
    const char	*requester_group; /* who may ask for a release; "" = group */
    const char	*approver_group;  /* who may approve or deny one */
    const char	*audit_log;	/* audit log path, recorded by the vault at creation */
    unsigned	retention_days;	/* items are purgeable this long after receipt */
    const char	*release_host;	/* SMTP listener that does not pass the milter */
    unsigned	release_port;
    unsigned	release_timeout_ms; /* connect and each SMTP reply */
    const char	*release_tls_cert;  /* client certificate of releases (PEM) */
    const char	*release_tls_key;   /* its key: the owner's and root's only */
    const char	*release_tls_ca;    /* CA of the release server's certificate */
    unsigned	busy_timeout_ms;    /* SQLite lock wait */
} vault_config;

typedef struct vault vault;

/* What the caller knows about a message beyond its bytes and report. */
typedef struct vault_meta {
    time_t	received;	/* 0: now */
    const char	*sender;	/* envelope MAIL FROM, may be NULL or "" */
    const char *const *rcpts;	/* envelope RCPT TO */
    size_t	nrcpts;
    const char	*verdict;	/* engine_verdict_name(); NULL: report's */
    const char	*reason;	/* NULL: report's */
    const char	*virus;		/* virus name, or NULL */
    const char	*queue_id;	/* may be NULL */
} vault_meta;

/* One indexed item; strings are owned (vault_item_free). */
typedef struct vault_item {
    char	id[VAULT_ID_SIZE];
    long long	received;	/* Unix time */
    long long	retain_until;
    char	*sender;
    char	**rcpts;
    size_t	nrcpts;
    char	*subject;
    char	*message_id;
    char	*verdict;
    char	*reason;
    char	*virus;		/* NULL when none */
    char	*queue_id;
    char	sha256[65];	/* of the stored original */
    unsigned long long size;
} vault_item;

/* Filters of vault_list; NULL/0 fields do not filter. Text filters
 * match a case-insensitive substring; verdict matches exactly. */
typedef struct vault_filter {
    long long	since;		/* received >= since */
    long long	until;		/* received < until */
    const char	*sender;
    const char	*rcpt;
    const char	*verdict;
    const char	*virus;		/* "*": any virus */
} vault_filter;

/* What vault_purge disposes of. */
typedef struct vault_purge_opts {
    long long	now;		/* 0: time(NULL) */
    long long	older_than;	/* seconds; 0: by retention deadline only */
    const char	*reason;	/* recorded; NULL: "retention" or "older-than" */
    int		dry_run;	/* only list what would go */
} vault_purge_opts;

typedef int (*vault_item_cb)(const vault_item *it, void *arg);

/* vault_config_defaults - fill c with the defaults above */
void vault_config_defaults(vault_config *c);

/* vault_config_check - 0, or -1 with one line in err naming the bad setting */
int vault_config_check(const vault_config *c, char *err, size_t errlen);

#define VAULT_OPEN_CREATE	1	/* create the directory and index if missing */
#define VAULT_OPEN_VERIFY	2	/* to check it: create nothing, not even the key */

/*
 * vault_open - check the vault's permissions (directory not a symlink,
 *	owned by the owner, group = the configured group, nothing for
 *	others, no group write; index 0600) and open its index. With
 *	VAULT_OPEN_CREATE a missing directory is created (mode 2750,
 *	configured group) and the schema installed. A missing audit key is
 *	created (and recorded) unless VAULT_OPEN_VERIFY: then
 *	vault_audit_key is NULL, for the verifier to judge. Returns 0 and *out,
 *	or a VAULT_E* code with one line in err.
 */
int vault_open(const vault_config *c, int flags, vault **out, char *err, size_t errlen);

/*
 * vault_prepare - run as root before a daemon drops privileges: create
 *	what is missing of the vault directory (mode 2750) and the audit
 *	log's directory, owned by the vault's owner (uid when the owner is
 *	not configured) and group, and an empty audit log of theirs, so that
 *	vault_open(VAULT_OPEN_CREATE) as that user can do the rest. Does
 *	nothing unless root. 0 or a VAULT_E* code with one line in err.
 */
int vault_prepare(const vault_config *c, uid_t uid, char *err, size_t errlen);

/* vault_close - release the handle (NULL is fine) */
void vault_close(vault *v);

/* vault_error - the last error line of v */
const char *vault_error(const vault *v);

/* vault_actor - who acts through v: the name of vault_identity_of(v) */
const char *vault_actor(const vault *v);

/* vault_identity_of - who acts through v: the system identity of the
 *	process (identity_from_system, roles from the configured groups)
 *	unless vault_set_identity gave another */
const vault_identity *vault_identity_of(const vault *v);

/*
 * vault_set_identity - act for a console account (identity_console):
 *	the console authenticated it and granted its roles. Every later
 *	record through v names it. 0, or VAULT_EPERM for a system identity
 *	other than the process's own.
 */
int vault_set_identity(vault *v, const vault_identity *id);

/* vault_audit_log - the audit log v writes to: the one the vault
 *	recorded when it was created, whatever the configuration says now */
const char *vault_audit_log(const vault *v);

/* vault_audit_key - the vault's audit key (AUDIT_KEY_SIZE octets), or
 *	NULL when this process cannot read it */
const unsigned char *vault_audit_key(const vault *v);

/*
 * vault_verify_index - compare the index with the audit chain: every
 *	item, its SHA-256 and virus flag, every release, request, decision
 *	and purge must be in both, alike. 0 when they agree, 1 with the
 *	first difference in what, or a VAULT_E* code (vault_error(v)).
 */
int vault_verify_index(vault *v, char *what, size_t whatlen);

/* vault_config_of - the settings v was opened with */
const vault_config *vault_config_of(const vault *v);

/*
 * vault_store - keep the original readable from fd (seekable; read from
 *	offset 0 with pread, offset untouched) and its report. When id[0]
 *	is set, that ID (from vault_id_new, already quoted to someone) is
 *	used, and an item of the same ID is an error; otherwise a new one
 *	is drawn into id. On failure id[0] is 0. The files, the index row
 *	and the "store" audit record are all in place, or none is.
 *
 *	A gateway MUST treat any non-zero return as a temporary failure
 *	(SMTP 4xx, SMFIS_TEMPFAIL): a mail whose original could not be kept
 *	must not be delivered, sanitized or not, nor rejected as if kept.
 */
int vault_store(vault *v, const vault_meta *m, int fd, const report *r,
                char id[VAULT_ID_SIZE]);

/* vault_get - the item with this ID (normalised, see vault_id_parse) */
int vault_get(vault *v, const char *id, vault_item *out);

/* vault_item_free - release what vault_get or vault_list filled */
void vault_item_free(vault_item *it);

/* vault_list - call cb for each item matching f, newest first; a non-zero
 *	cb return stops the walk and is returned */
int vault_list(vault *v, const vault_filter *f, vault_item_cb cb, void *arg);

#define VAULT_FILE_ORIGINAL	0	/* ID.eml */
#define VAULT_FILE_REPORT	1	/* ID.json */

/* vault_path - path of one of an item's files; 0 or VAULT_EFAIL */
int vault_path(const vault *v, const char *id, int which, char *buf, size_t len);

/*
 * vault_open_file - open an item's file read-only, checking it is a
 *	regular file of mode 0600 owned by the vault's owner; for the
 *	original, its SHA-256 and size must still match the index
 *	(else VAULT_ECORRUPT). Returns an fd or a VAULT_E* code.
 */
int vault_open_file(vault *v, const vault_item *it, int which);

/*
 * vault_purge - dispose of the items past their retention deadline, or
 *	received more than o->older_than seconds ago: files overwritten
 *	and removed, index rows replaced by disposal records (date, actor,
 *	reason, ID, SHA-256, size, verdict), one "purge" audit record each.
 *	cb (may be NULL) sees each item first. *count gets the number.
 */
int vault_purge(vault *v, const vault_purge_opts *o, vault_item_cb cb, void *arg,
                size_t *count);

/*
 * vault_audit - append one audit record for an action through v
 *	(actor = vault_actor(v)); detail is free text, escaped. 0 or
 *	VAULT_EFAIL with vault_error set.
 */
int vault_audit(vault *v, const char *action, const char *id, const char *detail);

#endif
