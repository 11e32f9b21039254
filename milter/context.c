/*
 * NAME
 *	context - per-connection and per-message state of the milter
 * DESCRIPTION
 *	See context.h. Out of memory while copying envelope or header data
 *	is remembered in the message (oom) instead of failing the callback
 *	at once, so that the answer is one tempfail at a defined point.
 */
#include <stdlib.h>
#include <string.h>

#include "milter/context.h"
#include "sanitizer/limits.h"

/* context_conn_new - zeroed connection */
conn_ctx *context_conn_new(void)
{
    return calloc(1, sizeof(conn_ctx));
}

/* context_msg_free - everything a message holds */
static void context_msg_free(msg_ctx *m)
{
    size_t i;

    if (m == NULL)
	return;
    spool_close(&m->sp);
    for (i = 0; i < m->nrcpts; i++)
	free(m->rcpts[i]);
    free(m->rcpts);
    for (i = 0; i < m->nhdrs; i++) {
	free(m->hdrs[i].name);
	free(m->hdrs[i].value);
    }
    free(m->hdrs);
    free(m->sender);
    policy_unref(m->pol);
    snapshot_unref(m->snap);
    free(m);
}

/* context_conn_free - connection and message */
void context_conn_free(conn_ctx *c)
{
    if (c == NULL)
	return;
    context_msg_end(c);
    free(c);
}

/* context_msg_start - a new message on c */
msg_ctx *context_msg_start(conn_ctx *c, snapshot *snap)
{
    msg_ctx *m;

    context_msg_end(c);
    if ((m = calloc(1, sizeof *m)) == NULL)
	return NULL;
    spool_init(&m->sp);
    m->snap = snapshot_ref(snap);
    m->pol = policy_ref(snap->pol);
    c->msg = m;
    return m;
}

/* context_msg_end - drop c's message */
void context_msg_end(conn_ctx *c)
{
    if (c == NULL)
	return;
    context_msg_free(c->msg);
    c->msg = NULL;
}

/* context_strip_angle - without <> */
char *context_strip_angle(const char *addr)
{
    size_t n;

    if (addr == NULL)
	addr = "";
    n = strlen(addr);
    if (n >= 2 && addr[0] == '<' && addr[n - 1] == '>')
	return strndup(addr + 1, n - 2);
    return strdup(addr);
}

/* context_set_sender - copy MAIL FROM */
int context_set_sender(msg_ctx *m, const char *addr)
{
    free(m->sender);
    if ((m->sender = context_strip_angle(addr)) == NULL) {
	m->oom = 1;
	return -1;
    }
    return 0;
}

/* context_add_rcpt - copy one RCPT TO */
int context_add_rcpt(msg_ctx *m, const char *addr)
{
    char **grown, *copy;
    size_t cap;

    if (m->nrcpts >= LIMITS_MILTER_RCPTS) {
	/* policy needs every recipient: refusing to guess is fail closed */
	m->rcpts_dropped++;
	return 0;
    }
    if (m->nrcpts == m->arcpts) {
	cap = m->arcpts ? m->arcpts * 2 : 4;
	if ((grown = realloc(m->rcpts, cap * sizeof *grown)) == NULL) {
	    m->oom = 1;
	    return -1;
	}
	m->rcpts = grown;
	m->arcpts = cap;
    }
    if ((copy = context_strip_angle(addr)) == NULL) {
	m->oom = 1;
	return -1;
    }
    m->rcpts[m->nrcpts++] = copy;
    return 0;
}

/* context_add_header - copy one header field */
int context_add_header(msg_ctx *m, const char *name, const char *value,
		       size_t limit)
{
    context_header *grown;
    size_t cap, len = strlen(name) + strlen(value) + 4;

    if (m->hdrs_over || len > limit - (m->hdr_bytes < limit ? m->hdr_bytes : limit)) {
	m->hdrs_over = 1;
	return 0;
    }
    if (m->nhdrs == m->ahdrs) {
	cap = m->ahdrs ? m->ahdrs * 2 : 32;
	if ((grown = realloc(m->hdrs, cap * sizeof *grown)) == NULL) {
	    m->oom = 1;
	    return -1;
	}
	m->hdrs = grown;
	m->ahdrs = cap;
    }
    grown = &m->hdrs[m->nhdrs];
    grown->name = strdup(name);
    grown->value = strdup(value);
    if (grown->name == NULL || grown->value == NULL) {
	free(grown->name);
	free(grown->value);
	m->oom = 1;
	return -1;
    }
    m->nhdrs++;
    m->hdr_bytes += len;
    return 0;
}
