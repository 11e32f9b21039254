/*
 * NAME
 *	apply - turn the original message in the MTA into the engine's output
 * DESCRIPTION
 *	See apply.h. Header indexes are 1-based among the fields of one
 *	name in the message as received (Postfix hides its own Received:
 *	field, which we never touch). Deleting from the highest index down
 *	gives the same result whether or not the MTA renumbers after a
 *	deletion. Values are compared after removing the leading blank
 *	and CRs, so an unchanged field is left alone byte for byte.
 * DIAGNOSTICS
 *	Each failed smfi_* call is logged with the queue ID and the field.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "milter/apply.h"
#include "milter/log.h"
#include "milter/shim.h"
#include "sanitizer/limits.h"

/* apply_body - the whole new body, one packet at a time */
static int apply_body(SMFICTX *ctx, const engine_result *res, const char *qid,
		      apply_stats *st)
{
    const unsigned char *p = (const unsigned char *)res->body;
    size_t left = res->body_len, n;

    /* a zero-length replacement is no replacement at all in libmilter:
     * an empty output body must still remove the original one */
    if (left == 0) {
	p = (const unsigned char *)"\r\n";
	left = 2;
    }
    while (left > 0) {
	n = left < LIMITS_MILTER_BODY_CHUNK ? left : LIMITS_MILTER_BODY_CHUNK;
	if (shim_replacebody(ctx, p, n) != MI_SUCCESS) {
	    log_err("%s: smfi_replacebody failed after %u pieces", qid,
		    st->body_calls);
	    return -1;
	}
	st->body_calls++;
	p += n;
	left -= n;
    }
    return 0;
}

/* apply_same - values equal but for the leading blank and CRs */
static int apply_same(const char *a, const char *b)
{
    a += strspn(a, " \t");
    b += strspn(b, " \t");
    for (;;) {
	while (*a == '\r')
	    a++;
	while (*b == '\r')
	    b++;
	if (*a != *b)
	    return 0;
	if (*a == '\0')
	    return 1;
	a++;
	b++;
    }
}

/* apply_fits - whether name and value fit one milter packet */
static int apply_fits(const char *name, const char *value)
{
    /* the packet holds the index, both strings and their NULs */
    return strlen(name) + strlen(value) + 8 <= LIMITS_MILTER_BODY_CHUNK;
}

/* apply_value - v as the MTA wants it: "\n" between folded lines, no CR,
 *	and a leading blank only when the MTA does not add one itself */
static char *apply_value(const char *v, int leadspc)
{
    size_t n = strlen(v), o = 0, i;
    char *out;

    v += strspn(v, " \t");
    if ((out = malloc(n + 2)) == NULL)
	return NULL;
    if (leadspc)
	out[o++] = ' ';
    for (i = 0; v[i]; i++)
	if (v[i] != '\r')
	    out[o++] = v[i];
    out[o] = '\0';
    return out;
}

/* apply_in_list - whether name is one of names (case-insensitive) */
static int apply_in_list(char *const *names, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
	if (strcasecmp(names[i], name) == 0)
	    return 1;
    return 0;
}

/* apply_replaced - whether the output's own field of this name replaces
 *	every original instance (delete all, then append): the MIME fields
 *	that describe the new body and our X-Mugai-* fields, whatever the
 *	engine's delete list says, plus every name on that list */
static int apply_replaced(const engine_result *res, const char *name)
{
    return strcasecmp(name, "MIME-Version") == 0
	|| strncasecmp(name, "Content-", 8) == 0
	|| strncasecmp(name, "X-Mugai-", 8) == 0
	|| apply_in_list(res->delete_headers, res->ndelete, name);
}

/* apply_seen_before - whether a field called name occurs in
 *	hdrs[0..i) (to handle each name once) */
static int apply_seen_before(const context_header *hdrs, size_t i,
			     const char *name)
{
    size_t k;

    for (k = 0; k < i; k++)
	if (strcasecmp(hdrs[k].name, name) == 0)
	    return 1;
    return 0;
}

/* apply_delete_from - delete instances count down to from+1 of name */
static int apply_delete_from(SMFICTX *ctx, const char *name, size_t count,
			     size_t from, const char *qid, apply_stats *st)
{
    size_t i;

    for (i = count; i > from; i--) {
	if (shim_chgheader(ctx, name, (int)i, NULL) != MI_SUCCESS) {
	    log_err("%s: smfi_chgheader delete %s[%zu] failed", qid, name, i);
	    return -1;
	}
	st->deleted++;
    }
    return 0;
}

