/*
 * NAME
 *	scan - virus scanning with libclamav, and the scan settings
 * DESCRIPTION
 *	scan_settings gathers everything the engine needs to scan and judge
 *	content: the signature database, the libclamav limits, what a virus
 *	or a missing database does, the archive limits and the type rule
 *	table. The front end fills it from the config file and passes it in
 *	engine_options.scan.
 *
 *	A scan_db is one compiled libclamav engine, immutable once built and
 *	shared by every thread; each holder takes a reference (which is also
 *	a cl_engine_addref). The process keeps one current scan_db: a reload
 *	builds a new engine outside any lock and swaps it in, and scans in
 *	flight finish on the old one, which goes when its last holder lets
 *	go. scan_reload_if_changed rebuilds only when the database files
 *	changed (cl_statchkdir), so it can be called from a timer thread;
 *	scan_watch_start runs that thread.
 *
 *	Results: a signature match is a virus; a libclamav heuristic
 *	(limits exceeded, encrypted archive or document, macros) is
 *	"suspicious" — never clean; an I/O or memory failure is an error,
 *	which the engine turns into a temporary failure.
 */
#ifndef MUGAI_SCAN_H
#define MUGAI_SCAN_H

#include <stddef.h>
#include <time.h>
#include "sanitizer/archive.h"
#include "sanitizer/limits.h"
#include "sanitizer/typerules.h"

typedef enum {
    SCAN_AV_LIBCLAMAV = 0,	/* in-process libclamav (default) */
    SCAN_AV_CLAMD,		/* a shared clamd, INSTREAM over clamd_socket */
    SCAN_AV_OFF			/* no virus scan: for tests and fuzzing only */
} scan_av;

typedef enum {
    SCAN_ON_VIRUS_REJECT = 0,	/* SMTP 550 5.7.1 */
    SCAN_ON_VIRUS_QUARANTINE	/* accept and withhold */
} scan_on_virus;

typedef enum {
    SCAN_ON_NODB_TEMPFAIL = 0,	/* SMTP 451 4.7.1: retry later */
    SCAN_ON_NODB_REJECT		/* SMTP 554 5.7.1 */
} scan_on_nodb;

typedef struct scan_db scan_db;

typedef struct scan_settings {
    scan_av	av;
    const char	*database_dir;		/* directory (or one file) of signatures; borrowed */
    const char	*clamd_socket;		/* SCAN_AV_CLAMD: unix:PATH or inet:PORT@HOST; borrowed */
    const char	*tmpdir;		/* temporary files of scanning; borrowed; NULL: the caller's */
    unsigned	max_db_age_s;		/* 0: no age check (test signatures only) */
    scan_on_virus on_virus;
    scan_on_nodb on_no_database;	/* no database, or one older than max_db_age_s */
    unsigned long long max_scan_size;	/* libclamav CL_ENGINE_MAX_SCANSIZE */
    unsigned long long max_file_size;	/* CL_ENGINE_MAX_FILESIZE */
    unsigned	max_recursion;		/* CL_ENGINE_MAX_RECURSION */
    unsigned	max_files;		/* CL_ENGINE_MAX_FILES */
    unsigned	max_scan_time_ms;	/* CL_ENGINE_MAX_SCANTIME */
    archive_limits archives;		/* mugai's own archive walk */
    typerules	rules;			/* per true-type class */
    scan_db	*db;			/* engine to use; NULL: the process's current one */
} scan_settings;

typedef enum {
    SCAN_CLEAN = 0,
    SCAN_VIRUS,			/* a signature matched: name holds it */
    SCAN_SUSPICIOUS,		/* a heuristic or a limit: not known to be clean */
    SCAN_ERROR			/* could not scan (I/O, memory): fail the message */
} scan_verdict;

typedef struct scan_result {
    scan_verdict verdict;
    char	name[LIMITS_SCAN_NAME];	/* signature, heuristic or error text */
} scan_result;

/* scan_settings_init - the production defaults (sanitizer/limits.h) */
void scan_settings_init(scan_settings *s);

