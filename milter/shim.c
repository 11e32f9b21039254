/*
 * NAME
 *	shim - the only caller of libmilter's smfi_* functions
 * DESCRIPTION
 *	One wrapper per smfi_* function that mugai-milter uses; see shim.h.
 *	The casts below exist because libmilter's prototypes predate const.
 */
#include <limits.h>

#include "milter/shim.h"

/* shim_getpriv - smfi_getpriv */
void *shim_getpriv(SMFICTX *ctx)
{
    return smfi_getpriv(ctx);
}

/* shim_setpriv - smfi_setpriv */
int shim_setpriv(SMFICTX *ctx, void *priv)
{
    return smfi_setpriv(ctx, priv);
}

/* shim_getsymval - smfi_getsymval */
char *shim_getsymval(SMFICTX *ctx, const char *name)
{
    return smfi_getsymval(ctx, (char *)name);
}

/* shim_replacebody - smfi_replacebody; len must fit an int */
int shim_replacebody(SMFICTX *ctx, const unsigned char *body, size_t len)
{
    if (len > INT_MAX)
	return MI_FAILURE;
    return smfi_replacebody(ctx, (unsigned char *)body, (int)len);
}

/* shim_chgheader - smfi_chgheader; value NULL deletes */
int shim_chgheader(SMFICTX *ctx, const char *name, int index, const char *value)
{
    return smfi_chgheader(ctx, (char *)name, index, (char *)value);
}

/* shim_addheader - smfi_addheader */
int shim_addheader(SMFICTX *ctx, const char *name, const char *value)
{
    return smfi_addheader(ctx, (char *)name, (char *)value);
}

/* shim_setreply - smfi_setreply */
int shim_setreply(SMFICTX *ctx, const char *rcode, const char *xcode,
		  const char *text)
{
    return smfi_setreply(ctx, (char *)rcode, (char *)xcode, (char *)text);
}

/* shim_progress - smfi_progress */
int shim_progress(SMFICTX *ctx)
{
    return smfi_progress(ctx);
}

/* shim_register - smfi_register */
int shim_register(struct smfiDesc *desc)
{
    return smfi_register(*desc);
}

/* shim_setconn - smfi_setconn */
int shim_setconn(const char *conn)
{
    return smfi_setconn((char *)conn);
}

/* shim_opensocket - smfi_opensocket */
int shim_opensocket(int rmsocket)
{
    return smfi_opensocket(rmsocket ? true : false);
}

/* shim_settimeout - smfi_settimeout */
int shim_settimeout(int seconds)
{
    return smfi_settimeout(seconds);
}

/* shim_main - smfi_main: runs until libmilter's signal thread stops it */
int shim_main(void)
{
    return smfi_main();
}

/* shim_stop - smfi_stop */
int shim_stop(void)
{
    return smfi_stop();
}
