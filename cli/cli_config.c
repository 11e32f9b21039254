/*
 * NAME
 *	cli_config - load the configuration a subcommand runs with
 * DESCRIPTION
 *	Every subcommand reads the same file the same way: -c FILE, or the
 *	source tree's samples/mugai.conf, or the installed one; every error
 *	is printed as FILE:LINE: reason.
 */
#include <stdio.h>
#include "cli/cli.h"
#include "policy/config.h"

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
