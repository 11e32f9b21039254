/*
 * NAME
 *	notice - the text that tells staff what was done to their mail
 * DESCRIPTION
 *	Heads the body of every sanitized mail: that the mail was sanitized,
 *	and each removed item with its displayed name (controls and bidi
 *	marks made visible), declared type, detected type, size and SHA-256,
 *	so a recipient can ask for exactly that file. When the front end
 *	keeps the original, its vault ID is shown with the request to quote
 *	it; without one, the notice never says that the original is kept.
 */
#ifndef MUGAI_NOTICE_H
#define MUGAI_NOTICE_H

#include <stddef.h>
#include "policy/policy.h"
#include "sanitizer/report.h"

typedef struct notice_info {
    int		html_converted;	/* the body came from HTML */
    int		truncated;	/* the body text was cut at the size limit */
    unsigned long long text_limit;
    unsigned	alt_lost;	/* unchosen renderings whose text the body lacks */
    const char	*from_note;	/* original From fields (decoded) when not shown, or NULL */
    const char	*vault_id;	/* where the original is kept; NULL: not kept */
} notice_info;

/* notice_build - the notice (UTF-8, LF line ends, ends with a blank line) */
char *notice_build(const report *r, policy_lang lang, const notice_info *info,
                   size_t *len);

/*
 * notice_visible - a copy of a UTF-8 name in which control characters,
 * bidi controls and invisible characters are shown as <U+XXXX>, and
 * invalid bytes as <XX>; never NULL except on out-of-memory.
 */
char *notice_visible(const char *s);

#endif
