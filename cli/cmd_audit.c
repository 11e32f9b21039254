/*
 * NAME
 *	cmd_audit - `mugai audit verify`: check the vault's audit chain
 * DESCRIPTION
 *	Walks the whole hash chain of the audit log and its head file and
 *	names the first record that was edited, deleted or moved. Read
 *	only: it needs read access to the log (mode 0640, the vault's
 *	group), not the vault itself.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "policy/config.h"
#include "vault/audit.h"
#include "vault/vault.h"
#include "vault/vault_config.h"

#define AUDIT_EXIT_NOINPUT	66	/* the log cannot be read */

/* audit_cmd_usage - synopsis */
static int audit_cmd_usage(void)
{
    fputs("usage: mugai audit [-c CONF] [--audit-log FILE] verify\n", stderr);
    return CLI_EXIT_USAGE;
}

/* cli_audit - `mugai audit verify` */
int cli_audit(int argc, char **argv)
{
    static const struct option lo[] = {
        { "config", required_argument, NULL, 'c' },
        { "audit-log", required_argument, NULL, 'A' },
        { NULL, 0, NULL, 0 },
    };
    const char *conf = NULL, *alog = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "c:", lo, NULL)) != -1) {
        switch (c) {
        case 'c': conf = optarg; break;
        case 'A': alog = optarg; break;
        default: return audit_cmd_usage();
        }
    }
    if (optind + 1 != argc || strcmp(argv[optind], "verify") != 0)
        return audit_cmd_usage();
    if (!alog) {
        policy *p = cli_load_policy(&conf);
        if (!p) {
            fprintf(stderr, "mugai: invalid configuration %s\n", conf);
            return CLI_EXIT_FAIL;
        }
        vault_config vc;
        vault_config_from_policy(p, &vc);
        static char path[VAULT_PATH_SIZE];
        snprintf(path, sizeof(path), "%s", vc.audit_log);
        alog = path;
        policy_unref(p);
    }
    audit_report rep;
    int rc = audit_verify(alog, &rep);
    if (rc < 0) {
        fprintf(stderr, "mugai: %s\n", rep.what);
        return AUDIT_EXIT_NOINPUT;
    }
    if (rc > 0) {
        fprintf(stderr, "mugai: audit log %s: %s: %s\n", alog, audit_problem_name(rep.problem),
                rep.what);
        return CLI_EXIT_FAIL;
    }
    printf("audit log %s: %s\n", alog, rep.what);
    return CLI_EXIT_OK;
}
