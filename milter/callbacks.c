/*
 * NAME
 *	callbacks - the libmilter callbacks of mugai-milter
 * DESCRIPTION
 *	Negotiation asks for the three actions the result needs (change
 *	body, change and add headers), for header values with their
 *	leading blank and for no reply per header when the MTA offers
 *	them, and turns off the steps we do not use. An MTA that cannot
 *	change the body gets a tempfail for every message, so mail is
 *	never passed on unsanitized by a misconfigured MTA.
 *
 *	Message flow: MAIL FROM takes a policy snapshot and opens the
 *	spool; headers and body go to the spool as they come; the size
 *	cap refuses the message as soon as it is passed; end of message
 *	chooses the mode from the recipients (policy/rules.h), runs the
 *	engine in a thread of its own (milter/backstop.h: past
 *	max_message_time and a margin the answer is a tempfail, whatever
 *	the engine does) while the progress ticker keeps Postfix waiting, and
 *	applies the result (milter/apply.h) or refuses the message
 *	(milter/verdict.h). A vault ID is drawn before the engine runs,
 *	so the notice can name it; when the engine says the original must
 *	be kept (a virus, a refusal, a quarantine, anything removed), it is
 *	stored under that ID before the message is delivered, refused
 *	("...; vault ID X") or withheld (discarded after acceptance), and
 *	any failure to keep it is a tempfail. One log line per message,
 *	at its end.
 * DIAGNOSTICS
 *	"QUEUEID: key=value ..." lines, see callbacks_log().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "milter/apply.h"
#include "milter/backstop.h"
#include "milter/callbacks.h"
#include "milter/context.h"
#include "milter/log.h"
#include "milter/progress.h"
#include "milter/reload.h"
#include "milter/shim.h"
#include "milter/verdict.h"
#include "policy/rules.h"
#include "sanitizer/scan_config.h"
#include "sanitizer/engine.h"
#include "sanitizer/limits.h"
#include "vault/vault.h"
#include "vault/vault_id.h"

#define CALLBACKS_ACTIONS	(SMFIF_CHGBODY | SMFIF_CHGHDRS | SMFIF_ADDHDRS)

/* What one message came to, for its log line. */
typedef struct callbacks_outcome {
    const char *verdict;		/* sanitized, reject, quarantine, tempfail */
    const char *reason;			/* why, for refusals; may be NULL */
    const char *vault_id;		/* where the original was kept, or NULL */
    const char *mode;
    const engine_result *res;		/* NULL if the engine did not run */
    const rules_decision *decision;	/* NULL if no decision was made */
    size_t	bytes_out;
    long long	engine_ms;		/* time in the engine, or -1 */
} callbacks_outcome;

/* callbacks_conn - the connection context, created if missing */
static conn_ctx *callbacks_conn(SMFICTX *ctx)
{
    conn_ctx *c = shim_getpriv(ctx);

    if (c == NULL && (c = context_conn_new()) != NULL
	&& shim_setpriv(ctx, c) != MI_SUCCESS) {
	context_conn_free(c);
	c = NULL;
    }
    return c;
}

/* callbacks_qid - the queue ID into m (known from the first RCPT on) */
static void callbacks_qid(SMFICTX *ctx, msg_ctx *m)
{
    const char *q;

    if (m->qid[0])
	return;
    q = shim_getsymval(ctx, "i");
    snprintf(m->qid, sizeof m->qid, "%s", q && *q ? q : "NOQUEUE");
}

