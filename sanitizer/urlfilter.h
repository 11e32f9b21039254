/*
 * NAME
 *	urlfilter - keep, defang or remove link targets in text output
 * DESCRIPTION
 *	Staff on LGWAN terminals must not be one click away from a phishing
 *	site, so by default link targets are defanged (hxxps://example[.]com).
 *	web URLs (http, https, ftp, www.), mailto: and tel: each have their
 *	own policy.
 */
#ifndef MUGAI_URLFILTER_H
#define MUGAI_URLFILTER_H

#include <stddef.h>
#include "policy/policy.h"

typedef struct urlfilter_policy {
    policy_url	web;
    policy_url	mailto;
    policy_url	tel;
    policy_lang	language;	/* for the "removed" marker */
} urlfilter_policy;

/*
 * urlfilter_link - render one link target (from an href) for the text.
 * Returns a malloc'ed UTF-8 string: the target as the policy renders it,
 * or the marker that says it was removed ("[URL削除]", *removed set to 1);
 * NULL when the target is not worth listing (javascript:, data:,
 * fragment-only) or memory ran out.
 */
char *urlfilter_link(const urlfilter_policy *p, const char *url, int *removed);

/*
 * urlfilter_text - apply the policy to every URL, mailto: and tel: found
 * in plain UTF-8 text. Returns a malloc'ed NUL-terminated string and its
 * length in *outlen.
 */
char *urlfilter_text(const urlfilter_policy *p, const char *text, size_t len,
                     size_t *outlen);

#endif
