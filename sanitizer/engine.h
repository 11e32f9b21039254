/*
 * NAME
 *	engine - the one entry point that sanitizes a message
 * DESCRIPTION
 *	Every front end (CLI, milter, tests, fuzzers, bench) calls engine_run:
 *	policy + envelope + raw message in; verdict, sanitized message and a
 *	report out. Deterministic: the same input and policy give the same
 *	bytes. The message is read from a seekable file descriptor so GMime
 *	keeps part contents on disk (persist mode) and memory stays bounded.
 */
#ifndef MUGAI_ENGINE_H
#define MUGAI_ENGINE_H

#include <stddef.h>
#include "policy/policy.h"
#include "sanitizer/report.h"

typedef enum {
    ENGINE_SANITIZED = 0,	/* output may be delivered */
    ENGINE_REJECT,		/* refuse permanently (5xx) */
    ENGINE_QUARANTINE,		/* accept, withhold, keep the original */
    ENGINE_TEMPFAIL		/* refuse for now (4xx); nothing is delivered */
} engine_verdict;

typedef struct engine_envelope {
    const char	*sender;	/* MAIL FROM, may be NULL */
    const char *const *rcpts;	/* RCPT TO addresses */
    size_t	nrcpts;
    const char	*queue_id;	/* for logs, may be NULL */
} engine_envelope;

/* A header field of the output, in delivery order. */
typedef struct engine_header {
    char	*name;
    char	*value;		/* as written after "Name:", folded, no final EOL */
} engine_header;

typedef struct engine_result {
    engine_verdict verdict;
    char	*reason;	/* one line, for logs and SMTP replies; NULL when sanitized */
    const char	*smtp_code;	/* "550", "552", "451" ... for reject/tempfail */
    const char	*smtp_xcode;	/* "5.7.1", "5.3.4", "4.3.0" ... */

    /* The sanitized message (verdict SANITIZED): headers, then body. */
    engine_header *headers;
    size_t	nheaders;
    char	*body;		/* body octets, line ends per engine_options.crlf */
    size_t	body_len;

    /* Header edits for a front end that keeps the original header block
     * (the milter): fields to delete, then the final values to set. */
    char      **delete_headers;	/* names (all instances), e.g. X-Mugai-Foo */
    size_t	ndelete;

    /* The original message must be stored in the vault: the verdict is
     * reject or quarantine, a virus was found, or anything was removed
     * from the delivered message. 0 for tempfail (the sender retries)
     * and for a message delivered whole. report->keep_reason says why. */
    int		keep_original;

    report	*report;	/* always set unless out of memory */
} engine_result;

struct scan_settings;

typedef struct engine_options {
    int		crlf;		/* 1: CRLF line ends in output; 0: LF */
    /* Virus scanning, archive limits and type rules (sanitizer/scan.h).
     * NULL: no scanner configured by this front end — the built-in type
     * rules and name checks apply, but there is no virus scan and no
     * archive is opened (that needs temp files in the policy's
     * spool_dir). Front ends that deliver mail must pass settings. */
    const struct scan_settings *scan;
    /* The vault ID under which the front end will keep the original
     * (vault_id_new), shown in the notice so that a recipient can ask
     * for it. NULL: nothing is kept, and the notice does not say so. */
    const char	*vault_id;
    /* The time written into a Date field the message lacks (seconds since
     * the epoch); 0: the current time. */
    long long	now;
} engine_options;

/*
 * engine_global_init - once per process, before any thread: GMime,
 * libxml2 and libclamav (cl_init) initialisation. engine_global_done undoes it at exit.
 */
void engine_global_init(void);
void engine_global_done(void);

/*
 * engine_run - judge and sanitize the message readable from fd (seekable;
 * the engine does not close it; its offset is not restored). Fills *res,
 * which the caller releases with engine_result_free. Never returns a
 * SANITIZED verdict for output that was not produced completely: any
 * internal error maps to TEMPFAIL. Returns 0, or -1 only when *res could
 * not be filled at all (out of memory): treat that as TEMPFAIL.
 */
int engine_run(const policy *p, const engine_envelope *env, int fd,
               const engine_options *o, engine_result *res);

/* engine_write - write the sanitized message (headers + body) to fd */
int engine_write(const engine_result *res, int fd, int crlf);

/* engine_result_free - release everything engine_run put into res */
void engine_result_free(engine_result *res);

/* engine_verdict_name - "sanitized", "reject", "quarantine", "tempfail" */
const char *engine_verdict_name(engine_verdict v);

#endif