/* callbacks_log - the one line for a message */
static void callbacks_log(const conn_ctx *c, const msg_ctx *m,
			  const callbacks_outcome *o)
{
    char qid[64], mid[LIMITS_MILTER_LOG_FIELD + 8], from[LIMITS_MILTER_LOG_FIELD + 8],
	rc[LIMITS_MILTER_LOG_FIELD + 8], why[LIMITS_MILTER_LOG_FIELD + 8],
	rcpts[2048], exc[64] = "", counts[160] = "", anomalies[64] = "",
	engine[40] = "", kept[LIMITS_MILTER_LOG_FIELD * 3 + 64] = "",
	virus[LIMITS_MILTER_LOG_FIELD + 8], avdb[LIMITS_MILTER_LOG_FIELD + 8];
    const report *r = o->res ? o->res->report : NULL;
    size_t i, used = 0;
    int n;

    rcpts[0] = '\0';
    for (i = 0; i < m->nrcpts; i++) {
	n = snprintf(rcpts + used, sizeof rcpts - used, "%s%s", i ? "," : "",
		     log_escape(m->rcpts[i], 0, rc, sizeof rc));
	if (n < 0 || (size_t)n >= sizeof rcpts - used) {
	    rcpts[used] = '\0';
	    break;
	}
	used += (size_t)n;
    }
    if (i < m->nrcpts || m->rcpts_dropped)
	snprintf(rcpts + used, sizeof rcpts - used, ",+%zu",
		 m->nrcpts - i + m->rcpts_dropped);
    if (o->decision && o->decision->exception)
	snprintf(exc, sizeof exc, " exception=%s:%u",
		 rules_kind_name(o->decision->exception_kind),
		 o->decision->exception_rule);
    if (r)
	snprintf(counts, sizeof counts, " parts=%zu kept=%u removed=%u "
		 "findings=%zu", r->nparts, r->kept, r->removed, r->nfindings);
    if (o->res)
	snprintf(engine, sizeof engine, " engine_ms=%lld", o->engine_ms);
    /* what the CSIRT looks for: where the original is, what was found,
     * and which signatures judged it */
    if (o->vault_id || (r && (r->virus || r->av_database)))
	snprintf(kept, sizeof kept, "%s%s%s%s%s%s", o->vault_id ? " vault=" : "",
		 o->vault_id ? o->vault_id : "", r && r->virus ? " virus=" : "",
		 r && r->virus ? log_escape(r->virus, 0, virus, sizeof virus) : "",
		 r && r->av_database ? " av_db=\"" : "",
		 r && r->av_database ? log_escape(r->av_database, 1, avdb, sizeof avdb) : "");
    if (r && r->av_database)
	strncat(kept, "\"", sizeof kept - strlen(kept) - 1);
    if (m->sp.bare_cr || m->sp.nul)
	snprintf(anomalies, sizeof anomalies, " bare_cr=%u nul=%u",
		 m->sp.bare_cr, m->sp.nul);
    log_info("%s: message-id=%s sender=<%s> rcpts=%s client=%s mode=%s "
	     "verdict=%s%s%s%s bytes_in=%zu bytes_out=%zu ms=%lld%s%s%s%s%s",
	     log_escape(m->qid[0] ? m->qid : "NOQUEUE", 0, qid, sizeof qid),
	     log_escape(r && r->message_id ? r->message_id : NULL, 0, mid, sizeof mid),
	     m->sender && *m->sender ? log_escape(m->sender, 0, from, sizeof from) : "",
	     rcpts[0] ? rcpts : "-", c->client_addr[0] ? c->client_addr : "-",
	     o->mode ? o->mode : "-", o->verdict, exc, counts, kept, m->sp.bytes,
	     o->bytes_out, progress_now_ms() - m->start_ms, engine, anomalies,
	     o->reason ? " reason=\"" : "",
	     o->reason ? log_escape(o->reason, 1, why, sizeof why) : "",
	     o->reason ? "\"" : "");
}

/* callbacks_refuse - log and refuse the message now, then forget it */
static sfsistat callbacks_refuse(SMFICTX *ctx, conn_ctx *c, int permanent,
				 const char *code, const char *xcode,
				 const char *reason)
{
    callbacks_outcome o = { 0 };
    sfsistat rc;

    rc = verdict_refuse(ctx, permanent, code, xcode, reason);
    if (c->msg) {
	callbacks_qid(ctx, c->msg);
	o.verdict = permanent ? "reject" : "tempfail";
	o.reason = reason;
	callbacks_log(c, c->msg, &o);
	context_msg_end(c);
    }
    return rc;
}

/* callbacks_spool_state - refuse if the spool failed or is over the cap;
 *	SMFIS_CONTINUE otherwise */
