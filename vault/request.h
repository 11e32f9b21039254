/*
 * NAME
 *	request - release requests and their decision, by two people
 * DESCRIPTION
 *	A release is asked for by one person and approved or denied by
 *	another, each acting through their own vault handle, whose identity
 *	(vault_identity_of) says who they are and what they may do:
 *	requesting needs IDENTITY_ROLE_REQUEST, deciding
 *	IDENTITY_ROLE_APPROVE, and the approver must not be the requester
 *	(identity_same: the same uid under any name). Approval performs the
 *	release (release_run) at once; an item with a virus is approved only
 *	with an explicit confirmation and the approver's own reason.
 *
 *	Each request is a row of the index's requests table, numbered, and
 *	an audit record ("request"); each decision updates that row and is
 *	an audit record ("approve" or "deny") naming both people; refused
 *	attempts are recorded too ("request-refused", "decision-refused").
 */
#ifndef MUGAI_REQUEST_H
#define MUGAI_REQUEST_H

#include <stddef.h>
#include "vault/vault.h"

/* One request, as request_list shows it. */
typedef struct request_info {
    long long	rid;
    char	id[VAULT_ID_SIZE];
    long long	time;
    const char	*requester;	/* "alice (uid 1001)" */
    const char	*reason;
    const char	*virus;		/* NULL when none */
    const char	*state;		/* pending, approved, denied, released, failed */
    const char	*approver;	/* NULL while pending */
    const char	*decision_reason;
} request_info;

typedef int (*request_cb)(const request_info *r, void *arg);

/*
 * request_reason_bad - 1 when a reason holds a control character (C0,
 *	DEL or C1, newline and tab included): a reason is one line of the
 *	request list and of the audit record, and a newline in it would
 *	forge a line of `quarantine requests`
 */
int request_reason_bad(const char *reason);

/*
 * request_create - ask for the release of item id, for reason; *rid gets
 *	the request's number. 0, or VAULT_EPERM (not a requester),
 *	VAULT_ENOTFOUND, VAULT_EREFUSED (no reason or a bad one, nothing to release to,
 *	already pending) or another VAULT_E* code, with vault_error(v).
 */
int request_create(vault *v, const char *id, const char *reason, long long *rid);

/*
 * request_decide - approve (and release) or deny the request ref: its
 *	number, or a vault ID with exactly one pending request. reason may
 *	be NULL except to approve an item with a virus, which also needs
 *	confirm_virus. On approval reply gets the SMTP server's answer.
 *	*rid gets the request's number. 0 or a VAULT_E* code.
 */
int request_decide(vault *v, const char *ref, int approve, const char *reason,
                   int confirm_virus, long long *rid, char *reply, size_t replylen);

/* request_list - cb for each request (pending ones only if asked), oldest first */
int request_list(vault *v, int pending_only, request_cb cb, void *arg);

#endif
