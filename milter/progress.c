/*
 * NAME
 *	progress - keep the MTA waiting while the engine works on a message
 * DESCRIPTION
 *	See progress.h. One mutex guards the list; the ticker holds it
 *	while it calls smfi_progress, which is what makes progress_end()
 *	a barrier. The ticker wakes every quarter interval (at least every
 *	second), so a call is late by at most that much.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "milter/log.h"
#include "milter/progress.h"
#include "milter/shim.h"

static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t progress_wake;
static progress_entry *progress_list;
static unsigned progress_interval_ms;
static int progress_running, progress_stopping;
static pthread_t progress_thread;

/* progress_now_ms - monotonic milliseconds */
long long progress_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* progress_tick - one pass over the list; called with the lock held */
static void progress_tick(void)
{
    long long now = progress_now_ms();
    progress_entry *e;

    for (e = progress_list; e; e = e->next) {
	if (now < e->next_ms)
	    continue;
	if (shim_progress(e->ctx) != MI_SUCCESS)
	    log_warn("smfi_progress failed; the MTA may time out");
	e->sent++;
	e->next_ms = now + progress_interval_ms;
    }
}

/* progress_main - the ticker thread */
static void *progress_main(void *arg)
{
    unsigned step = progress_interval_ms / 4;
    struct timespec until;
    long long ms;

    (void)arg;
    if (step > 1000)
	step = 1000;
    if (step == 0)
	step = 1;
    pthread_mutex_lock(&progress_lock);
    while (!progress_stopping) {
	clock_gettime(CLOCK_MONOTONIC, &until);
	ms = (long long)until.tv_nsec / 1000000 + step;
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec = (long)(ms % 1000) * 1000000;
	pthread_cond_timedwait(&progress_wake, &progress_lock, &until);
	if (!progress_stopping)
	    progress_tick();
    }
    pthread_mutex_unlock(&progress_lock);
    return NULL;
}

/* progress_start - the ticker */
int progress_start(unsigned interval_ms)
{
    pthread_condattr_t ca;
    int rc;

    if (progress_running)
	return 0;
    progress_interval_ms = interval_ms ? interval_ms : 1;
    progress_stopping = 0;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&progress_wake, &ca);
    pthread_condattr_destroy(&ca);
    if ((rc = pthread_create(&progress_thread, NULL, progress_main, NULL)) != 0) {
	errno = rc;
	pthread_cond_destroy(&progress_wake);
	return -1;
    }
    progress_running = 1;
    return 0;
}

/* progress_stop - end the ticker */
void progress_stop(void)
{
    if (!progress_running)
	return;
    pthread_mutex_lock(&progress_lock);
    progress_stopping = 1;
    pthread_cond_signal(&progress_wake);
    pthread_mutex_unlock(&progress_lock);
    pthread_join(progress_thread, NULL);
    pthread_cond_destroy(&progress_wake);
    progress_running = 0;
}

/* progress_begin - add e to the list */
void progress_begin(progress_entry *e, SMFICTX *ctx)
{
    e->ctx = ctx;
    e->sent = 0;
    e->prev = NULL;
    pthread_mutex_lock(&progress_lock);
    e->next_ms = progress_now_ms() + progress_interval_ms;
    e->next = progress_list;
    if (progress_list)
	progress_list->prev = e;
    progress_list = e;
    pthread_mutex_unlock(&progress_lock);
}

/* progress_end - remove e from the list */
void progress_end(progress_entry *e)
{
    pthread_mutex_lock(&progress_lock);
    if (e->prev)
	e->prev->next = e->next;
    else if (progress_list == e)
	progress_list = e->next;
    if (e->next)
	e->next->prev = e->prev;
    e->prev = e->next = NULL;
    pthread_mutex_unlock(&progress_lock);
}
