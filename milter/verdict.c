/*
 * NAME
 *	verdict - refusals as SMTP replies that libmilter and Postfix accept
 * DESCRIPTION
 *	See verdict.h. A failed smfi_setreply is not fatal: the return code
 *	alone still refuses the message, with Postfix's generic text.
 */
#include <string.h>

#include "milter/log.h"
#include "milter/shim.h"
#include "milter/verdict.h"
#include "sanitizer/limits.h"

/* verdict_code_ok - "Cnn" of class c */
static int verdict_code_ok(const char *code, char c)
{
    return code && code[0] == c && code[1] >= '0' && code[1] <= '9'
	&& code[2] >= '0' && code[2] <= '9' && code[3] == '\0';
}

/* verdict_xcode_ok - "c.n.n" of class c, digits only */
static int verdict_xcode_ok(const char *x, char c)
{
    size_t i, dots = 0;

    if (x == NULL || x[0] != c || x[1] != '.')
	return 0;
    for (i = 1; x[i]; i++) {
	if (x[i] == '.')
	    dots++;
	else if (x[i] < '0' || x[i] > '9')
	    return 0;
	if (i > 10)
	    return 0;
    }
    return dots == 2 && x[i - 1] != '.';
}

/* verdict_text - printable ASCII, '%' doubled, within the reply limit */
void verdict_text(const char *reason, char *buf, size_t len)
{
    static const char prefix[] = "mugai: ";
    const unsigned char *u;
    size_t o, max;

    if (len == 0)
	return;
    max = len - 1 < LIMITS_MILTER_REPLY ? len - 1 : LIMITS_MILTER_REPLY;
    o = 0;
    for (u = (const unsigned char *)prefix; *u && o < max; u++)
	buf[o++] = (char)*u;
    for (u = (const unsigned char *)(reason ? reason : "message refused");
	 *u; u++) {
	if (*u == '%') {
	    if (o + 2 > max)
		break;
	    buf[o++] = '%';
	    buf[o++] = '%';
	    continue;
	}
	if (o + 1 > max)
	    break;
	/* non-ASCII (e.g. UTF-8 from a header) and controls: '?' */
	buf[o++] = *u >= 0x20 && *u < 0x7f ? (char)*u : '?';
    }
    buf[o] = '\0';
}

/* verdict_refuse - reply and return code for a refusal */
sfsistat verdict_refuse(SMFICTX *ctx, int permanent, const char *code,
			const char *xcode, const char *reason)
{
    char text[LIMITS_MILTER_REPLY + 1];
    char c = permanent ? '5' : '4';

    if (!verdict_code_ok(code, c) || !verdict_xcode_ok(xcode, c)) {
	code = permanent ? "550" : "451";
	xcode = permanent ? "5.7.1" : "4.3.0";
    }
    verdict_text(reason, text, sizeof text);
    if (shim_setreply(ctx, code, xcode, text) != MI_SUCCESS)
	log_warn("smfi_setreply %s %s failed; the MTA uses its own text",
		 code, xcode);
    return permanent ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}
