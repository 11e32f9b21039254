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

/* cli_sanitize - `mugai sanitize ...` */
int cli_sanitize(int argc, char **argv);

/* cli_check_config - `mugai check-config ...` */
int cli_check_config(int argc, char **argv);

#endif
