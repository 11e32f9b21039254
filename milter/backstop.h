/*
 * NAME
 *	backstop - the engine under a deadline that it cannot overrun
 * DESCRIPTION
 *	The engine checks its own time budget, but a library it calls
 *	(libclamav, libarchive, GMime) can hang or spin where no check is
 *	made. backstop_engine runs engine_run in a worker thread of its own
 *	and waits for it at most until a deadline; past it the caller
 *	answers tempfail and the worker is left behind ("stuck"), holding
 *	its own copies and references of everything it reads, so nothing of
 *	the message it was given goes away under it. A stuck worker that
 *	finishes later is discarded with its result.
 *
 *	Stuck work must not pile up in a long-running daemon: when
 *	LIMITS_MILTER_STUCK_MAX workers are stuck at once, or one is still
 *	stuck its own wait again after its answer, the process logs "ENGINE
 *	STUCK" and exits with status 70 (EX_SOFTWARE), for its supervisor
 *	to restart it (systemd Restart=on-failure). Postfix tempfails while
 *	no milter answers (milter_default_action = tempfail): nothing is
 *	ever delivered that the engine did not finish.
 */
#ifndef MUGAI_BACKSTOP_H
#define MUGAI_BACKSTOP_H

#include "policy/policy.h"
#include "sanitizer/engine.h"

#define BACKSTOP_EXIT_STUCK	70	/* EX_SOFTWARE: the supervisor restarts us */

/*
 * backstop_engine - engine_run(use, env, fd, opts, res) in a worker,
 *	waiting at most wait_ms. owner is the policy use is a view of (or
 *	use itself), referenced for as long as the worker lives; opts->scan
 *	borrows from it. fd is duplicated. Returns what engine_run returned
 *	(0, res filled; -1, out of memory) when it finished in time, 1 when
 *	the deadline passed (res not filled), -1 when no worker could start.
 */
int backstop_engine(policy *owner, const policy *use, const engine_envelope *env, int fd,
		    const engine_options *opts, long long wait_ms, engine_result *res);

/* backstop_stuck - workers now past their deadline */
unsigned backstop_stuck(void);

#endif
