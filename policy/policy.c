/*
 * NAME
 *	policy - the immutable policy a message is judged by
 * DESCRIPTION
 *	policy_defaults() builds a policy holding the embedded defaults,
 *	which come from the config table (policy/config_table.c) and so
 *	from sanitizer/limits.h: text mode, Japanese notices, links
 *	defanged, UTF-8 output, reject on limits. config_load() starts
 *	from it and overrides what the file sets.
 *
 *	A policy is shared by reference count. The count is atomic because
 *	milter threads drop their references while the reload thread
 *	swaps in a new snapshot; the last policy_unref() frees it.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/config_table.h"
#include "policy/policy.h"

/* policy_free - release the strings and the struct */
static void policy_free(policy *p)
{
    config_table_free(p);
    free(p->source);
    free(p);
}

/* policy_defaults - a new policy with the embedded defaults, refs = 1 */
policy *policy_defaults(void)
{
    policy *p = calloc(1, sizeof *p);

    if (p == NULL)
	return NULL;
    atomic_init(&p->refs, 1);
    if ((p->source = strdup("(defaults)")) == NULL
	|| config_table_defaults(p) < 0) {
	policy_free(p);
	return NULL;
    }
    return p;
}

/* policy_ref - one more reference */
policy *policy_ref(policy *p)
{
    /* relaxed: the caller already holds a reference, so p stays valid */
    if (p != NULL)
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
    return p;
}

/* policy_unref - one reference less; free on the last */
void policy_unref(policy *p)
{
    /* acq_rel: every thread's reads happen before the final free */
    if (p != NULL
	&& atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
	policy_free(p);
}

/* policy_view - a borrowed copy of p with another mode */
void policy_view(const policy *p, policy_mode mode, policy *view)
{
    /* memcpy: the struct holds an atomic, which plain assignment
     * would read atomically for no purpose; the view's count is unused */
    memcpy((void *)view, (const void *)p, sizeof *view);
    atomic_init(&view->refs, 1);
    view->mode = mode;
}
