/*
 * NAME
 *	verdict - refusals as SMTP replies that libmilter and Postfix accept
 * DESCRIPTION
 *	A refusal is a reply code, an enhanced status code and one line of
 *	text. libmilter ignores a reply whose class does not match the
 *	return code, text with CR or LF, text over 980 bytes, and text with
 *	a single '%'; Postfix takes "%%" for '%'. verdict_refuse() checks
 *	the codes against the kind of refusal (falling back to 451 4.3.0
 *	or 550 5.7.1), makes the text printable ASCII, doubles '%', cuts it,
 *	sets the reply and returns the matching SMFIS_* code.
 */
#ifndef MUGAI_VERDICT_H
#define MUGAI_VERDICT_H

#include <stddef.h>
#include <libmilter/mfapi.h>

/* verdict_text - reason made safe for smfi_setreply into buf */
void verdict_text(const char *reason, char *buf, size_t len);

/*
 * verdict_refuse - set the reply on ctx and return SMFIS_REJECT
 *	(permanent) or SMFIS_TEMPFAIL. code/xcode may be NULL or wrong for
 *	the kind; reason may be NULL.
 */
sfsistat verdict_refuse(SMFICTX *ctx, int permanent, const char *code,
			const char *xcode, const char *reason);

#endif
