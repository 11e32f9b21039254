/*
 * NAME
 *	cmd_audit - `mugai audit verify`: check the vault's audit chain
 * DESCRIPTION
 *	Walks the whole hash chain of the vault's audit log (the one the
 *	vault recorded, whatever the configuration says now) and its head
 *	file and names the first record that was edited, deleted or moved;
 *	checks the head's MAC with the vault's key; then compares the
 *	vault's index with the chain (items, virus flags, releases,
 *	requests, purges). The key and the index are the vault owner's: run
 *	through sudo as that user, or as root. A member of the vault's
 *	group alone can only check the chain (the log is 0640), and is told
 *	so.
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
    fputs("usage: mugai audit [-c CONF] verify\n", stderr);
    return CLI_EXIT_USAGE;
}

/* audit_cmd_chain - verify the chain at path (with key, or NULL); exit status */
static int audit_cmd_chain(const char *path, const unsigned char *key)
{
    audit_report rep;
    int rc = audit_verify(path, key, &rep);
    if (rc < 0) {
        fprintf(stderr, "mugai: %s\n", rep.what);
        return AUDIT_EXIT_NOINPUT;
    }
    if (rc > 0) {
        fprintf(stderr, "mugai: audit log %s: %s: %s\n", path, audit_problem_name(rep.problem),
                rep.what);
        return CLI_EXIT_FAIL;
    }
    printf("audit log %s: %s\n", path, rep.what);
    return CLI_EXIT_OK;
}

/* cli_audit - `mugai audit verify` */
int cli_audit(int argc, char **argv)
{
    static const struct option lo[] = {
        { "config", required_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    const char *conf = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "c:", lo, NULL)) != -1) {
        switch (c) {
        case 'c': conf = optarg; break;
        default: return audit_cmd_usage();
        }
    }
    if (optind + 1 != argc || strcmp(argv[optind], "verify") != 0)
        return audit_cmd_usage();
    policy *p = cli_load_vault_policy(&conf);
    if (!p) {
        fprintf(stderr, "mugai: cannot use configuration %s\n", conf);
        return CLI_EXIT_FAIL;
    }
    vault_config vc;
    vault_config_from_policy(p, &vc);
    char err[VAULT_ERR_SIZE], what[1024];
    vault *v = NULL;
    int rc;
    if (vault_open(&vc, 0, &v, err, sizeof(err)) < 0) {
        /* Not the vault's owner: the chain alone, said plainly. */
        fprintf(stderr, "mugai: warning: %s: only the chain is checked, not its key nor the "
                "index (run as the vault's owner, e.g. sudo -u OWNER mugai audit verify)\n", err);
        rc = audit_cmd_chain(vc.audit_log, NULL);
        policy_unref(p);
        return rc;
    }
    rc = audit_cmd_chain(vault_audit_log(v), vault_audit_key(v));
    if (rc == CLI_EXIT_OK) {
        int r = vault_verify_index(v, what, sizeof(what));
        if (r < 0) {
            fprintf(stderr, "mugai: %s\n", vault_error(v));
            rc = CLI_EXIT_FAIL;
        } else if (r > 0) {
            fprintf(stderr, "mugai: vault index %s: does not match the audit chain: %s\n",
                    vc.dir, what);
            rc = CLI_EXIT_FAIL;
        } else {
            printf("vault index %s: %s\n", vc.dir, what);
        }
    }
    vault_close(v);
    policy_unref(p);
    return rc;
}
