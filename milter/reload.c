/*
 * NAME
 *	reload - the current policy snapshot and its replacement on SIGUSR1
 * DESCRIPTION
 *	See reload.h. A mutex guards the pointer for the short moment of
 *	taking a reference or swapping; snapshot and policy references are
 *	atomic, so no lock is held while a message uses its snapshot.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "milter/log.h"
#include "milter/reload.h"
#include "milter/scanner.h"
#include "policy/config.h"

static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static snapshot *reload_snap;
static char *reload_path;
static pthread_t reload_thread;
static int reload_running;

/* reload_init - the first snapshot */
void reload_init(policy *p, const char *path)
{
    snapshot *s, *old;

    pthread_mutex_lock(&reload_lock);
    /* the vault is opened again: a test or a restart may name another */
    s = snapshot_new(p, NULL);
    old = reload_snap;
    reload_snap = s;
    free(reload_path);
    reload_path = strdup(path);
    pthread_mutex_unlock(&reload_lock);
    snapshot_unref(old);
}

/* reload_snapshot - one more reference to the current snapshot */
snapshot *reload_snapshot(void)
{
    snapshot *s;

    pthread_mutex_lock(&reload_lock);
    s = snapshot_ref(reload_snap);
    pthread_mutex_unlock(&reload_lock);
    return s;
}

/* reload_current - one more reference to the current policy */
policy *reload_current(void)
{
    policy *p;

    pthread_mutex_lock(&reload_lock);
    p = reload_snap ? policy_ref(reload_snap->pol) : NULL;
    pthread_mutex_unlock(&reload_lock);
    return p;
}

/* reload_same - whether two optional strings are equal */
static int reload_same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* reload_now - load, check, swap */
int reload_now(void)
{
    config_errors errs;
    snapshot *s, *olds, *prev;
    policy *p, *old;
    size_t i;

    if (reload_path == NULL)
	return -1;
    config_errors_init(&errs);
    if ((p = config_load(reload_path, &errs)) == NULL) {
	for (i = 0; i < errs.stored; i++)
	    log_err("reload refused: %s", errs.lines[i]);
	if (errs.count > errs.stored)
	    log_err("reload refused: %zu more errors", errs.count - errs.stored);
	log_err("reload refused: %s has errors; the previous configuration "
		"stays in force", reload_path);
	config_errors_free(&errs);
	return -1;
    }
    config_errors_free(&errs);
    /* the same [vault] settings share the open vault; opening one
     * happens outside the lock, which MAIL FROM takes */
    prev = reload_snapshot();
    s = snapshot_new(p, prev);
    snapshot_unref(prev);
    if (!s) {
	log_err("reload refused: out of memory; the previous configuration "
		"stays in force");
	return -1;
    }
    pthread_mutex_lock(&reload_lock);
    olds = reload_snap;
    reload_snap = s;
    pthread_mutex_unlock(&reload_lock);
    old = olds ? olds->pol : NULL;
    if (old && (!reload_same(old->milter_socket, p->milter_socket)
		|| !reload_same(old->milter_user, p->milter_user)
		|| !reload_same(old->milter_group, p->milter_group)
		|| !reload_same(old->milter_socket_group, p->milter_socket_group)
		|| !reload_same(old->milter_pid_file, p->milter_pid_file)
		|| !reload_same(old->milter_log, p->milter_log)))
	log_warn("reload: [milter] settings changed; they take effect only "
		 "when mugai-milter is restarted");
    log_info("reload: configuration %s loaded", reload_path);
    scanner_check(s);
    /* the watcher lets go of the old settings before they can go */
    if (scanner_watching() && scanner_watch(s) < 0)
	log_err("reload: cannot restart the signature watcher: new signatures "
		"are not picked up until a restart");
    /* messages in flight keep their own references to the old one */
    snapshot_unref(olds);
    return 0;
}

/* reload_block_signals - SIGUSR1 only reaches our sigwait, and the
 *	stop signals only libmilter's: a thread of ours that left them
 *	unblocked would take them and die with the default action */
int reload_block_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

/* reload_main - wait for SIGUSR1, reload, repeat */
static void *reload_main(void *arg)
{
    sigset_t set;
    int sig;

    (void)arg;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    for (;;) {
	if (sigwait(&set, &sig) != 0)
	    continue;
	if (log_reopen() < 0)
	    log_err("reload: cannot reopen the log file: %s", strerror(errno));
	reload_now();
    }
    return NULL;
}

/* reload_start - the signal thread */
int reload_start(void)
{
    int rc;

    if ((rc = pthread_create(&reload_thread, NULL, reload_main, NULL)) != 0) {
	errno = rc;
	return -1;
    }
    reload_running = 1;
    return 0;
}

/* reload_done - stop and release */
void reload_done(void)
{
    if (reload_running) {
	/* sigwait is a cancellation point */
	pthread_cancel(reload_thread);
	pthread_join(reload_thread, NULL);
	reload_running = 0;
    }
    scanner_stop();
    pthread_mutex_lock(&reload_lock);
    snapshot_unref(reload_snap);
    reload_snap = NULL;
    free(reload_path);
    reload_path = NULL;
    pthread_mutex_unlock(&reload_lock);
}
