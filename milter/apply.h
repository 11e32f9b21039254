/*
 * NAME
 *	apply - turn the original message in the MTA into the engine's output
 * DESCRIPTION
 *	Postfix keeps the original header block and body; the milter edits
 *	them at end of message. apply_result() first replaces the whole
 *	body (smfi_replacebody in pieces of one milter packet), then, and
 *	never interleaved with it, edits the headers so that they become
 *	exactly the engine's output list: every instance of a field the
 *	engine drops (its delete list, forged X-Mugai-*, and every original
 *	MIME-Version and Content-* field, which the new body's own fields
 *	replace) is deleted by index from the last to the first, fields
 *	whose value changed
 *	(Subject, re-encoded fields) are changed in place, and fields new
 *	to the message (MIME-Version, Content-Type,
 *	Content-Transfer-Encoding, X-Mugai-Result, a missing Subject) are
 *	appended in the engine's order. Any failed call fails the whole
 *	application: the caller must tempfail, never let a half-edited
 *	message through.
 */
#ifndef MUGAI_APPLY_H
#define MUGAI_APPLY_H

#include <stddef.h>
#include <libmilter/mfapi.h>

#include "milter/context.h"
#include "sanitizer/engine.h"

typedef struct apply_stats {
    unsigned	body_calls;	/* smfi_replacebody calls */
    unsigned	deleted;	/* header instances deleted */
    unsigned	changed;	/* header instances changed */
    unsigned	added;		/* header fields added */
} apply_stats;

/*
 * apply_result - apply a SANITIZED result to the message of ctx.
 *	hdrs/nhdrs are the original fields as received; leadspc tells
 *	whether values carry their own leading blank (SMFIP_HDR_LEADSPC).
 *	Returns 0; -2 before any change when an output field is too large
 *	for one milter packet (a limit: the caller refuses per on_limit);
 *	-1 after logging what failed.
 */
int apply_result(SMFICTX *ctx, const context_header *hdrs, size_t nhdrs,
		 int leadspc, const engine_result *res, const char *qid,
		 apply_stats *st);

#endif
