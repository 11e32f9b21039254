/*
 * NAME
 *	vault_perm - who may touch the vault, and whether it is safe
 * DESCRIPTION
 *	The vault belongs to one user (the gateway's) and one group (the
 *	CSIRT's). Its directory must not be a symlink, must be owned by that
 *	user, carry that group, give nothing to others and no write to the
 *	group; files must be 0600 (the index and originals) or at most 0640
 *	(the audit log). The CSIRT command runs as the vault's user (sudo
 *	-u) or root; who the person behind it is, and what they may do, is
 *	vault/identity.h's.
 */
#ifndef MUGAI_VAULT_PERM_H
#define MUGAI_VAULT_PERM_H

#include <stddef.h>
#include <sys/types.h>
#include "vault/identity.h"
#include "vault/vault.h"

#define VAULT_PERM_ACTOR_SIZE	(IDENTITY_NAME_SIZE + 16)	/* "console:" + name */

/*
 * vault_perm_resolve - the owner's uid (c->owner, or the effective uid
 *	when empty) and the group's gid; VAULT_EPERM with err when either
 *	does not exist or when this process is neither that owner nor root
 */
int vault_perm_resolve(const vault_config *c, uid_t *owner, gid_t *gid,
                       char *err, size_t errlen);

/*
 * vault_perm_check_path - lstat path and check owner, group (gid or -1
 *	for any), type (dir or regular) and forbidden mode bits; 0,
 *	VAULT_ENOTFOUND or VAULT_EPERM with err
 */
int vault_perm_check_path(const char *path, int want_dir, uid_t owner, gid_t gid,
                          mode_t forbidden, char *err, size_t errlen);

/* vault_perm_check_fd - the same checks on an open file */
int vault_perm_check_fd(int fd, const char *path, uid_t owner, mode_t forbidden,
                        char *err, size_t errlen);

/* vault_perm_user_name - name of uid into buf, or "uid:N" */
void vault_perm_user_name(uid_t uid, char *buf, size_t len);

#endif
