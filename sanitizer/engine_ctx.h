/*
 * NAME
 *	engine_ctx - the state of one engine run, shared by engine and textmail
 */
#ifndef MUGAI_ENGINE_CTX_H
#define MUGAI_ENGINE_CTX_H

#include <stdarg.h>
#include <stddef.h>
#include "policy/policy.h"
#include "sanitizer/limits.h"
#include "sanitizer/report.h"
#include "sanitizer/strbuf.h"
#include "sanitizer/urlfilter.h"

typedef enum {
    ENGINE_STOP_NONE = 0,
    ENGINE_STOP_SIZE,		/* message over max_message_size */
    ENGINE_STOP_LIMIT,		/* a structure limit: parts, depth, headers */
    ENGINE_STOP_TIME,		/* the time budget ran out */
    ENGINE_STOP_ERROR,		/* internal error: fail closed */
    ENGINE_STOP_SCANNER		/* no usable virus database: per on_no_database */
} engine_stop;

typedef enum {
    ENGINE_ROLE_BODY = 0,	/* may supply body text */
    ENGINE_ROLE_ALTERNATIVE,	/* another rendering of the body */
    ENGINE_ROLE_REMOVE		/* removed whatever it is */
} engine_role;

typedef struct engine_ctx {
    const policy *pol;
    report	*rep;
    urlfilter_policy urls;
    long long	deadline_ms;
    size_t	nodes;
    engine_stop	stop;
    char	*stop_reason;
    int		text_cut;	/* body text reached max_text_size or the output limit */
    size_t	text_left;	/* message-wide text budget still free (UTF-8 octets) */
    strbuf	after;		/* texts of text attachments, shown after the body */
    unsigned	alt_lost;	/* unchosen alternatives with text the body lacks */
    int		html_converted;
    unsigned	bin_count;	/* encoded files cut out of text so far */
    char	cur_path[LIMITS_MIME_PATH];	/* part whose text is being cut (bincut) */
    const struct scan_settings *scan;	/* never NULL inside engine_run */
    const char	*env_sender;	/* MAIL FROM, or NULL */
    long long	now;		/* engine_options.now, else the time of the run */
    const char	*vault_id;	/* engine_options.vault_id: NULL when nothing is kept */
    struct scan_db *db;		/* referenced engine, NULL when not scanning */
    int		archives;	/* look into archives (temp files in tmpdir) */
    unsigned long long unpacked;	/* archive member bytes read so far, all parts */
    int		spool;		/* decoded parts beyond the sample go to temp files */
    const char *tmpdir;		/* where: [scan] temp_dir, else spool_dir */
    int		quarantine;	/* a rule asked to withhold the whole mail */
    char	*quarantine_reason;
} engine_ctx;

/* engine_fail - record the first failure (later ones are ignored) */
void engine_fail(engine_ctx *e, engine_stop kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* engine_check_time - -1 (and a TIME stop) once the deadline has passed */
int engine_check_time(engine_ctx *e);

#endif
