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
 *	through sudo as that user, or as root; for them a vault that cannot
 *	be opened, or a key that is missing once the chain says it was
 *	made, is a failure. Verifying creates nothing. A member of the
 *	vault's group alone can only check the chain of the configured log
 *	(the log is 0640), and is told so.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "policy/config.h"
#include "vault/audit.h"
#include "vault/vault.h"
#include "vault/vault_config.h"
#include "vault/vault_perm.h"

#define AUDIT_EXIT_NOINPUT	66	/* the log cannot be read */

/* audit_cmd_usage - synopsis */
static int audit_cmd_usage(void)
{
    fputs("usage: mugai audit [-c CONF] verify\n", stderr);
    return CLI_EXIT_USAGE;
}

/* audit_cmd_chain - verify the chain at path with key, or NULL; need_key:
 *	the vault is open, so a missing key is a failure once the chain says
 *	one was made; exit status */
static int audit_cmd_chain(const char *path, const unsigned char *key, int need_key)
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
    if (need_key && !key && rep.key_seq) {
        fprintf(stderr, "mugai: audit log %s: not authenticated: the audit key %s.key is "
                "missing, but record %llu made it\n", path, path, rep.key_seq);
        return CLI_EXIT_FAIL;
    }
    printf("audit log %s: %s\n", path, rep.what);
    return CLI_EXIT_OK;
}

/* audit_cmd_owner - 1 when this process is root or the vault's owner */
static int audit_cmd_owner(const vault_config *vc)
{
    uid_t owner;
    gid_t gid;
    char err[VAULT_ERR_SIZE];
    if (geteuid() == 0 || getuid() == 0)
        return 1;
    return vault_perm_resolve(vc, &owner, &gid, err, sizeof(err)) == 0 &&
           (getuid() == owner || geteuid() == owner);
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
    if (vault_open(&vc, VAULT_OPEN_VERIFY, &v, err, sizeof(err)) < 0) {
        if (audit_cmd_owner(&vc)) {
            /* Whoever could check the index and the key must: a vault that
             * cannot be opened (modes, ownership) is a failure, not a warning. */
            fprintf(stderr, "mugai: %s: the index and the key cannot be checked\n", err);
            policy_unref(p);
            return CLI_EXIT_FAIL;
        }
        /* A member of the vault's group: the chain alone, said plainly. */
        fprintf(stderr, "mugai: warning: %s: only the chain of the configured log is checked, "
                "not its key nor the index, which records the log (run as the vault's owner, "
                "e.g. sudo -u OWNER mugai audit verify)\n", err);
        rc = audit_cmd_chain(vc.audit_log, NULL, 0);
        policy_unref(p);
        return rc;
    }
    rc = audit_cmd_chain(vault_audit_log(v), vault_audit_key(v), 1);
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
