/*
 * NAME
 *	main - the mugai command: dispatch to a subcommand
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "sanitizer/engine.h"

#define MUGAI_VERSION "0.1.0"

/* main_usage - the command's synopsis */
static void main_usage(FILE *out)
{
    fputs("usage: mugai sanitize [-c CONF] [--mode text|cdr] [--report FILE.json] [IN|-] [-o OUT|-]\n"
          "       mugai check-config [-c CONF]\n"
          "       mugai show-config [-c CONF]\n"
          "       mugai quarantine [-c CONF] list|show|export|request|requests|approve|deny|purge ...\n"
          "       mugai audit [-c CONF] verify\n"
          "       mugai version\n", out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        main_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "sanitize") == 0) {
        engine_global_init();
        int rc = cli_sanitize(argc - 1, argv + 1);
        engine_global_done();
        return rc;
    }
    if (strcmp(cmd, "quarantine") == 0) {
        engine_global_init();
        int rc = cli_quarantine(argc - 1, argv + 1);
        engine_global_done();
        return rc;
    }
    if (strcmp(cmd, "audit") == 0)
        return cli_audit(argc - 1, argv + 1);
    if (strcmp(cmd, "check-config") == 0)
        return cli_check_config(argc - 1, argv + 1);
    if (strcmp(cmd, "show-config") == 0)
        return cli_show_config(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("mugai %s\n", MUGAI_VERSION);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        main_usage(stdout);
        return CLI_EXIT_OK;
    }
    fprintf(stderr, "mugai: unknown command '%s'\n", cmd);
    main_usage(stderr);
    return CLI_EXIT_USAGE;
}
