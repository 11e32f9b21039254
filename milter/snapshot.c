/*
 * NAME
 *	snapshot - one generation of the configuration and what it opened
 * DESCRIPTION
 *	See snapshot.h. Reference counts are atomic, so no lock is held
 *	while a message uses its snapshot.
 */
#include <stdlib.h>
#include <string.h>

#include "milter/log.h"
#include "milter/snapshot.h"
#include "sanitizer/scan_config.h"
#include "vault/vault_config.h"

struct snapshot_vault {
    unsigned	refs;		/* atomic */
    policy     *pol;		/* owner of cfg's strings */
    vault_config cfg;
    vault      *v;		/* NULL: could not be opened */
    char	err[VAULT_ERR_SIZE];
};

/* snapshot_vault_open - a holder with the vault of p's [vault] settings */
static snapshot_vault *snapshot_vault_open(policy *p)
{
    snapshot_vault *sv = calloc(1, sizeof(*sv));

    if (!sv)
	return NULL;
    sv->refs = 1;
    sv->pol = policy_ref(p);
    vault_config_from_policy(p, &sv->cfg);
    if (vault_open(&sv->cfg, VAULT_OPEN_CREATE, &sv->v, sv->err, sizeof(sv->err)) < 0) {
	sv->v = NULL;
	log_err("VAULT UNAVAILABLE: %s: every mail whose original must be "
		"kept is tempfailed until it opens (fix it, then reload)", sv->err);
    } else {
	log_info("vault: %s open (audit log %s, retention %u days)", sv->cfg.dir,
		 sv->cfg.audit_log, sv->cfg.retention_days);
    }
    return sv;
}

/* snapshot_vault_unref - drop a holder of the vault */
static void snapshot_vault_unref(snapshot_vault *sv)
{
    if (!sv || __atomic_sub_fetch(&sv->refs, 1, __ATOMIC_ACQ_REL) != 0)
	return;
    vault_close(sv->v);
    policy_unref(sv->pol);
    free(sv);
}

/* snapshot_new - policy, scan settings, vault */
snapshot *snapshot_new(policy *p, const snapshot *prev)
{
    snapshot *s = calloc(1, sizeof(*s));
    vault_config want;

    if (!s) {
	policy_unref(p);
	return NULL;
    }
    s->refs = 1;
    s->pol = p;
    scan_config_from_policy(p, &s->scan);
    vault_config_from_policy(p, &want);
    if (prev && prev->sv->v && vault_config_same(&want, &prev->sv->cfg)) {
	__atomic_add_fetch(&prev->sv->refs, 1, __ATOMIC_RELAXED);
	s->sv = prev->sv;
    } else if (!(s->sv = snapshot_vault_open(p))) {
	policy_unref(p);
	free(s);
	return NULL;
    }
    return s;
}

/* snapshot_ref - one more holder */
snapshot *snapshot_ref(snapshot *s)
{
    if (s)
	__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
    return s;
}

/* snapshot_unref - the last holder frees */
void snapshot_unref(snapshot *s)
{
    if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
	return;
    snapshot_vault_unref(s->sv);
    policy_unref(s->pol);
    free(s);
}

/* snapshot_vault_of - the vault or NULL */
vault *snapshot_vault_of(const snapshot *s)
{
    return s->sv->v;
}

/* snapshot_vault_error - the open error */
const char *snapshot_vault_error(const snapshot *s)
{
    return s->sv->err;
}
