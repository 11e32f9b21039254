/*
 * NAME
 *	snapshot - one generation of the configuration and what it opened
 * DESCRIPTION
 *	A snapshot holds a policy reference, the scan settings made from it
 *	(which borrow its strings) and the vault opened with its [vault]
 *	settings. It is refcounted: the reload module keeps the current one,
 *	each message keeps the one current at MAIL FROM, and the signature
 *	watcher keeps the one whose settings it runs with, so nothing a
 *	holder uses is freed under it. A new snapshot shares the previous
 *	one's vault when the [vault] settings did not change (the vault
 *	holder keeps a reference to the policy its settings' strings belong
 *	to); otherwise it opens the vault again. A vault that cannot be
 *	opened is logged and left NULL: every message whose original must
 *	be kept is then tempfailed.
 */
#ifndef MUGAI_SNAPSHOT_H
#define MUGAI_SNAPSHOT_H

#include "policy/policy.h"
#include "sanitizer/scan.h"
#include "vault/vault.h"

typedef struct snapshot_vault snapshot_vault;

typedef struct snapshot {
    unsigned	refs;		/* atomic */
    policy     *pol;		/* one reference */
    scan_settings scan;		/* borrows pol's strings */
    snapshot_vault *sv;		/* shared vault holder, never NULL */
} snapshot;

/*
 * snapshot_new - a snapshot of p (whose reference moves here); the vault
 *	is shared with prev (may be NULL) when its settings are the same
 *	and it is open, else opened with VAULT_OPEN_CREATE. NULL on out of
 *	memory (p is then released).
 */
snapshot *snapshot_new(policy *p, const snapshot *prev);

/* snapshot_ref - one more holder; returns s */
snapshot *snapshot_ref(snapshot *s);

/* snapshot_unref - drop a holder (NULL is fine) */
void snapshot_unref(snapshot *s);

/* snapshot_vault_of - the open vault, or NULL when it could not be opened */
vault *snapshot_vault_of(const snapshot *s);

/* snapshot_vault_error - why the vault is not open ("" when it is) */
const char *snapshot_vault_error(const snapshot *s);

#endif
