/*
 * NAME
 *	vault_config - the [vault] settings of a policy
 * DESCRIPTION
 *	The policy keeps plain values; this maps every [vault] key onto the
 *	vault_config that vault_open takes. The result borrows the policy's
 *	strings: it must not outlive the policy reference it came from.
 */
#ifndef MUGAI_VAULT_CONFIG_H
#define MUGAI_VAULT_CONFIG_H

#include "policy/policy.h"
#include "vault/vault.h"

/* vault_config_from_policy - fill *c from p's [vault] section */
void vault_config_from_policy(const policy *p, vault_config *c);

/* vault_config_same - 1 when a and b name the same vault with the same settings */
int vault_config_same(const vault_config *a, const vault_config *b);

#endif
