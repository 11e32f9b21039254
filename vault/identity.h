/*
 * NAME
 *	identity - who asks the vault to act, taken from the system
 * DESCRIPTION
 *	A vault action is done by a person, and the vault records and
 *	compares people by identity, never by a name typed on a command
 *	line. A system identity is a Unix account: the real user of the
 *	process, or the user behind sudo. A console identity is an account
 *	of a web console that authenticated its user itself and passes the
 *	account through the vault API with the roles it granted.
 *
 *	sudo: a caller can set any environment variable, so SUDO_UID is
 *	believed only when all of this holds: the real uid is root or the
 *	vault's owner (the two accounts the documented sudo rules run the
 *	command as; whoever is either already owns the vault's files), the
 *	parent process is sudo itself with root's rights (a user cannot
 *	give itself a privileged parent), and that sudo's real uid, which
 *	the kernel keeps, is SUDO_UID. Then the identity is SUDO_UID's user. Otherwise the identity is the real
 *	user (getuid()), whatever the environment says: root run directly
 *	acts as root. The vault's owner (not root) run directly is an
 *	account, not a person: anyone who can become it (a sudo killed
 *	after the start, whose command is then a child of init; setpriv;
 *	the gateway's own processes) would otherwise act as one more
 *	person in the vault's group. Such an identity is marked service
 *	and gets no role: it can neither ask for a release nor decide one.
 *
 *	Two identities are the same person when their uids are equal (for
 *	system identities always; a console account may carry the uid of
 *	its holder's system account) or when both are console accounts of
 *	the same name. Names are never compared for system identities:
 *	"alice", "Alice" and "alice." are one uid or no user at all.
 */
#ifndef MUGAI_IDENTITY_H
#define MUGAI_IDENTITY_H

#include <stddef.h>
#include <sys/types.h>

#define IDENTITY_NAME_SIZE	256
#define IDENTITY_UID_NONE	((uid_t)-1)

#define IDENTITY_ROLE_REQUEST	1	/* may ask for a release */
#define IDENTITY_ROLE_APPROVE	2	/* may approve or deny one */

typedef enum {
    IDENTITY_SYSTEM = 0,	/* a Unix account */
    IDENTITY_CONSOLE		/* an account of the CSIRT console */
} identity_kind;

typedef struct vault_identity {
    identity_kind kind;
    uid_t	uid;		/* system: the user; console: its holder's, or NONE */
    char	name[IDENTITY_NAME_SIZE];	/* user or console account name */
    unsigned	roles;		/* IDENTITY_ROLE_*: groups (system) or the console's grant */
    int		delegated;	/* system: taken from sudo, the process runs for uid */
    int		service;	/* system: the vault's owner, no person proven behind it */
} vault_identity;

/*
 * identity_sudo_caller - 1 with *uid = SUDO_UID when this process was
 *	started by sudo (its parent is sudo, running as root) and SUDO_UID
 *	is a number; 0 otherwise
 */
int identity_sudo_caller(uid_t *uid);

/*
 * identity_from_system - the person running this process (see above);
 *	owner is the vault owner's uid. Roles are not set (identity_roles);
 *	service is set for the vault's owner with no sudo caller proven.
 */
void identity_from_system(vault_identity *id, uid_t owner);

/*
 * identity_console - a console account; uid is its holder's system uid
 *	or IDENTITY_UID_NONE, roles what the console granted. 0, or -1 when
 *	the name is empty, too long or not printable.
 */
int identity_console(vault_identity *id, const char *account, uid_t uid, unsigned roles);

/*
 * identity_member - 1 when uid is root or a member (primary or
 *	supplementary) of the named group, 0 when not, -1 when the group or
 *	the user does not exist
 */
int identity_member(uid_t uid, const char *group);

/*
 * identity_roles - set the roles of a system identity from the groups:
 *	REQUEST for members of requesters, APPROVE for members of approvers
 *	(root has both). A service identity has none. A console identity
 *	keeps its roles.
 */
void identity_roles(vault_identity *id, const char *requesters, const char *approvers);

/* identity_same - 1 when a and b are the same person (see above) */
int identity_same(const vault_identity *a, const vault_identity *b);

/* identity_describe - "alice (uid 1001)", "console:alice", for records */
void identity_describe(const vault_identity *id, char *buf, size_t len);

#endif
