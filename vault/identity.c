/*
 * NAME
 *	identity - who asks the vault to act, taken from the system
 * DESCRIPTION
 *	See identity.h for the rules and why SUDO_UID is believed only
 *	under a sudo parent, for root or the vault's owner.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vault/identity.h"
#include "vault/vault_perm.h"

#define IDENTITY_PWBUF		16384
#define IDENTITY_GROUPS		1024

/* identity_parent_is_sudo - 1 when the parent process is sudo with root's
 *	rights, *ruid its real uid: the user who ran it, as the kernel says */
static int identity_parent_is_sudo(uid_t *ruid)
{
    char path[64], line[256], name[64] = "";
    int uid_ok = 0;
    snprintf(path, sizeof(path), "/proc/%ld/status", (long)getppid());
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned long r, e, s, fs;
        if (!strncmp(line, "Name:", 5))
            sscanf(line + 5, "%63s", name);
        else if (!strncmp(line, "Uid:", 4) &&
                 sscanf(line + 4, "%lu %lu %lu %lu", &r, &e, &s, &fs) == 4) {
            uid_ok = e == 0;	/* a user cannot give itself a privileged parent */
            *ruid = (uid_t)r;
        }
    }
    fclose(f);
    return uid_ok && strcmp(name, "sudo") == 0;
}

/* identity_sudo_uid - SUDO_UID as a number, or IDENTITY_UID_NONE */
static uid_t identity_sudo_uid(void)
{
    const char *s = getenv("SUDO_UID");
    char *end;
    if (!s || !*s || !isdigit((unsigned char)*s))
        return IDENTITY_UID_NONE;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v >= (unsigned long)IDENTITY_UID_NONE)
        return IDENTITY_UID_NONE;
    return (uid_t)v;
}

/* identity_sudo_caller - SUDO_UID, when sudo started this process */
int identity_sudo_caller(uid_t *uid)
{
    uid_t su = identity_sudo_uid(), ruid = IDENTITY_UID_NONE;
    /* SUDO_UID must name the user the kernel says started sudo */
    if (su == IDENTITY_UID_NONE || !identity_parent_is_sudo(&ruid) || ruid != su)
        return 0;
    *uid = su;
    return 1;
}

/* identity_from_system - the real user, or the user behind sudo */
void identity_from_system(vault_identity *id, uid_t owner)
{
    memset(id, 0, sizeof(*id));
    id->kind = IDENTITY_SYSTEM;
    id->uid = getuid();
    uid_t su;
    if ((id->uid == 0 || id->uid == owner) && identity_sudo_caller(&su) && su != id->uid) {
        id->uid = su;
        id->delegated = 1;
    }
    /* the owner run directly: whoever became it, not a person (identity.h) */
    id->service = !id->delegated && id->uid == owner && owner != 0;
    vault_perm_user_name(id->uid, id->name, sizeof(id->name));
}

/* identity_console - a console account, checked to be one printable word */
int identity_console(vault_identity *id, const char *account, uid_t uid, unsigned roles)
{
    memset(id, 0, sizeof(*id));
    if (!account || !*account || strlen(account) >= sizeof(id->name))
        return -1;
    for (const unsigned char *p = (const unsigned char *)account; *p; p++)
        if (*p <= ' ' || *p == '"' || *p == '\\' || *p == 0x7f)
            return -1;
    id->kind = IDENTITY_CONSOLE;
    id->uid = uid;
    id->roles = roles;
    snprintf(id->name, sizeof(id->name), "%s", account);
    return 0;
}

/* identity_member - root, or uid in the group's members */
int identity_member(uid_t uid, const char *group)
{
    char *tmp = malloc(IDENTITY_PWBUF);
    gid_t *groups = malloc(IDENTITY_GROUPS * sizeof(*groups));
    struct group gr, *gres = NULL;
    struct passwd pw, *pres = NULL;
    int rc = -1;
    if (!tmp || !groups)
        goto done;
    if (uid == 0) {
        rc = 1;
        goto done;
    }
    if (!group || getgrnam_r(group, &gr, tmp, IDENTITY_PWBUF, &gres) != 0 || !gres)
        goto done;
    gid_t gid = gres->gr_gid;
    if (getpwuid_r(uid, &pw, tmp, IDENTITY_PWBUF, &pres) != 0 || !pres)
        goto done;
    int n = IDENTITY_GROUPS;
    if (getgrouplist(pres->pw_name, pres->pw_gid, groups, &n) < 0)
        n = 0;
    rc = 0;
    for (int i = 0; i < n && !rc; i++)
        rc = groups[i] == gid;
done:
    free(tmp);
    free(groups);
    return rc;
}

/* identity_roles - roles of a system identity from its groups */
void identity_roles(vault_identity *id, const char *requesters, const char *approvers)
{
    if (id->kind != IDENTITY_SYSTEM)
        return;
    id->roles = 0;
    if (id->service)
        return;
    if (identity_member(id->uid, requesters) == 1)
        id->roles |= IDENTITY_ROLE_REQUEST;
    if (identity_member(id->uid, approvers) == 1)
        id->roles |= IDENTITY_ROLE_APPROVE;
}

/* identity_same - one person: same uid, or the same console account */
int identity_same(const vault_identity *a, const vault_identity *b)
{
    if (a->uid != IDENTITY_UID_NONE && a->uid == b->uid)
        return 1;
    return a->kind == IDENTITY_CONSOLE && b->kind == IDENTITY_CONSOLE &&
           strcmp(a->name, b->name) == 0;
}

/* identity_describe - the identity as recorded */
void identity_describe(const vault_identity *id, char *buf, size_t len)
{
    if (id->kind == IDENTITY_CONSOLE && id->uid == IDENTITY_UID_NONE)
        snprintf(buf, len, "console:%s", id->name);
    else if (id->kind == IDENTITY_CONSOLE)
        snprintf(buf, len, "console:%s (uid %lu)", id->name, (unsigned long)id->uid);
    else
        snprintf(buf, len, "%s (uid %lu)", id->name, (unsigned long)id->uid);
}
