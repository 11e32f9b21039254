/*
 * NAME
 *	cmd_check_config - `mugai check-config [-c FILE]`
 * DESCRIPTION
 *	Prints every error of the file as FILE:LINE: reason and exits 1, or
 *	prints "FILE: OK" and exits 0. A file without errors whose [scan]
 *	database_dir holds no usable signatures (missing, unreadable, or
 *	older than max_database_age) is an error too: the gateway would
 *	refuse mail with it. So is a [vault] release TLS credential that
 *	does not load (missing file, a key that group or others may read,
 *	a key that does not match its certificate, an expired
 *	certificate, an unreadable CA): releases would fail; none of the
 *	three made yet is a warning. Run as root, it also warns when mugai-milter's
 *	[milter] user (with its [milter] group, as the daemon takes them)
 *	could not read the file or the signatures: the daemon reads both
 *	again after dropping root (every reload, every new database), and
 *	`sudo -u mugai mugai quarantine` reads the file too. Warnings do
 *	not change the exit status. A max_output_size larger than the
 *	local Postfix's message_size_limit is an error. `mugai show-config` prints the
 *	effective settings (file values and defaults) as a complete,
 *	commented config file.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli/cli.h"
#include "policy/config.h"
#include "policy/config_table.h"
#include "sanitizer/scan.h"
#include "sanitizer/scan_config.h"
#include "vault/smtp_tls.h"
#include "vault/vault_config.h"

/* check_config_scan - the signatures load and are fresh; 0, or -1 after one error line */
static int check_config_scan(const char *path, const policy *p)
{
    scan_settings ss;
    scan_db *db = NULL;
    char *why = NULL, stale[256];
    const char *tmp = getenv("TMPDIR");
    int rc = 0;

    scan_config_from_policy(p, &ss);
    if (ss.av == SCAN_AV_OFF)
        return 0;
    /* clamd: it must answer and its signatures must be fresh enough */
    const char *where = ss.av == SCAN_AV_CLAMD ? "clamd_socket" : "database_dir";
    const char *what = ss.av == SCAN_AV_CLAMD ? ss.clamd_socket : ss.database_dir;
    if (scan_global_init() < 0) {
        fprintf(stderr, "%s: [scan]: cannot initialise libclamav\n", path);
        return -1;
    }
    if (scan_db_load(&ss, tmp && *tmp ? tmp : "/tmp", &db, &why) < 0) {
        fprintf(stderr, "%s: [scan] %s %s: %s\n", path, where, what,
                why ? why : "cannot load the signatures");
        rc = -1;
    } else if (!scan_db_usable(db, &ss, stale, sizeof(stale))) {
        fprintf(stderr, "%s: [scan] %s %s: %s\n", path, where, what, stale);
        rc = -1;
    }
    free(why);
    scan_db_unref(db);
    return rc;
}

/* check_config_release - the release's TLS credentials load; 0, or -1 after one error line */
static int check_config_release(const char *path, const policy *p)
{
    vault_config vc;
    char err[512];
    vault_config_from_policy(p, &vc);
    smtp_tls_files f = { .cert = vc.release_tls_cert, .key = vc.release_tls_key,
                         .ca = vc.release_tls_ca };
    /* none made yet (a fresh source tree before `make run`, a new install):
     * the gateway runs without them, only releases wait for them */
    if (access(f.cert, F_OK) < 0 && errno == ENOENT && access(f.key, F_OK) < 0 &&
        errno == ENOENT && access(f.ca, F_OK) < 0 && errno == ENOENT) {
        fprintf(stderr, "%s: warning: [vault] release TLS credentials %s, %s and %s do not "
                "exist yet: releases fail until they do\n", path, f.cert, f.key, f.ca);
        return 0;
    }
    if (smtp_tls_check(&f, err, sizeof(err)) == 0)
        return 0;
    fprintf(stderr, "%s: [vault] %s\n", path, err);
    return -1;
}

#define CHECK_CONFIG_NO_FILE	1	/* the user cannot read the config */
#define CHECK_CONFIG_NO_DB	2	/* ... nor the signatures */

/* check_config_as_user - which of path and db (may be NULL) uid:gid,
 *	with user's groups, cannot read: CHECK_CONFIG_* bits, or -1 if
 *	that could not be tried */
static int check_config_as_user(const char *path, const char *db, int db_dir,
                                const char *user, uid_t uid, gid_t gid)
{
    int status, bits = 0;
    pid_t pid;

    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        /* as mugai-milter becomes its user (milter/main.c) */
        if (initgroups(user, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
            _exit(255);
        if (access(path, R_OK) < 0)
            bits |= CHECK_CONFIG_NO_FILE;
        if (db && access(db, db_dir ? R_OK | X_OK : R_OK) < 0)
            bits |= CHECK_CONFIG_NO_DB;
        _exit(bits);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)
        || WEXITSTATUS(status) == 255)
        return -1;
    return WEXITSTATUS(status);
}

