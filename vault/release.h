/*
 * NAME
 *	release - hand a vaulted original on, as a recorded exception
 * DESCRIPTION
 *	Releasing an original into LGWAN is an exception (例外措置): it needs
 *	a request (vault/request.h: who asked and why) and the approval of
 *	another person, both identified by the system, never by a name
 *	given as an argument; an item with a virus also needs the
 *	approver's explicit confirmation and reason of their own. The
 *	original (checked against its SHA-256) is re-injected through the
 *	configured SMTP listener, which must not pass the milter again, to
 *	its original envelope recipients, with one added header line
 *	"X-Mugai-Released: ID". Every attempt, refused, failed or done, is
 *	in the audit log; every attempt that reached SMTP is also in the
 *	index's releases table.
 */
#ifndef MUGAI_RELEASE_H
#define MUGAI_RELEASE_H

#include <stddef.h>
#include "vault/vault.h"

#define RELEASE_REASON_MAX	1024

typedef struct release_request {
    const char	*id;
    long long	request;	/* the approved request's number */
    const vault_identity *requester;
    const vault_identity *approver;
    const char	*reason;	/* the requester's */
    const char	*approval;	/* the approver's; required for a virus */
    int		confirm_virus;	/* the approver confirmed releasing a virus */
} release_request;

/*
 * release_check - the rules, without side effects: 0, or VAULT_EREFUSED
 *	with the reason in why
 */
int release_check(const vault_item *it, const release_request *rq, char *why, size_t whylen);

/*
 * release_run - check, record, re-inject, record the result. 0 with the
 *	SMTP server's reply in reply, or a VAULT_E* code (vault_error(v)).
 *	Called by request_decide once the request is approved; the handle's
 *	lock is taken (it is recursive).
 */
int release_run(vault *v, const release_request *rq, char *reply, size_t replylen);

#endif