static sfsistat callbacks_spool_state(SMFICTX *ctx, conn_ctx *c)
{
    msg_ctx *m = c->msg;
    char why[128];
    int perm;

    if (m->sp.error) {
	log_err("spool write failed: %s", strerror(m->sp.error));
	snprintf(why, sizeof why, "spool write failed: %s", strerror(m->sp.error));
	return callbacks_refuse(ctx, c, 0, "451", "4.3.0", why);
    }
    if (m->sp.over) {
	perm = m->pol->on_limit == POLICY_LIMIT_REJECT;
	snprintf(why, sizeof why, "message size exceeds the limit of %zu bytes",
		 m->pol->max_message_size);
	return callbacks_refuse(ctx, c, perm, perm ? "552" : "452",
				perm ? "5.3.4" : "4.3.4", why);
    }
    if (m->oom)
	return callbacks_refuse(ctx, c, 0, "451", "4.3.0", "out of memory");
    return SMFIS_CONTINUE;
}

/* mlfi_negotiate - actions and steps */
sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			unsigned long f2, unsigned long f3, unsigned long *pf0,
			unsigned long *pf1, unsigned long *pf2,
			unsigned long *pf3)
{
    conn_ctx *c = callbacks_conn(ctx);
    unsigned long want = 0;

    (void)f2;
    (void)f3;
    *pf0 = f0 & CALLBACKS_ACTIONS;
    *pf2 = *pf3 = 0;
    if (c == NULL) {
	*pf1 = 0;
	return SMFIS_CONTINUE;		/* envfrom will tempfail */
    }
    if ((f0 & CALLBACKS_ACTIONS) != CALLBACKS_ACTIONS) {
	log_err("the MTA offers actions 0x%lx without body and header "
		"changes (0x%lx): every message will be tempfailed; check "
		"milter_protocol", f0, (unsigned long)CALLBACKS_ACTIONS);
	c->refused = 1;
    }
    want |= f1 & (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA);
    if (f1 & SMFIP_HDR_LEADSPC) {
	want |= SMFIP_HDR_LEADSPC;
	c->leadspc = 1;
    }
    if (f1 & SMFIP_NR_HDR) {
	want |= SMFIP_NR_HDR;
	c->nr_hdr = 1;
    }
    *pf1 = want;
    return SMFIS_CONTINUE;
}

/* mlfi_connect - remember the client */
sfsistat mlfi_connect(SMFICTX *ctx, char *hostname, struct sockaddr *addr)
{
    conn_ctx *c = callbacks_conn(ctx);

    if (c == NULL)
	return SMFIS_TEMPFAIL;
    snprintf(c->client_name, sizeof c->client_name, "%s",
	     hostname ? hostname : "");
    c->client_addr[0] = '\0';
    if (addr && addr->sa_family == AF_INET)
	inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)addr)->sin_addr,
		  c->client_addr, sizeof c->client_addr);
    else if (addr && addr->sa_family == AF_INET6)
	inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)addr)->sin6_addr,
		  c->client_addr, sizeof c->client_addr);
    return SMFIS_CONTINUE;
}

/* mlfi_envfrom - a new message: snapshot, sender, spool */
sfsistat mlfi_envfrom(SMFICTX *ctx, char **argv)
{
    conn_ctx *c = callbacks_conn(ctx);
    snapshot *snap;
    msg_ctx *m;
    char why[160];

    if (c == NULL)
	return verdict_refuse(ctx, 0, "451", "4.3.0", "out of memory");
    if (c->refused)
	return verdict_refuse(ctx, 0, "451", "4.7.0",
			      "the MTA does not allow body changes");
    snap = reload_snapshot();
    m = snap ? context_msg_start(c, snap) : NULL;
    snapshot_unref(snap);
    if (m == NULL)
	return verdict_refuse(ctx, 0, "451", "4.3.0", "out of memory");
    m->start_ms = progress_now_ms();
    context_set_sender(m, argv && argv[0] ? argv[0] : "");
    if (spool_open(&m->sp, m->pol->spool_dir, m->pol->max_message_size,
		   m->pol->milter_memory_spool) < 0) {
	log_err("cannot create a spool file in %s: %s", m->pol->spool_dir,
		strerror(errno));
	snprintf(why, sizeof why, "spool unavailable: %s", strerror(errno));
	return callbacks_refuse(ctx, c, 0, "451", "4.3.0", why);
    }
    return SMFIS_CONTINUE;
}

