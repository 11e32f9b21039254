/*
 * NAME
 *	callbacks - the libmilter callbacks of mugai-milter
 * DESCRIPTION
 *	callbacks_desc() is the smfiDesc that main.c registers. Each
 *	callback is short: find the context, hand the data to the spool or
 *	the context, and at end of message run the engine and apply or
 *	refuse its result. Every failure inside a callback is answered with
 *	a tempfail, never an abort and never an unsanitized acceptance.
 *	Exported for the unit tests, which call the callbacks directly
 *	with a fake MTA behind milter/shim.h.
 */
#ifndef MUGAI_CALLBACKS_H
#define MUGAI_CALLBACKS_H

#include <sys/socket.h>
#include <libmilter/mfapi.h>

/* callbacks_desc - the filter description to register */
struct smfiDesc *callbacks_desc(void);

sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			unsigned long f2, unsigned long f3, unsigned long *pf0,
			unsigned long *pf1, unsigned long *pf2,
			unsigned long *pf3);
sfsistat mlfi_connect(SMFICTX *ctx, char *hostname, struct sockaddr *addr);
sfsistat mlfi_envfrom(SMFICTX *ctx, char **argv);
sfsistat mlfi_envrcpt(SMFICTX *ctx, char **argv);
sfsistat mlfi_header(SMFICTX *ctx, char *name, char *value);
sfsistat mlfi_eoh(SMFICTX *ctx);
sfsistat mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len);
sfsistat mlfi_eom(SMFICTX *ctx);
sfsistat mlfi_abort(SMFICTX *ctx);
sfsistat mlfi_close(SMFICTX *ctx);

#endif
