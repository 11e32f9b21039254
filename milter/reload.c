/*
 * NAME
 *	reload - the current policy snapshot and its replacement on SIGUSR1
 * DESCRIPTION
 *	See reload.h. A mutex guards the pointer for the short moment of
 *	taking a reference or swapping; policy_ref/policy_unref are atomic,
 *	so no lock is held while a message uses its snapshot.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "milter/log.h"
#include "milter/reload.h"
#include "policy/config.h"

static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static policy *reload_policy;
static char *reload_path;
static pthread_t reload_thread;
static int reload_running;

/* reload_init - the first snapshot */
void reload_init(policy *p, const char *path)
{
    pthread_mutex_lock(&reload_lock);
    policy_unref(reload_policy);
    reload_policy = p;
    free(reload_path);
    reload_path = strdup(path);
    pthread_mutex_unlock(&reload_lock);
}

/* reload_current - one more reference */
policy *reload_current(void)
{
    policy *p;

    pthread_mutex_lock(&reload_lock);
    p = policy_ref(reload_policy);
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
    pthread_mutex_lock(&reload_lock);
    old = reload_policy;
    reload_policy = p;
    pthread_mutex_unlock(&reload_lock);
    if (old && (!reload_same(old->milter_socket, p->milter_socket)
		|| !reload_same(old->milter_user, p->milter_user)
		|| !reload_same(old->milter_group, p->milter_group)
		|| !reload_same(old->milter_socket_group, p->milter_socket_group)
		|| !reload_same(old->milter_pid_file, p->milter_pid_file)
		|| !reload_same(old->milter_log, p->milter_log)))
	log_warn("reload: [milter] settings changed; they take effect only "
		 "when mugai-milter is restarted");
    log_info("reload: configuration %s loaded", reload_path);
    /* messages in flight keep their own references to the old one */
    policy_unref(old);
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
    pthread_mutex_lock(&reload_lock);
    policy_unref(reload_policy);
    reload_policy = NULL;
    free(reload_path);
    reload_path = NULL;
    pthread_mutex_unlock(&reload_lock);
}