/* mlfi_envrcpt - one recipient */
sfsistat mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
    conn_ctx *c = callbacks_conn(ctx);

    if (c == NULL || c->msg == NULL)
	return verdict_refuse(ctx, 0, "451", "4.3.0", "no message state");
    context_add_rcpt(c->msg, argv && argv[0] ? argv[0] : "");
    return SMFIS_CONTINUE;
}

/* mlfi_header - one header field into the spool and the context */
sfsistat mlfi_header(SMFICTX *ctx, char *name, char *value)
{
    conn_ctx *c = callbacks_conn(ctx);
    msg_ctx *m;

    if (c == NULL || (m = c->msg) == NULL)
	/* with SMFIP_NR_HDR no answer is possible; eoh refuses */
	return c && c->nr_hdr ? SMFIS_NOREPLY : SMFIS_TEMPFAIL;
    if (name == NULL)
	name = "";
    if (value == NULL)
	value = "";
    context_add_header(m, name, value, m->pol->max_header_size);
    spool_header(&m->sp, name, value, c->leadspc);
    if (c->nr_hdr)
	return SMFIS_NOREPLY;
    return callbacks_spool_state(ctx, c);
}

/* mlfi_eoh - end of the header block */
sfsistat mlfi_eoh(SMFICTX *ctx)
{
    conn_ctx *c = callbacks_conn(ctx);

    if (c == NULL || c->msg == NULL)
	return verdict_refuse(ctx, 0, "451", "4.3.0", "no message state");
    spool_end_headers(&c->msg->sp);
    return callbacks_spool_state(ctx, c);
}

/* mlfi_body - one body chunk */
sfsistat mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    conn_ctx *c = callbacks_conn(ctx);

    if (c == NULL || c->msg == NULL)
	return verdict_refuse(ctx, 0, "451", "4.3.0", "no message state");
    spool_body(&c->msg->sp, chunk, len);
    return callbacks_spool_state(ctx, c);
}

/* callbacks_bytes_out - size of the output message */
static size_t callbacks_bytes_out(const engine_result *res)
{
    size_t i, n = res->body_len + 2;

    for (i = 0; i < res->nheaders; i++)
	n += strlen(res->headers[i].name) + strlen(res->headers[i].value) + 4;
    return n;
}

/*
 * callbacks_keep - the original and its report into the vault under the
 *	vault ID the notice already shows; 0, or -1 (logged) when it could
 *	not be kept, which the caller must answer with a tempfail
 */
static int callbacks_keep(msg_ctx *m, int fd, const engine_result *res, const char *vid,
			  char id[VAULT_ID_SIZE])
{
    vault *v = snapshot_vault_of(m->snap);
    vault_meta meta = { 0 };

    if (v == NULL) {
	log_err("%s: cannot keep the original: vault unavailable: %s", m->qid,
		snapshot_vault_error(m->snap));
	return -1;
    }
    if (vid[0] == '\0') {
	log_err("%s: cannot keep the original: no vault ID could be drawn", m->qid);
	return -1;
    }
    meta.sender = m->sender;
    meta.rcpts = (const char *const *)m->rcpts;
    meta.nrcpts = m->nrcpts;
    meta.verdict = engine_verdict_name(res->verdict);
    meta.reason = res->reason;
    meta.virus = res->report ? res->report->virus : NULL;
    meta.queue_id = m->qid;
    snprintf(id, VAULT_ID_SIZE, "%s", vid);
    if (vault_store(v, &meta, fd, res->report, id) != 0) {
	log_err("%s: cannot keep the original: %s", m->qid, vault_error(v));
	return -1;
    }
    return 0;
}

