/*
 * NAME
 *	vault_perm - who may touch the vault, and whether it is safe
 * DESCRIPTION
 *	See vault_perm.h. The checks use lstat/fstat, never access(2), and
 *	the names and numbers they print are the ones found, so the message
 *	says what to fix.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "vault/vault_perm.h"

#define VAULT_PERM_PWBUF	16384

/* vault_perm_user_name - name of uid into buf, or "uid:N" */
void vault_perm_user_name(uid_t uid, char *buf, size_t len)
{
    struct passwd pw, *res = NULL;
    char *tmp = malloc(VAULT_PERM_PWBUF);
    if (tmp && getpwuid_r(uid, &pw, tmp, VAULT_PERM_PWBUF, &res) == 0 && res)
        snprintf(buf, len, "%s", res->pw_name);
    else
        snprintf(buf, len, "uid:%lu", (unsigned long)uid);
    free(tmp);
}

/* vault_perm_group_name - name of gid into buf, or "gid:N" */
static void vault_perm_group_name(gid_t gid, char *buf, size_t len)
{
    struct group gr, *res = NULL;
    char *tmp = malloc(VAULT_PERM_PWBUF);
    if (tmp && getgrgid_r(gid, &gr, tmp, VAULT_PERM_PWBUF, &res) == 0 && res)
        snprintf(buf, len, "%s", res->gr_name);
    else
        snprintf(buf, len, "gid:%lu", (unsigned long)gid);
    free(tmp);
}

/* vault_perm_resolve - owner uid and group gid of the vault */
int vault_perm_resolve(const vault_config *c, uid_t *owner, gid_t *gid,
                       char *err, size_t errlen)
{
    char *tmp = malloc(VAULT_PERM_PWBUF);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return VAULT_ENOMEM;
    }
    int rc = VAULT_EPERM;
    struct group gr, *gres = NULL;
    if (getgrnam_r(c->group, &gr, tmp, VAULT_PERM_PWBUF, &gres) != 0 || !gres) {
        snprintf(err, errlen, "vault group '%s' does not exist", c->group);
        goto done;
    }
    *gid = gres->gr_gid;
    if (c->owner && *c->owner) {
        struct passwd pw, *pres = NULL;
        if (getpwnam_r(c->owner, &pw, tmp, VAULT_PERM_PWBUF, &pres) != 0 || !pres) {
            snprintf(err, errlen, "vault owner '%s' does not exist", c->owner);
            goto done;
        }
        *owner = pres->pw_uid;
    } else {
        *owner = geteuid();
    }
    if (geteuid() != *owner && geteuid() != 0) {
        char me[64], want[64];
        vault_perm_user_name(geteuid(), me, sizeof(me));
        vault_perm_user_name(*owner, want, sizeof(want));
        snprintf(err, errlen, "the vault belongs to %s: run as %s (e.g. sudo -u %s), not as %s",
                 want, want, want, me);
        goto done;
    }
    rc = 0;
done:
    free(tmp);
    return rc;
}

/* vault_perm_check_st - the owner, group, type and mode rules on st */
static int vault_perm_check_st(const struct stat *st, const char *path, int want_dir,
                               uid_t owner, gid_t gid, mode_t forbidden,
                               char *err, size_t errlen)
{
    char a[64], b[64];
    if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "unsafe vault: %s is not a %s%s", path,
                 want_dir ? "directory" : "regular file",
                 S_ISLNK(st->st_mode) ? " (it is a symbolic link)" : "");
        return VAULT_EPERM;
    }
    if (st->st_uid != owner) {
        vault_perm_user_name(st->st_uid, a, sizeof(a));
        vault_perm_user_name(owner, b, sizeof(b));
        snprintf(err, errlen, "unsafe vault: %s is owned by %s, expected %s (chown %s)",
                 path, a, b, b);
        return VAULT_EPERM;
    }
    if (gid != (gid_t)-1 && st->st_gid != gid) {
        vault_perm_group_name(st->st_gid, a, sizeof(a));
        vault_perm_group_name(gid, b, sizeof(b));
        snprintf(err, errlen, "unsafe vault: %s has group %s, expected %s (chgrp %s)",
                 path, a, b, b);
        return VAULT_EPERM;
    }
    mode_t bad = st->st_mode & forbidden;
    if (bad) {
        char what[64];
        snprintf(what, sizeof(what), "%s%s%s",
                 (bad & S_IWOTH) ? ", world-writable" : "",
                 (bad & (S_IROTH | S_IXOTH)) ? ", world-readable" : "",
                 (bad & S_IRWXG) ? ", group access" : "");
        if (!what[0])
            snprintf(what, sizeof(what), ", executable");
        snprintf(err, errlen, "unsafe vault: %s has mode %04o (%s): chmod %s",
                 path, (unsigned)(st->st_mode & 07777), what + 2, want_dir ? "2750" : "0600");
        return VAULT_EPERM;
    }
    return 0;
}

/* vault_perm_check_path - lstat and check one path */
int vault_perm_check_path(const char *path, int want_dir, uid_t owner, gid_t gid,
                          mode_t forbidden, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? VAULT_ENOTFOUND : VAULT_EPERM;
    }
    return vault_perm_check_st(&st, path, want_dir, owner, gid, forbidden, err, errlen);
}

/* vault_perm_check_fd - check an open file */
int vault_perm_check_fd(int fd, const char *path, uid_t owner, mode_t forbidden,
                        char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return VAULT_EPERM;
    }
    return vault_perm_check_st(&st, path, 0, owner, (gid_t)-1, forbidden, err, errlen);
}