/* check_config_owner - "MODE USER:GROUP" of path, for a message */
static void check_config_owner(const char *path, char *buf, size_t len)
{
    struct passwd *pw;
    struct group *gr;
    struct stat st;

    if (stat(path, &st) < 0) {
        snprintf(buf, len, "?");
        return;
    }
    pw = getpwuid(st.st_uid);
    gr = getgrgid(st.st_gid);
    snprintf(buf, len, "%04o %s:%s", (unsigned)(st.st_mode & 07777),
             pw ? pw->pw_name : "?", gr ? gr->gr_name : "?");
}

/* check_config_reach - warn when the daemon's user could not read the
 *	file or its signatures once it has dropped root */
static void check_config_reach(const char *path, const policy *p)
{
    struct passwd *pw;
    struct group *gr;
    struct stat st;
    scan_settings ss;
    const char *db = NULL;
    char owner[160];
    int bits;

    if (geteuid() != 0)
        return;                 /* only root can try as another user */
    if ((pw = getpwnam(p->milter_user)) == NULL
        || (gr = getgrnam(p->milter_group)) == NULL)
        return;                 /* mugai-milter -n names that */
    scan_config_from_policy(p, &ss);
    if (ss.av == SCAN_AV_LIBCLAMAV && stat(ss.database_dir, &st) == 0)
        db = ss.database_dir;
    bits = check_config_as_user(path, db, db && S_ISDIR(st.st_mode),
                                p->milter_user, pw->pw_uid, gr->gr_gid);
    if (bits < 0)
        return;
    if (bits & CHECK_CONFIG_NO_FILE) {
        check_config_owner(path, owner, sizeof(owner));
        fprintf(stderr, "%s: warning: [milter] user %s (group %s) cannot read "
                "this file (%s, or a directory above it is closed): "
                "mugai-milter refuses every reload, and `sudo -u %s mugai "
                "quarantine` cannot start; make it root:%s 0640\n", path,
                p->milter_user, p->milter_group, owner, p->milter_user,
                p->milter_group);
    }
    if (bits & CHECK_CONFIG_NO_DB) {
        check_config_owner(db, owner, sizeof(owner));
        fprintf(stderr, "%s: warning: [milter] user %s cannot read [scan] "
                "database_dir %s (%s, or a directory above it is closed): "
                "mugai-milter has no signatures once it has dropped root\n",
                path, p->milter_user, db, owner);
    }
}

/*
 * check_config_postfix - max_output_size is not larger than what Postfix
 * accepts (postconf -h message_size_limit, when postconf answers; 0 there
 * means no limit): a larger sanitized message would be refused after the
 * gateway accepted the original. 0, or -1 after one error line.
 */
static int check_config_postfix(const char *path, const policy *p)
{
    char line[64] = "";
    FILE *f = popen("postconf -h message_size_limit 2>/dev/null", "r");
    if (!f)
        return 0;
    int got = fgets(line, sizeof(line), f) != NULL;
    if (pclose(f) != 0 || !got)
        return 0;	/* no Postfix here: nothing to compare with */
    char *end = NULL;
    unsigned long long limit = strtoull(line, &end, 10);
    if (end == line || (*end != '\n' && *end != 0) || limit == 0)
        return 0;
    if ((unsigned long long)p->max_output_size > limit) {
        fprintf(stderr, "%s: [limits] max_output_size %zu is larger than Postfix's "
                "message_size_limit %llu (postconf): set it below\n",
                path, p->max_output_size, limit);
        return -1;
    }
    return 0;
}

/* cli_check_config - check a config file */
int cli_check_config(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    const char *path = NULL;
    int c;

    while ((c = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
        if (c == 'c') {
            path = optarg;
        } else {
            fputs("usage: mugai check-config [-c CONF]\n", stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fputs("usage: mugai check-config [-c CONF]\n", stderr);
        return CLI_EXIT_USAGE;
    }
    policy *p = cli_load_policy(&path);
    if (!p)
        return CLI_EXIT_FAIL;
    check_config_reach(path, p);
    int bad = check_config_scan(path, p) < 0;
    bad |= check_config_release(path, p) < 0;
    bad |= check_config_postfix(path, p) < 0;
    if (bad) {
        policy_unref(p);
        return CLI_EXIT_FAIL;
    }
    printf("%s: OK\n", path);
    policy_unref(p);
    return CLI_EXIT_OK;
}

/* cli_show_config - `mugai show-config [-c FILE]`: the effective settings, as a complete config file */
int cli_show_config(int argc, char **argv)
{
    const char *path = NULL;
    int c;

    optind = 1;
    while ((c = getopt(argc, argv, "c:")) != -1) {
        if (c != 'c') {
            fputs("usage: mugai show-config [-c CONF]\n", stderr);
            return CLI_EXIT_USAGE;
        }
        path = optarg;
    }
    if (optind < argc) {
        fputs("usage: mugai show-config [-c CONF]\n", stderr);
        return CLI_EXIT_USAGE;
    }
    policy *p = cli_load_policy(&path);
    if (!p)
        return CLI_EXIT_FAIL;
    int rc = config_table_write(stdout, p) < 0 || fflush(stdout) != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    policy_unref(p);
    return rc;
}