/* callbacks_run - engine and result for a spooled message */
static sfsistat callbacks_run(SMFICTX *ctx, conn_ctx *c, int fd)
{
    msg_ctx *m = c->msg;
    const policy *use = m->pol;
    engine_options opts = { .crlf = 1 };
    callbacks_outcome o = { 0 };
    engine_envelope env;
    engine_result res;
    rules_decision d;
    progress_entry pe;
    apply_stats st;
    policy view;
    scan_settings ss;
    long long t0, spent;
    char vid[VAULT_ID_SIZE] = "", id[VAULT_ID_SIZE] = "", *reply = NULL;
    sfsistat rc;
    int perm, applied, br;

    rules_decide(m->pol->rules, m->pol->mode, m->sender, c->client_addr,
		 (const char *const *)m->rcpts, m->nrcpts, &d);
    if (d.mode != m->pol->mode) {
	policy_view(m->pol, d.mode, &view);
	use = &view;
    }
    /* Scan settings borrow the snapshot's strings: they live as long as m->pol. */
    scan_config_from_policy(use, &ss);
    opts.scan = &ss;
    /* drawn first, so that the notice can name where the original will be;
     * without one nothing can be kept and such mail is tempfailed */
    if (vault_id_new(time(NULL), vid) < 0)
	vid[0] = '\0';
    opts.vault_id = vid[0] ? vid : NULL;
    o.decision = &d;
    o.mode = rules_mode_name(d.mode);
    env.sender = m->sender;
    env.rcpts = (const char *const *)m->rcpts;
    env.nrcpts = m->nrcpts;
    env.queue_id = m->qid;

    t0 = progress_now_ms();
    progress_begin(&pe, ctx);
    /* the engine in a thread of its own: whatever a library does in it,
     * Postfix has its answer within max_message_time and a margin */
    br = backstop_engine(m->pol, use, &env, fd, &opts,
			 (long long)m->pol->max_message_time_ms + LIMITS_MILTER_ANSWER_MARGIN_MS,
			 &res);
    progress_end(&pe);
    if (br == 1) {
	o.verdict = "tempfail";
	o.reason = "time budget exceeded: the engine did not finish";
	o.engine_ms = progress_now_ms() - t0;
	rc = verdict_refuse(ctx, 0, "451", "4.3.0", o.reason);
	callbacks_log(c, m, &o);
	context_msg_end(c);
	return rc;
    }
    if (br < 0) {
	log_err("%s: engine_run failed: out of memory", m->qid);
	return callbacks_refuse(ctx, c, 0, "451", "4.3.0", "out of memory");
    }
    spent = progress_now_ms() - t0;
    o.res = &res;
    o.engine_ms = spent;
    switch (res.verdict) {
    case ENGINE_SANITIZED:
	if (spent > (long long)m->pol->max_message_time_ms) {
	    /* finished, but later than Postfix was promised: fail closed */
	    o.verdict = "tempfail";
	    o.reason = "time budget exceeded";
	    rc = verdict_refuse(ctx, 0, "451", "4.3.0", o.reason);
	} else if ((applied = apply_result(ctx, m->hdrs, m->nhdrs, c->leadspc,
					   &res, m->qid, &st)) == -2) {
	    perm = m->pol->on_limit == POLICY_LIMIT_REJECT;
	    o.verdict = perm ? "reject" : "tempfail";
	    o.reason = "header field too long";
	    rc = verdict_refuse(ctx, perm, perm ? "554" : "451",
				perm ? "5.6.0" : "4.6.0", o.reason);
	} else if (applied < 0) {
	    o.verdict = "tempfail";
	    o.reason = "modification of the message failed";
	    rc = verdict_refuse(ctx, 0, "451", "4.3.0", o.reason);
	} else if (res.keep_original && callbacks_keep(m, fd, &res, vid, id) < 0) {
	    /* the edits are dropped with the tempfail: nothing is delivered
	     * whose notice names an original that is not there */
	    o.verdict = "tempfail";
	    o.reason = "the original could not be kept in the vault";
	    rc = verdict_refuse(ctx, 0, "451", "4.3.0", o.reason);
	} else {
	    o.verdict = "sanitized";
	    o.vault_id = id[0] ? id : NULL;
	    o.bytes_out = callbacks_bytes_out(&res);
	    rc = SMFIS_CONTINUE;
	}
	break;
    case ENGINE_REJECT:
    case ENGINE_QUARANTINE:
	/* refused or withheld only once the original is kept */
	if (callbacks_keep(m, fd, &res, vid, id) < 0) {
	    o.verdict = "tempfail";
	    o.reason = "the original could not be kept in the vault";
	    rc = verdict_refuse(ctx, 0, "451", "4.3.0", o.reason);
	    break;
	}
	o.vault_id = id;
	if (res.verdict == ENGINE_QUARANTINE) {
	    o.verdict = "quarantine";
	    o.reason = res.reason;
	    rc = SMFIS_DISCARD;
	    break;
	}
	if (asprintf(&reply, "%s; vault ID %s", res.reason ? res.reason : "message refused",
		     id) < 0)
	    reply = NULL;
	o.verdict = "reject";
	o.reason = reply ? reply : res.reason;
	rc = verdict_refuse(ctx, 1, res.smtp_code, res.smtp_xcode, o.reason);
	break;
    case ENGINE_TEMPFAIL:
    default:
	o.verdict = "tempfail";
	o.reason = res.reason;
	rc = verdict_refuse(ctx, 0, res.smtp_code, res.smtp_xcode, res.reason);
	break;
    }
    callbacks_log(c, m, &o);
    free(reply);
    engine_result_free(&res);
    context_msg_end(c);
    return rc;
}

