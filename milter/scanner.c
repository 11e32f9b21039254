/*
 * NAME
 *	scanner - the virus signatures over the daemon's life
 * DESCRIPTION
 *	See scanner.h. Start and stop run on the main thread and the reload
 *	thread; a mutex orders them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "milter/log.h"
#include "milter/scanner.h"

static pthread_mutex_t scanner_lock = PTHREAD_MUTEX_INITIALIZER;
static snapshot *scanner_snap;		/* what the watcher reads; NULL: none runs */

/* scanner_check - load if changed, then say whether mail can be judged */
int scanner_check(const snapshot *s)
{
    char *why = NULL, usable[256], day[32] = "-";
    const char *then;
    scan_db *db;
    struct tm tm;
    time_t t;
    int rc;

    if (s->scan.av != SCAN_AV_LIBCLAMAV)
	return 0;
    rc = scan_reload_if_changed(&s->scan, s->scan.tmpdir, &why);
    then = s->scan.on_no_database == SCAN_ON_NODB_REJECT ? "rejected (554)"
							  : "tempfailed (451)";
    if (rc < 0)
	log_err("VIRUS SCANNER UNAVAILABLE: cannot load signatures from %s: %s",
		s->scan.database_dir, why ? why : "unknown error");
    free(why);
    db = scan_current();
    if (!scan_db_usable(db, &s->scan, usable, sizeof(usable))) {
	log_err("VIRUS SCANNER UNAVAILABLE: %s: mail is %s until usable "
		"signatures are in %s", usable, then, s->scan.database_dir);
	scan_db_unref(db);
	return -1;
    }
    t = scan_db_time(db);
    if (gmtime_r(&t, &tm))
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (rc > 0)
	log_info("virus signatures loaded from %s: version %u, built %s, %u signatures",
		 s->scan.database_dir, scan_db_version(db), day, scan_db_signatures(db));
    scan_db_unref(db);
    return 0;
}

/* scanner_watch - the watcher on s's settings, replacing any before */
int scanner_watch(snapshot *s)
{
    unsigned interval;
    snapshot *old;
    int rc = 0;

    pthread_mutex_lock(&scanner_lock);
    /* the thread reads the old settings until it has stopped */
    scan_watch_stop();
    old = scanner_snap;
    scanner_snap = NULL;
    if (s->scan.av == SCAN_AV_LIBCLAMAV) {
	interval = s->pol->scan_check_interval_ms / 1000;
	scanner_snap = snapshot_ref(s);
	if (scan_watch_start(&s->scan, s->scan.tmpdir, interval ? interval : 1) < 0) {
	    snapshot_unref(scanner_snap);
	    scanner_snap = NULL;
	    rc = -1;
	}
    }
    pthread_mutex_unlock(&scanner_lock);
    snapshot_unref(old);
    return rc;
}

/* scanner_watching - whether a watcher runs */
int scanner_watching(void)
{
    int on;

    pthread_mutex_lock(&scanner_lock);
    on = scanner_snap != NULL;
    pthread_mutex_unlock(&scanner_lock);
    return on;
}

/* scanner_stop - no watcher, no snapshot, no current engine */
void scanner_stop(void)
{
    snapshot *old;

    pthread_mutex_lock(&scanner_lock);
    scan_watch_stop();
    old = scanner_snap;
    scanner_snap = NULL;
    pthread_mutex_unlock(&scanner_lock);
    snapshot_unref(old);
    /* libclamav keeps parts of an engine where a leak checker cannot
     * follow them: free it rather than leave it to the exit */
    scan_install(NULL);
}
