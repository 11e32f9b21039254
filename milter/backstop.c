/*
 * NAME
 *	backstop - the engine under a deadline that it cannot overrun
 * DESCRIPTION
 *	See backstop.h. A job is shared by the waiting callback and the
 *	worker, each holding a reference; the last one frees it (and a
 *	result nobody took). Abandoned jobs are on a list that a watchdog
 *	thread, started with the first of them, looks at every second; the
 *	process exits from there, or at once from a waiter that makes the
 *	count reach the limit. _exit, not exit: a stuck thread may hold
 *	locks that exit handlers would wait for.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "milter/backstop.h"
#include "milter/log.h"
#include "milter/progress.h"
#include "sanitizer/limits.h"
#include "sanitizer/scan.h"
#include "vault/vault_id.h"

typedef struct backstop_job {
    int		refs;			/* under backstop_lock */
    int		done, abandoned, rc;
    long long	give_up_ms;		/* monotonic: when the waiter answered */
    long long	wait_ms;
    policy     *owner;
    policy	view;
    scan_settings ss;
    engine_options opts;
    engine_envelope env;
    char       *sender, *qid, **rcpts, vid[VAULT_ID_SIZE];
    int		fd;
    engine_result res;
    struct backstop_job *prev, *next;	/* abandoned list */
} backstop_job;

static pthread_mutex_t backstop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t backstop_cond;
static pthread_once_t backstop_once = PTHREAD_ONCE_INIT;
static backstop_job *backstop_stuck_list;
static unsigned backstop_nstuck;
static int backstop_watching;

/* backstop_init - the condition waits on the monotonic clock */
static void backstop_init(void)
{
    pthread_condattr_t a;

    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&backstop_cond, &a);
    pthread_condattr_destroy(&a);
}

/* backstop_free - the last reference is gone */
static void backstop_free(backstop_job *j)
{
    if (j->done && j->rc == 0)
	engine_result_free(&j->res);
    if (j->fd >= 0)
	close(j->fd);
    for (size_t i = 0; j->rcpts && i < j->env.nrcpts; i++)
	free(j->rcpts[i]);
    free(j->rcpts);
    free(j->sender);
    free(j->qid);
    policy_unref(j->owner);
    free(j);
}

/* backstop_unref - drop one reference; called with the lock held */
static void backstop_unref(backstop_job *j)
{
    if (--j->refs == 0)
	backstop_free(j);
}

/* backstop_die - too much stuck work: leave it to the supervisor; lock held */
static void backstop_die(const char *why)
{
    long long now = progress_now_ms(), oldest_ms = 0;

    for (backstop_job *j = backstop_stuck_list; j; j = j->next)
	if (now - j->give_up_ms + j->wait_ms > oldest_ms)
	    oldest_ms = now - j->give_up_ms + j->wait_ms;
    log_err("ENGINE STUCK: %u message%s past the time budget (%s, oldest %lld s); "
	    "exiting for a restart", backstop_nstuck, backstop_nstuck == 1 ? "" : "s",
	    why, oldest_ms / 1000);
    _exit(BACKSTOP_EXIT_STUCK);
}

/* backstop_watch - exit once a stuck job stays stuck its own wait again */
static void *backstop_watch(void *arg)
{
    (void)arg;
    for (;;) {
	sleep(1);
	pthread_mutex_lock(&backstop_lock);
	long long now = progress_now_ms();
	for (backstop_job *j = backstop_stuck_list; j; j = j->next)
	    if (now - j->give_up_ms > j->wait_ms)
		backstop_die("one stuck as long again after its answer");
	pthread_mutex_unlock(&backstop_lock);
    }
    return NULL;
}

/* backstop_worker - run the engine; tell the waiter, or drop a result nobody waits for */
static void *backstop_worker(void *arg)
{
    backstop_job *j = arg;
    int rc = engine_run(&j->view, &j->env, j->fd, &j->opts, &j->res);

    pthread_mutex_lock(&backstop_lock);
    j->rc = rc;
    j->done = 1;
    if (j->abandoned) {
	if (j->prev)
	    j->prev->next = j->next;
	else
	    backstop_stuck_list = j->next;
	if (j->next)
	    j->next->prev = j->prev;
	backstop_nstuck--;
	log_warn("%s: the engine finished %lld ms after its answer; result dropped",
		 j->qid ? j->qid : "NOQUEUE", progress_now_ms() - j->give_up_ms);
    }
    pthread_cond_broadcast(&backstop_cond);
    backstop_unref(j);
    pthread_mutex_unlock(&backstop_lock);
    return NULL;
}

