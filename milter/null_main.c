/*
 * NAME
 *	null_main - mugai-null-milter: a milter that does nothing, for the bench
 * SYNOPSIS
 *	mugai-null-milter unix:PATH
 * DESCRIPTION
 *	Receives every event mugai-milter receives (the same negotiation:
 *	no HELO, DATA or unknown commands, no reply per header), keeps
 *	nothing and changes nothing. bench/smtp.sh runs Postfix with it to
 *	measure what any libmilter milter costs on the machine, apart from
 *	the work it does: the floor under mugai-milter's rate. Not installed.
 *	The socket is made 0666 so that Postfix can reach it.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "milter/shim.h"

/* null_negotiate - the steps mugai-milter also turns off */
static sfsistat null_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			       unsigned long f2, unsigned long f3, unsigned long *pf0,
			       unsigned long *pf1, unsigned long *pf2,
			       unsigned long *pf3)
{
    (void)ctx;
    (void)f2;
    (void)f3;
    *pf0 = f0 & (SMFIF_CHGBODY | SMFIF_CHGHDRS | SMFIF_ADDHDRS);
    *pf1 = f1 & (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NR_HDR);
    *pf2 = *pf3 = 0;
    return SMFIS_CONTINUE;
}

/* null_args - MAIL FROM and RCPT TO: go on */
static sfsistat null_args(SMFICTX *ctx, char **argv)
{
    (void)ctx;
    (void)argv;
    return SMFIS_CONTINUE;
}

/* null_connect, null_header, null_body, null_step - go on, keeping nothing */
static sfsistat null_connect(SMFICTX *ctx, char *host, struct sockaddr *addr)
{
    (void)ctx;
    (void)host;
    (void)addr;
    return SMFIS_CONTINUE;
}

static sfsistat null_header(SMFICTX *ctx, char *name, char *value)
{
    (void)ctx;
    (void)name;
    (void)value;
    return SMFIS_NOREPLY;
}

static sfsistat null_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    (void)ctx;
    (void)chunk;
    (void)len;
    return SMFIS_CONTINUE;
}

static sfsistat null_step(SMFICTX *ctx)
{
    (void)ctx;
    return SMFIS_CONTINUE;
}

int main(int argc, char **argv)
{
    static struct smfiDesc desc = {
	.xxfi_name = "mugai-null-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_CHGBODY | SMFIF_CHGHDRS | SMFIF_ADDHDRS,
	.xxfi_connect = null_connect,
	.xxfi_envfrom = null_args,
	.xxfi_envrcpt = null_args,
	.xxfi_header = null_header,
	.xxfi_eoh = null_step,
	.xxfi_body = null_body,
	.xxfi_eom = null_step,
	.xxfi_abort = null_step,
	.xxfi_close = null_step,
	.xxfi_negotiate = null_negotiate,
    };

    if (argc != 2) {
	fprintf(stderr, "usage: mugai-null-milter unix:PATH\n");
	return 2;
    }
    umask(0);
    if (shim_setconn(argv[1]) != MI_SUCCESS || shim_register(&desc) != MI_SUCCESS
	|| shim_opensocket(1) != MI_SUCCESS) {
	fprintf(stderr, "mugai-null-milter: cannot listen on %s\n", argv[1]);
	return 1;
    }
    return shim_main() == MI_SUCCESS ? 0 : 1;
}