/* apply_name - bring every field called name to the output's values:
 *	changes in place and deletions now, additions left for later */
static int apply_name(SMFICTX *ctx, const context_header *hdrs, size_t nhdrs,
		      int leadspc, const engine_result *res, const char *name,
		      int dropped, const char *qid, apply_stats *st)
{
    size_t orig = 0, out = 0, i, j, k;
    char *v;

    for (i = 0; i < nhdrs; i++)
	orig += strcasecmp(hdrs[i].name, name) == 0;
    if (dropped)			/* all of them go; new ones are added */
	return apply_delete_from(ctx, name, orig, 0, qid, st);
    for (k = 0; k < res->nheaders; k++)
	out += strcasecmp(res->headers[k].name, name) == 0;
    /* the j-th original instance against the j-th output instance */
    for (i = 0, k = 0, j = 0; j < orig && j < out; j++, i++, k++) {
	while (strcasecmp(hdrs[i].name, name) != 0)
	    i++;
	while (strcasecmp(res->headers[k].name, name) != 0)
	    k++;
	if (apply_same(hdrs[i].value, res->headers[k].value))
	    continue;
	if (!apply_fits(name, res->headers[k].value)) {
	    log_warn("%s: header field %s too large for the milter protocol",
		     qid, name);
	    return -2;
	}
	if ((v = apply_value(res->headers[k].value, leadspc)) == NULL) {
	    log_err("%s: out of memory editing %s", qid, name);
	    return -1;
	}
	if (shim_chgheader(ctx, name, (int)(j + 1), v) != MI_SUCCESS) {
	    log_err("%s: smfi_chgheader %s[%zu] failed", qid, name, j + 1);
	    free(v);
	    return -1;
	}
	free(v);
	st->changed++;
    }
    return apply_delete_from(ctx, name, orig, out, qid, st);
}

/* apply_headers - the header edits, after the body */
static int apply_headers(SMFICTX *ctx, const context_header *hdrs,
			 size_t nhdrs, int leadspc, const engine_result *res,
			 const char *qid, apply_stats *st)
{
    size_t i, k, orig, nth;
    int dropped, rc;
    char *v;

    /* names of the original: change or delete */
    for (i = 0; i < nhdrs; i++) {
	if (apply_seen_before(hdrs, i, hdrs[i].name))
	    continue;
	dropped = apply_replaced(res, hdrs[i].name);
	if ((rc = apply_name(ctx, hdrs, nhdrs, leadspc, res, hdrs[i].name,
			     dropped, qid, st)) < 0)
	    return rc;
    }
    /* output fields beyond the originals of their name: append in order */
    for (i = 0; i < res->nheaders; i++) {
	const char *name = res->headers[i].name;

	dropped = apply_replaced(res, name);
	for (orig = 0, k = 0; !dropped && k < nhdrs; k++)
	    orig += strcasecmp(hdrs[k].name, name) == 0;
	for (nth = 0, k = 0; k < i; k++)
	    nth += strcasecmp(res->headers[k].name, name) == 0;
	if (nth < orig)
	    continue;			/* handled in place above */
	if (!apply_fits(name, res->headers[i].value)) {
	    log_warn("%s: header field %s too large for the milter protocol",
		     qid, name);
	    return -2;
	}
	if ((v = apply_value(res->headers[i].value, leadspc)) == NULL) {
	    log_err("%s: out of memory adding %s", qid, name);
	    return -1;
	}
	if (shim_addheader(ctx, name, v) != MI_SUCCESS) {
	    log_err("%s: smfi_addheader %s failed", qid, name);
	    free(v);
	    return -1;
	}
	free(v);
	st->added++;
    }
    return 0;
}

/* apply_result - body first, then headers */
int apply_result(SMFICTX *ctx, const context_header *hdrs, size_t nhdrs,
		 int leadspc, const engine_result *res, const char *qid,
		 apply_stats *st)
{
    size_t i;

    memset(st, 0, sizeof *st);
    if (res->verdict != ENGINE_SANITIZED) {
	log_err("%s: internal error: no sanitized output to apply", qid);
	return -1;
    }
    /* a field that cannot be sent is found before anything is sent */
    for (i = 0; i < res->nheaders; i++) {
	if (!apply_fits(res->headers[i].name, res->headers[i].value)) {
	    log_warn("%s: header field %s too large for the milter protocol",
		     qid, res->headers[i].name);
	    return -2;
	}
    }
    if (apply_body(ctx, res, qid, st) < 0)
	return -1;
    return apply_headers(ctx, hdrs, nhdrs, leadspc, res, qid, st);
}