/* backstop_copy - the job's own copies of what the engine reads */
static int backstop_copy(backstop_job *j, policy *owner, const policy *use,
			 const engine_envelope *env, int fd, const engine_options *opts)
{
    j->fd = -1;
    j->owner = policy_ref(owner);
    j->view = *use;
    j->opts = *opts;
    if (opts->scan) {
	j->ss = *opts->scan;
	j->opts.scan = &j->ss;
    }
    if (opts->vault_id) {
	snprintf(j->vid, sizeof(j->vid), "%s", opts->vault_id);
	j->opts.vault_id = j->vid;
    }
    if (env) {
	if ((env->sender && !(j->sender = strdup(env->sender))) ||
	    (env->queue_id && !(j->qid = strdup(env->queue_id))) ||
	    (env->nrcpts && !(j->rcpts = calloc(env->nrcpts, sizeof(char *)))))
	    return -1;
	j->env.nrcpts = env->nrcpts;
	for (size_t i = 0; i < env->nrcpts; i++)
	    if (!(j->rcpts[i] = strdup(env->rcpts[i])))
		return -1;
	j->env.sender = j->sender;
	j->env.queue_id = j->qid;
	j->env.rcpts = (const char *const *)j->rcpts;
    }
    return (j->fd = dup(fd)) < 0 ? -1 : 0;
}

/* backstop_engine - engine_run with a deadline */
int backstop_engine(policy *owner, const policy *use, const engine_envelope *env, int fd,
		    const engine_options *opts, long long wait_ms, engine_result *res)
{
    backstop_job *j = calloc(1, sizeof(*j));
    pthread_attr_t attr;
    pthread_t t;
    struct timespec ts;
    int rc;

    pthread_once(&backstop_once, backstop_init);
    if (!j)
	return -1;
    if (backstop_copy(j, owner, use, env, fd, opts) < 0) {
	j->refs = 1;
	pthread_mutex_lock(&backstop_lock);
	backstop_unref(j);
	pthread_mutex_unlock(&backstop_lock);
	return -1;
    }
    j->refs = 2;
    j->wait_ms = wait_ms;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&t, &attr, backstop_worker, j);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
	log_err("cannot start an engine thread: %s", strerror(rc));
	j->refs = 1;
	pthread_mutex_lock(&backstop_lock);
	backstop_unref(j);
	pthread_mutex_unlock(&backstop_lock);
	return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += wait_ms / 1000;
    ts.tv_nsec += (wait_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
	ts.tv_sec++;
	ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&backstop_lock);
    while (!j->done && (rc = pthread_cond_timedwait(&backstop_cond, &backstop_lock, &ts)) != ETIMEDOUT)
	;
    if (j->done) {
	rc = j->rc;
	if (rc == 0) {
	    *res = j->res;		/* the caller frees it now */
	    memset(&j->res, 0, sizeof(j->res));
	    j->rc = -1;
	}
	backstop_unref(j);
	pthread_mutex_unlock(&backstop_lock);
	return rc;
    }
    j->abandoned = 1;
    j->give_up_ms = progress_now_ms();
    j->next = backstop_stuck_list;
    if (j->next)
	j->next->prev = j;
    backstop_stuck_list = j;
    backstop_nstuck++;
    log_err("%s: the engine did not finish within %lld ms; %u stuck", j->qid ? j->qid : "NOQUEUE",
	    wait_ms, backstop_nstuck);
    if (backstop_nstuck >= LIMITS_MILTER_STUCK_MAX)
	backstop_die("too many at once");
    if (!backstop_watching) {
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	backstop_watching = pthread_create(&t, &attr, backstop_watch, NULL) == 0;
	pthread_attr_destroy(&attr);
	if (!backstop_watching)
	    backstop_die("no watchdog thread");
    }
    backstop_unref(j);
    pthread_mutex_unlock(&backstop_lock);
    return 1;
}

/* backstop_stuck - workers now past their deadline */
unsigned backstop_stuck(void)
{
    pthread_mutex_lock(&backstop_lock);
    unsigned n = backstop_nstuck;
    pthread_mutex_unlock(&backstop_lock);
    return n;
}
