/*
 * NAME
 *	progress - keep the MTA waiting while the engine works on a message
 * DESCRIPTION
 *	Postfix gives a milter milter_content_timeout (300 s by default) per
 *	read at end of message. One ticker thread walks the messages
 *	registered with progress_begin() and calls smfi_progress for each
 *	that has been running another interval. The connection thread is
 *	inside the engine meanwhile and does not use the socket; after
 *	progress_end() returns, the ticker will not touch that connection
 *	again, so the thread may send its own replies.
 */
#ifndef MUGAI_PROGRESS_H
#define MUGAI_PROGRESS_H

#include <libmilter/mfapi.h>

typedef struct progress_entry {
    SMFICTX    *ctx;
    long long	next_ms;		/* monotonic time of the next call */
    unsigned	sent;			/* smfi_progress calls made */
    struct progress_entry *prev, *next;
} progress_entry;

/* progress_start - start the ticker with an interval in ms; 0 or -1 */
int progress_start(unsigned interval_ms);

/* progress_stop - stop and join the ticker (no-op if not running) */
void progress_stop(void);

/* progress_begin - register ctx's message; e lives on the caller's stack */
void progress_begin(progress_entry *e, SMFICTX *ctx);

/* progress_end - unregister; afterwards the ticker never uses e->ctx */
void progress_end(progress_entry *e);

/* progress_now_ms - monotonic clock in milliseconds */
long long progress_now_ms(void);

#endif
