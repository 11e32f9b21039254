/*
 * NAME
 *	release - hand a vaulted original on, as a recorded exception
 * DESCRIPTION
 *	Releasing an original into LGWAN is an exception (例外措置): it needs
 *	a requester, a different approver and a reason; an item with a
 *	virus is refused unless forced, and forcing is recorded. The
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

#define RELEASE_NAME_MAX	128	/* requester and approver */
#define RELEASE_REASON_MAX	1024

typedef struct release_request {
    const char	*id;
    const char	*requester;
    const char	*approver;
    const char	*reason;
    int		force;		/* release despite a virus verdict */
} release_request;

/*
 * release_check - the rules, without side effects: 0, or VAULT_EREFUSED
 *	with the reason in why
 */
int release_check(const vault_item *it, const release_request *rq, char *why, size_t whylen);

/*
 * release_run - check, record, re-inject, record the result. 0 with the
 *	SMTP server's reply in reply, or a VAULT_E* code (vault_error(v))
 */
int release_run(vault *v, const release_request *rq, char *reply, size_t replylen);

#endif
