/*
 * NAME
 *	context - per-connection and per-message state of the milter
 * DESCRIPTION
 *	libmilter gives each SMTP connection one private pointer: a
 *	conn_ctx, which holds what the connection told us and, while a
 *	message is under way, one msg_ctx. A message context is created at
 *	MAIL FROM (replacing any left from a previous message on the same
 *	connection), and freed at end of message, abort or close. Every
 *	free is idempotent and accepts NULL, because xxfi_close may come
 *	first or alone. A message holds its own reference to the
 *	snapshot that was current at MAIL FROM, so a reload never changes
 *	the rules under a message in flight.
 */
#ifndef MUGAI_CONTEXT_H
#define MUGAI_CONTEXT_H

#include <stddef.h>

#include "milter/snapshot.h"
#include "milter/spool.h"
#include "policy/policy.h"

typedef struct context_header {
    char       *name;
    char       *value;		/* as received, "\n" between folded lines */
} context_header;

typedef struct msg_ctx {
    snapshot   *snap;		/* reference taken at MAIL FROM: scan settings, vault */
    policy     *pol;		/* reference to snap->pol */
    char       *sender;		/* MAIL FROM address, <> stripped */
    char      **rcpts;		/* RCPT TO addresses, <> stripped */
    size_t	nrcpts, arcpts;
    size_t	rcpts_dropped;	/* beyond LIMITS_MILTER_RCPTS, not kept */
    context_header *hdrs;	/* original top-level fields in order */
    size_t	nhdrs, ahdrs;
    size_t	hdr_bytes;
    int		hdrs_over;	/* more than max_header_size: not all kept */
    spool	sp;
    int		spool_errno;	/* opening or writing the spool failed */
    int		oom;		/* a copy failed: the message is tempfailed */
    long long	start_ms;	/* MAIL FROM, monotonic */
    char	qid[32];	/* Postfix queue ID, once known */
} msg_ctx;

typedef struct conn_ctx {
    char	client_addr[64];	/* text form, or "" */
    char	client_name[256];	/* as Postfix resolved it, or "" */
    int		leadspc;	/* header values keep their leading blank */
    int		nr_hdr;		/* headers get no reply (SMFIP_NR_HDR) */
    int		refused;	/* the MTA cannot do what we need: tempfail */
    msg_ctx    *msg;
} conn_ctx;

/* context_conn_new - a zeroed connection context, or NULL */
conn_ctx *context_conn_new(void);

/* context_conn_free - free the context and any message in it (NULL ok) */
void context_conn_free(conn_ctx *c);

/*
 * context_msg_start - replace c's message (if any) with a new one that
 *	references snap and its policy (the new message takes its own
 *	references). Returns the message or NULL on out of memory.
 */
msg_ctx *context_msg_start(conn_ctx *c, snapshot *snap);

/* context_msg_end - free c's message, if any; idempotent */
void context_msg_end(conn_ctx *c);

/* context_set_sender - copy the envelope sender; 0 or -1 */
int context_set_sender(msg_ctx *m, const char *addr);

/* context_add_rcpt - copy one recipient; 0 or -1 */
int context_add_rcpt(msg_ctx *m, const char *addr);

/*
 * context_add_header - copy one header field as received; fields past
 *	limit bytes in total are not kept (hdrs_over). 0 or -1.
 */
int context_add_header(msg_ctx *m, const char *name, const char *value,
		       size_t limit);

/* context_strip_angle - addr without one pair of surrounding <>, copied */
char *context_strip_angle(const char *addr);

#endif
