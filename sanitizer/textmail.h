/*
 * NAME
 *	textmail - build the text-mode output message
 * DESCRIPTION
 *	From the collected body text and the report: the notice, wrapping,
 *	the output charset and transfer encoding, and the header block
 *	(original top-level fields minus the MIME ones, subject tag, result
 *	header, no forged X-Mugai-*).
 */
#ifndef MUGAI_TEXTMAIL_H
#define MUGAI_TEXTMAIL_H

#include <gmime/gmime.h>
#include "sanitizer/engine.h"
#include "sanitizer/engine_ctx.h"

/* textmail_build - fill res->headers/body; on failure engine_fail is called */
int textmail_build(engine_ctx *e, GMimeMessage *msg, strbuf *body, int crlf,
                   engine_result *res);

#endif
