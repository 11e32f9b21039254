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
 *	certificate, an unreadable CA): releases would fail. `mugai show-config` prints the
 *	effective settings (file values and defaults) as a complete,
 *	commented config file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
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
    if (smtp_tls_check(&f, err, sizeof(err)) == 0)
        return 0;
    fprintf(stderr, "%s: [vault] %s\n", path, err);
    return -1;
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
    int bad = check_config_scan(path, p) < 0;
    bad |= check_config_release(path, p) < 0;
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
