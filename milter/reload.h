/*
 * NAME
 *	reload - the current policy snapshot and its replacement on SIGUSR1
 * DESCRIPTION
 *	One snapshot (milter/snapshot.h: the policy, its scan settings and
 *	its vault) is current at a time. reload_snapshot() hands out a new
 *	reference to it, reload_current() one to its policy; the message that took it keeps using it even if a
 *	reload swaps in another meanwhile, and the last reference frees the
 *	old one. A reload reads the config file again with config_load():
 *	a file with any error changes nothing, and every error is logged.
 *	Settings of [milter] that only take effect at start (socket, user,
 *	group, pid file, log) are reported when they changed. A reload
 *	opens the vault again when [vault] changed, loads the signatures
 *	of the new [scan] settings and restarts the signature watcher.
 *
 *	SIGUSR1 is handled by a thread of our own that waits for it with
 *	sigwait(); SIGHUP, SIGINT and SIGTERM belong to libmilter, which
 *	stops the filter on them. The signal must be blocked in every
 *	thread, so reload_block_signals() runs before any thread exists; it
 *	blocks the stop signals too, which libmilter's signal thread waits
 *	for with sigwait().
 */
#ifndef MUGAI_RELOAD_H
#define MUGAI_RELOAD_H

#include "milter/snapshot.h"
#include "policy/policy.h"

/* reload_init - make p (whose reference moves here) current, from path */
void reload_init(policy *p, const char *path);

/* reload_current - a new reference to the current policy (never NULL
 *	after reload_init) */
policy *reload_current(void);

/* reload_snapshot - a new reference to the current snapshot: the policy
 *	with its scan settings and vault (never NULL after reload_init) */
snapshot *reload_snapshot(void);

/* reload_now - read the config again; 0 if swapped, -1 if kept */
int reload_now(void);

/* reload_block_signals - block SIGUSR1 in the calling thread (and so in
 *	threads it creates later); 0 or -1 */
int reload_block_signals(void);

/* reload_start - start the SIGUSR1 thread; 0 or -1 */
int reload_start(void);

/* reload_done - stop the thread and drop the current policy */
void reload_done(void);

#endif
