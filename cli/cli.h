/*
 * NAME
 *	cli - the mugai command's subcommands
 */
#ifndef MUGAI_CLI_H
#define MUGAI_CLI_H

/* Exit statuses, documented in mugai(1). */
#define CLI_EXIT_OK		0	/* sanitized; config valid */
#define CLI_EXIT_FAIL		1	/* config invalid; other failure */
#define CLI_EXIT_REJECT		2	/* the gateway would reject the mail */
#define CLI_EXIT_QUARANTINE	3	/* the gateway would withhold the mail */
#define CLI_EXIT_USAGE		64	/* bad command line */
#define CLI_EXIT_NOINPUT	66	/* input cannot be read */
#define CLI_EXIT_TEMPFAIL	75	/* temporary failure: not deliverable now */

struct policy;

/* cli_load_policy - the policy from *conf (NULL: the default path, stored back), or NULL after printing every error */
struct policy *cli_load_policy(const char **conf);

/* cli_root_direct - 1 when root runs the command itself (not sudo for another user) */
int cli_root_direct(void);

/* cli_config_secret - 0 when path and its directories are root's and writable by nobody else; -1 with err */
int cli_config_secret(const char *path, char *err, size_t errlen);

/* cli_load_vault_policy - cli_load_policy for the vault's commands: unless
 *	root runs them itself, the file must pass cli_config_secret */
struct policy *cli_load_vault_policy(const char **conf);

/* cli_sanitize - `mugai sanitize ...` */
int cli_sanitize(int argc, char **argv);

/* cli_show_config - `mugai show-config ...` */
int cli_show_config(int argc, char **argv);

/* cli_check_config - `mugai check-config ...` */
int cli_check_config(int argc, char **argv);

/* cli_quarantine - `mugai quarantine ...` (cli/cmd_quarantine.c) */
int cli_quarantine(int argc, char **argv);

/* cli_audit - `mugai audit verify` (cli/cmd_audit.c) */
int cli_audit(int argc, char **argv);

#endif
