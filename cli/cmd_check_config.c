/*
 * NAME
 *	cmd_check_config - `mugai check-config [-c FILE]`
 * DESCRIPTION
 *	Prints every error of the file as FILE:LINE: reason and exits 1, or
 *	prints "FILE: OK" and exits 0. A file without errors whose [scan]
 *	database_dir holds no usable signatures (missing, unreadable, or
 *	older than max_database_age) is an error too: the gateway would
 *	refuse mail with it; so is a max_output_size larger than the local
 *	Postfix's message_size_limit. `mugai show-config` prints the
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
    if (check_config_scan(path, p) < 0 || check_config_postfix(path, p) < 0) {
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