/* scan_global_init - once per process before threads (cl_init); 0 or -1 */
int scan_global_init(void);

/*
 * scan_db_load - compile a new engine from s->database_dir with s's
 * limits, temporary files in tmpdir. Returns 0 and *out (one reference),
 * or -1 and a malloc'ed reason in *why (no signatures, unreadable,
 * libclamav error).
 */
int scan_db_load(const scan_settings *s, const char *tmpdir, scan_db **out, char **why);

/* scan_db_ref - one more holder; returns db */
scan_db *scan_db_ref(scan_db *db);

/* scan_db_unref - drop a holder; the engine is freed with the last (NULL is fine) */
void scan_db_unref(scan_db *db);

/* scan_db_signatures - how many signatures db holds */
unsigned scan_db_signatures(const scan_db *db);

/* scan_db_time - when the signatures were built (CVD header), else the newest file's mtime */
time_t scan_db_time(const scan_db *db);

/* scan_db_version - database version (daily CVD), 0 for plain signature files */
unsigned scan_db_version(const scan_db *db);

/*
 * scan_db_usable - 1 if db may judge mail now under s (present and not
 * older than s->max_db_age_s), else 0 and a reason in why (size bytes).
 */
int scan_db_usable(const scan_db *db, const scan_settings *s, char *why, size_t size);

/* scan_current - the process's current engine (a new reference), or NULL */
scan_db *scan_current(void);

/* scan_install - make db (the caller's reference is taken over) current; NULL clears */
void scan_install(scan_db *db);

/*
 * scan_reload_if_changed - build and install a new engine when there is
 * none, the database files changed, or the engine has made
 * LIMITS_SCAN_RECYCLE scans (libclamav's memory is returned with it;
 * scan_set_recycle changes the count).
 * Returns 1 when a new engine was installed, 0 when nothing changed, -1
 * on failure (the old engine stays; *why says why, malloc'ed).
 */
int scan_reload_if_changed(const scan_settings *s, const char *tmpdir, char **why);

/* scan_set_recycle - recycle after this many scans instead (0: the default) */
void scan_set_recycle(unsigned long scans);

/*
 * scan_watch_start - a thread that calls scan_reload_if_changed every
 * interval_s seconds (s and tmpdir must live until scan_watch_stop).
 * 0, or -1 if the thread cannot start. scan_watch_stop ends it.
 */
int scan_watch_start(const scan_settings *s, const char *tmpdir, unsigned interval_s);
void scan_watch_stop(void);

/*
 * How deep libclamav reads. SCAN_DEEP: every parser, archives included.
 * SCAN_NO_ARCHIVES: every parser but the archive ones, for content whose
 * archive layers the engine opens itself (each member is then scanned on
 * its own) or that reaches the engine's own archive limits (and is
 * removed): libclamav must not unpack the same nesting again at every
 * level, which made the work per mail grow with the square of the depth.
 */
typedef enum {
    SCAN_DEEP = 0,
    SCAN_NO_ARCHIVES
} scan_depth;

/* scan_fd - scan the whole file fd (read from offset 0) */
void scan_fd(const scan_db *db, int fd, const char *label, scan_depth d, scan_result *r);

/* scan_buf - scan len bytes in memory */
void scan_buf(const scan_db *db, const void *buf, size_t len, const char *label,
              scan_depth d, scan_result *r);

/*
 * What this thread has asked of libclamav since scan_work_reset: calls,
 * those with archive parsing, and bytes handed to it. For tests and the
 * bench, which bound the work of a mail by the engine's own limits.
 */
typedef struct scan_work {
    unsigned long long calls;
    unsigned long long deep_calls;	/* with archive parsing */
    unsigned long long bytes_in;
} scan_work;

/* scan_work_reset - zero this thread's counters */
void scan_work_reset(void);

/* scan_work_get - this thread's counters */
void scan_work_get(scan_work *w);

/* scan_verdict_name - "clean", "virus", "suspicious", "error" */
const char *scan_verdict_name(scan_verdict v);

#endif