/* mlfi_eom - judge the message */
sfsistat mlfi_eom(SMFICTX *ctx)
{
    conn_ctx *c = callbacks_conn(ctx);
    msg_ctx *m;
    sfsistat rc;
    int fd;

    if (c == NULL || (m = c->msg) == NULL)
	return verdict_refuse(ctx, 0, "451", "4.3.0", "no message state");
    callbacks_qid(ctx, m);
    if ((rc = callbacks_spool_state(ctx, c)) != SMFIS_CONTINUE)
	return rc;
    if (m->rcpts_dropped)
	return callbacks_refuse(ctx, c, 0, "452", "4.5.3", "too many recipients");
    if (m->hdrs_over) {
	int perm = m->pol->on_limit == POLICY_LIMIT_REJECT;

	return callbacks_refuse(ctx, c, perm, perm ? "554" : "451",
				perm ? "5.6.0" : "4.6.0",
				"header block too large");
    }
    if ((fd = spool_finish(&m->sp)) < 0) {
	log_err("%s: spool write failed: %s", m->qid, strerror(m->sp.error));
	return callbacks_refuse(ctx, c, 0, "451", "4.3.0", "spool write failed");
    }
    return callbacks_run(ctx, c, fd);
}

/* mlfi_abort - the message is gone; the connection stays */
sfsistat mlfi_abort(SMFICTX *ctx)
{
    context_msg_end(shim_getpriv(ctx));
    return SMFIS_CONTINUE;
}

/* mlfi_close - the connection is gone; may come first or alone */
sfsistat mlfi_close(SMFICTX *ctx)
{
    conn_ctx *c = shim_getpriv(ctx);

    if (c != NULL) {
	context_conn_free(c);
	shim_setpriv(ctx, NULL);
    }
    return SMFIS_CONTINUE;
}

/* callbacks_desc - the registration */
struct smfiDesc *callbacks_desc(void)
{
    static struct smfiDesc desc = {
	.xxfi_name = "mugai-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = CALLBACKS_ACTIONS,
	.xxfi_connect = mlfi_connect,
	.xxfi_envfrom = mlfi_envfrom,
	.xxfi_envrcpt = mlfi_envrcpt,
	.xxfi_header = mlfi_header,
	.xxfi_eoh = mlfi_eoh,
	.xxfi_body = mlfi_body,
	.xxfi_eom = mlfi_eom,
	.xxfi_abort = mlfi_abort,
	.xxfi_close = mlfi_close,
	.xxfi_negotiate = mlfi_negotiate,
    };

    return &desc;
}
