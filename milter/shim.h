/*
 * NAME
 *	shim - the only caller of libmilter's smfi_* functions
 * DESCRIPTION
 *	Every libmilter call of mugai-milter goes through one of these thin
 *	wrappers, so that the unit tests can link a fake MTA
 *	(tests/fakes/shim_fake.c) in place of shim.c and drive the mlfi_*
 *	callbacks without libmilter or Postfix. The wrappers add nothing
 *	but the name; results are libmilter's (MI_SUCCESS / MI_FAILURE).
 */
#ifndef MUGAI_SHIM_H
#define MUGAI_SHIM_H

#include <stddef.h>
#include <libmilter/mfapi.h>

/* Per connection (callbacks and the progress thread). */
void	*shim_getpriv(SMFICTX *ctx);
int	shim_setpriv(SMFICTX *ctx, void *priv);
char	*shim_getsymval(SMFICTX *ctx, const char *name);
int	shim_replacebody(SMFICTX *ctx, const unsigned char *body, size_t len);
int	shim_chgheader(SMFICTX *ctx, const char *name, int index, const char *value);
int	shim_addheader(SMFICTX *ctx, const char *name, const char *value);
int	shim_setreply(SMFICTX *ctx, const char *rcode, const char *xcode,
		      const char *text);
int	shim_progress(SMFICTX *ctx);

/* Process wide (main.c). */
int	shim_register(struct smfiDesc *desc);
int	shim_setconn(const char *conn);
int	shim_opensocket(int rmsocket);
int	shim_settimeout(int seconds);
int	shim_main(void);
int	shim_stop(void);

#endif
