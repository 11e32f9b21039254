/*
 * NAME
 *	cmd_check_config - `mugai check-config [-c FILE]`
 * DESCRIPTION
 *	Prints every error of the file as FILE:LINE: reason and exits 1, or
 *	prints "FILE: OK" and exits 0. `mugai show-config` prints the
 *	effective settings (file values and defaults) as a complete,
 *	commented config file.
 */
#include <getopt.h>
#include <stdio.h>
#include "cli/cli.h"
#include "policy/config.h"
#include "policy/config_table.h"

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
