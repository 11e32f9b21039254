/*
 * NAME
 *	audit - the append-only, hash-chained log of vault actions
 * DESCRIPTION
 *	One JSON object per line:
 *	  {"seq":N,"time":"2025-04-01T09:30:00+09:00","actor":"alice",
 *	   "uid":0,"action":"release","id":"20250401-7KQ2M9TX",
 *	   "detail":"...","prev":"<sha256>","hash":"<sha256>"}
 *	"hash" is the SHA-256 of the line up to (not including) ',"hash":',
 *	"prev" is the "hash" of the record before (64 zeros for the first),
 *	and seq counts from 1 without gaps. A side file PATH.head holds the
 *	last seq and hash, so removing records at the end shows too.
 *
 *	With the vault's key (AUDIT_KEY_SIZE random octets in a file only
 *	the vault's owner and root can read), the head also carries an
 *	HMAC-SHA256 of its seq and hash. Since every hash covers the whole
 *	chain before it, the MAC authenticates the whole log: someone who
 *	can write the log and its head but cannot read the key (a member of
 *	the vault's group, a restored or copied log) cannot rewrite the
 *	chain and produce a head that verifies. Every append also sends the
 *	new seq and hash to syslog (LOG_AUTHPRIV), where a remote log host
 *	keeps them out of reach of the vault's host: that shows a chain
 *	rolled back to an earlier, authentic state, which the MAC cannot.
 *
 *	Appends hold an exclusive flock on the log, read the last record,
 *	write the new line in one write(2), fsync, and update the head by
 *	rename; on any failure the log is cut back to its previous length,
 *	so a record is either complete or absent.
 *
 *	The vault's owner and root can read the key: against them only the
 *	heads sent off the host help.
 */
#ifndef MUGAI_AUDIT_H
#define MUGAI_AUDIT_H

#include <stddef.h>
#include <sys/types.h>

#define AUDIT_FIELD_MAX		4096	/* escaped octets kept per text field */
#define AUDIT_LINE_MAX		32768	/* longest record accepted */
#define AUDIT_LOCK_MS_DEFAULT	5000	/* wait for the log's lock */
#define AUDIT_KEY_SIZE		32	/* HMAC-SHA256 key of the head */

typedef enum {
    AUDIT_INTACT = 0,
    AUDIT_EDITED,		/* a record's content does not match its hash */
    AUDIT_DELETED,		/* a record is missing from the sequence */
    AUDIT_REORDERED,		/* records are out of sequence */
    AUDIT_CHAIN,		/* prev does not match the record before */
    AUDIT_MALFORMED,		/* a line is not a record */
    AUDIT_TRUNCATED,		/* records missing at the end (see head) */
    AUDIT_HEAD,		/* head file missing or unreadable */
    AUDIT_FORGED		/* the head is not authenticated by the key */
} audit_problem;

typedef struct audit_report {
    unsigned long long records;	/* records read */
    audit_problem problem;
    unsigned long long line;	/* line of the first problem (1-based), 0: none */
    unsigned long long seq;	/* seq of the record concerned */
    int		authenticated;	/* the head's MAC was checked with the key */
    unsigned long long key_seq;	/* seq of the audit-key record (the key made), 0: none */
    char	what[512];	/* one line for people */
} audit_report;

/* One record as audit_walk hands it on, unescaped. */
typedef struct audit_record {
    unsigned long long seq;
    unsigned long uid;
    const char	*actor;
    const char	*action;
    const char	*id;
    const char	*detail;
} audit_record;

typedef int (*audit_record_cb)(const audit_record *r, void *arg);

/*
 * audit_append - append one record (see above). gid (or -1) is given to
 *	a newly created log; key (or NULL) authenticates the new head.
 *	0, or -1 with one line in err.
 */
int audit_append(const char *path, gid_t gid, const unsigned char *key,
                 const char *actor, unsigned long uid,
                 const char *action, const char *id, const char *detail,
                 unsigned lock_ms, char *err, size_t errlen);

/*
 * audit_verify - check the whole chain and the head, and with key (or
 *	NULL) the head's MAC; a second audit-key record is a break
 *	(AUDIT_FORGED: the key was replaced). 0 intact, 1 broken (rep says
 *	where and how), -1 the log cannot be read (rep->what)
 */
int audit_verify(const char *path, const unsigned char *key, audit_report *rep);

/*
 * audit_walk - call cb for each well-formed record, in order; a non-zero
 *	cb return stops the walk and is returned. -1 when the log cannot
 *	be read. Run audit_verify first: walk does not check the chain.
 */
int audit_walk(const char *path, audit_record_cb cb, void *arg);

/* audit_problem_name - "intact", "edited", "deleted", ... */
const char *audit_problem_name(audit_problem p);

#endif
