/*
 * NAME
 *	shim_fake - a fake MTA behind milter/shim.h for the unit tests
 * DESCRIPTION
 *	See shim_fake.h. Not thread-safe except for progress, which the
 *	progress ticker calls from its own thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "milter/shim.h"
#include "tests/fakes/shim_fake.h"

fake_mta fake;

/* fake_reset - a fresh MTA */
void fake_reset(void)
{
    size_t i;

    free(fake.body);
    for (i = 0; i < fake.nedits; i++) {
	free(fake.edits[i].name);
	free(fake.edits[i].value);
    }
    free(fake.edits);
    memset(&fake, 0, sizeof fake);
}

/* shim_getpriv - fake: recorded in fake */
void *shim_getpriv(SMFICTX *ctx)
{
    (void)ctx;
    return fake.priv;
}

/* shim_setpriv - fake: recorded in fake */
int shim_setpriv(SMFICTX *ctx, void *priv)
{
    (void)ctx;
    fake.priv = priv;
    return MI_SUCCESS;
}

/* shim_getsymval - fake: the queue ID for "i" */
char *shim_getsymval(SMFICTX *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "i") == 0 ? (char *)fake.queue_id : NULL;
}

/* shim_replacebody - fake: recorded in fake */
int shim_replacebody(SMFICTX *ctx, const unsigned char *body, size_t len)
{
    (void)ctx;
    if (fake.fail_body)
	return MI_FAILURE;
    if (fake.nedits)
	fake.interleaved = 1;
    fake.body = realloc(fake.body, fake.body_len + len + 1);
    memcpy(fake.body + fake.body_len, body, len);
    fake.body_len += len;
    fake.body[fake.body_len] = '\0';
    fake.body_calls++;
    if (len > fake.max_piece)
	fake.max_piece = len;
    return MI_SUCCESS;
}

/* fake_record - append one header edit */
static void fake_record(fake_edit_kind kind, const char *name, int index,
			const char *value)
{
    fake.edits = realloc(fake.edits, (fake.nedits + 1) * sizeof *fake.edits);
    fake.edits[fake.nedits].kind = kind;
    fake.edits[fake.nedits].name = strdup(name);
    fake.edits[fake.nedits].index = index;
    fake.edits[fake.nedits].value = value ? strdup(value) : NULL;
    fake.nedits++;
}

/* shim_chgheader - fake: recorded in fake */
int shim_chgheader(SMFICTX *ctx, const char *name, int index, const char *value)
{
    (void)ctx;
    if (fake.fail_chg)
	return MI_FAILURE;
    fake_record(FAKE_CHG, name, index, value);
    return MI_SUCCESS;
}

/* shim_addheader - fake: recorded in fake */
int shim_addheader(SMFICTX *ctx, const char *name, const char *value)
{
    (void)ctx;
    if (fake.fail_add)
	return MI_FAILURE;
    fake_record(FAKE_ADD, name, 0, value);
    return MI_SUCCESS;
}

/* shim_setreply - fake: recorded in fake */
int shim_setreply(SMFICTX *ctx, const char *rcode, const char *xcode,
		  const char *text)
{
    (void)ctx;
    snprintf(fake.rcode, sizeof fake.rcode, "%s", rcode ? rcode : "");
    snprintf(fake.xcode, sizeof fake.xcode, "%s", xcode ? xcode : "");
    snprintf(fake.text, sizeof fake.text, "%s", text ? text : "");
    fake.replies++;
    return MI_SUCCESS;
}

/* shim_progress - fake: recorded in fake */
int shim_progress(SMFICTX *ctx)
{
    (void)ctx;
    __atomic_add_fetch(&fake.progress, 1, __ATOMIC_RELAXED);
    return MI_SUCCESS;
}

/* shim_register - fake: recorded in fake */
int shim_register(struct smfiDesc *desc)
{
    (void)desc;
    return MI_SUCCESS;
}

/* shim_setconn - fake: recorded in fake */
int shim_setconn(const char *conn)
{
    (void)conn;
    return MI_SUCCESS;
}

/* shim_opensocket - fake: recorded in fake */
int shim_opensocket(int rmsocket)
{
    (void)rmsocket;
    return MI_SUCCESS;
}

/* shim_settimeout - fake: recorded in fake */
int shim_settimeout(int seconds)
{
    (void)seconds;
    return MI_SUCCESS;
}

/* shim_main - fake: recorded in fake */
int shim_main(void)
{
    return MI_SUCCESS;
}

/* shim_stop - fake: recorded in fake */
int shim_stop(void)
{
    return MI_SUCCESS;
}

/* fake_fields_free - free a list */
void fake_fields_free(fake_field *f, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
	free(f[i].name);
	free(f[i].value);
    }
    free(f);
}

/* fake_headers_apply - Postfix's view: an index counts the instances of
 *	a name still present, in the order received */
int fake_headers_apply(const fake_field *in, size_t n, fake_field **out,
		       size_t *nout)
{
    fake_field *f = calloc(n + fake.nedits + 1, sizeof *f);
    size_t m = n, i, k;
    int seen;

    for (i = 0; i < n; i++) {
	f[i].name = strdup(in[i].name);
	f[i].value = strdup(in[i].value);
    }
    for (i = 0; i < fake.nedits; i++) {
	const fake_edit *e = &fake.edits[i];

	if (e->kind == FAKE_ADD) {
	    f[m].name = strdup(e->name);
	    f[m].value = strdup(e->value);
	    m++;
	    continue;
	}
	for (seen = 0, k = 0; k < m; k++)
	    if (strcasecmp(f[k].name, e->name) == 0 && ++seen == e->index)
		break;
	if (k == m) {
	    fake_fields_free(f, m);
	    return -1;
	}
	if (e->value) {
	    free(f[k].value);
	    f[k].value = strdup(e->value);
	} else {
	    free(f[k].name);
	    free(f[k].value);
	    memmove(&f[k], &f[k + 1], (m - k - 1) * sizeof *f);
	    m--;
	}
    }
    *out = f;
    *nout = m;
    return 0;
}
