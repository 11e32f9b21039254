/*
 * NAME
 *	cli_config - load the configuration a subcommand runs with
 * DESCRIPTION
 *	Every subcommand reads the same file the same way: -c FILE, or the
 *	source tree's samples/mugai.conf, or the installed one; every error
 *	is printed as FILE:LINE: reason.
 *
 *	The vault's commands run with rights their caller does not have
 *	(through sudo, as the vault's owner or root), and the file says
 *	which vault, log and groups they use. So unless root runs them
 *	itself, the file must be one the caller cannot have written: owned
 *	by root, not writable by group or others, in directories that are
 *	root's and writable by nobody else (as OpenSMTPD's
 *	check_file_secrecy) -- whether it was named with -c or found by
 *	default (the source tree's sample is relative to the caller's
 *	working directory).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cli/cli.h"
#include "policy/config.h"
#include "vault/identity.h"

/* cli_load_policy - the policy from conf (NULL: the default path), or NULL after printing why */
policy *cli_load_policy(const char **conf)
{
    config_errors errs;

    if (!*conf)
        *conf = config_default_path();
    config_errors_init(&errs);
    policy *p = config_load(*conf, &errs);
    if (!p)
        config_errors_print(&errs, stderr);
    config_errors_free(&errs);
    return p;
}

/* cli_root_direct - 1 when root runs the command itself, not sudo for another user */
int cli_root_direct(void)
{
    uid_t su;
    return getuid() == 0 && !(identity_sudo_caller(&su) && su != 0);
}

/* cli_secret_one - path owned by root and writable by nobody else */
static int cli_secret_one(const char *path, int dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is not a %s", path, dir ? "directory" : "regular file");
        return -1;
    }
    /* a root-owned sticky directory (/tmp) lets nobody else replace the
     * root-owned entry below it, so its write bits do not matter */
    int sticky = dir && (st.st_mode & S_ISVTX);
    if (st.st_uid != 0 || (!sticky && (st.st_mode & (S_IWGRP | S_IWOTH)))) {
        snprintf(err, errlen, "%s must be root's and writable by nobody else (owner uid %lu, "
                 "mode %04o)", path, (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    return 0;
}

/* cli_config_secret - the file and every directory above it are root's alone */
int cli_config_secret(const char *path, char *err, size_t errlen)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (cli_secret_one(real, 0, err, errlen) < 0)
        return -1;
    for (char *slash = strrchr(real, '/'); slash; slash = strrchr(real, '/')) {
        slash[slash == real] = 0;	/* "/a/b" -> "/a", "/a" -> "/" */
        if (cli_secret_one(real, 1, err, errlen) < 0)
            return -1;
        if (slash == real)
            break;
    }
    return 0;
}

/* cli_load_vault_policy - cli_load_policy, refusing a file the caller could have written */
policy *cli_load_vault_policy(const char **conf)
{
    char err[PATH_MAX + 128];
    if (!*conf)
        *conf = config_default_path();
    if (!cli_root_direct() && cli_config_secret(*conf, err, sizeof(err)) < 0) {
        fprintf(stderr, "mugai: refusing configuration %s: %s: run through sudo, the vault's "
                "commands only read a configuration that root alone can change\n", *conf, err);
        return NULL;
    }
    return cli_load_policy(conf);
}
