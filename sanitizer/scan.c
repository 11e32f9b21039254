/*
 * NAME
 *	scan - virus scanning with libclamav, and the scan settings
 * DESCRIPTION
 *	libclamav's own messages go to a per-thread buffer instead of stderr
 *	(a daemon's stderr is nobody's), so a failed load can say why. The
 *	current engine is a pointer under a mutex held only to copy it and
 *	take a reference; compiling happens outside the lock. Scan options
 *	turn on every parser (but the archive ones for what the engine
 *	unpacks itself) and the heuristics that make an exceeded limit or an
 *	encrypted container an alert, so that no limit reads as clean. The
 *	counters of scan_work are per thread: a message runs in one thread.
 */
#include <clamav.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sanitizer/scan.h"
#include "sanitizer/scan_clamd.h"

struct scan_db {
    atomic_int	refs;
    struct cl_engine *engine;
    unsigned	sigs;
    unsigned	version;
    time_t	db_time;
    int		is_dir;
    struct cl_stat dbstat;	/* directory: what cl_statchkdir compares with */
    struct timespec file_mtime;	/* single file */
    char	*path;
    char	*clamd;		/* a clamd address instead of an engine, or NULL */
    char	*tmpdir;	/* libclamav's temporary files, or NULL: its default */
    atomic_ulong scans;		/* scans made with this engine, for recycling */
};

static pthread_once_t scan_once = PTHREAD_ONCE_INIT;
static int scan_init_rc = -1;
static pthread_mutex_t scan_cur_lock = PTHREAD_MUTEX_INITIALIZER;
static scan_db *scan_cur;
static pthread_mutex_t scan_reload_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local char scan_lasterr[256];
static _Thread_local scan_work scan_counted;
static atomic_ulong scan_recycle_at = LIMITS_SCAN_RECYCLE;

/* scan_settings_init - the production defaults */
void scan_settings_init(scan_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->av = SCAN_AV_LIBCLAMAV;
    s->database_dir = LIMITS_SCAN_DB_DIR_DEFAULT;
    s->max_db_age_s = LIMITS_SCAN_DB_AGE_DEFAULT;
    s->on_virus = SCAN_ON_VIRUS_REJECT;
    s->on_no_database = SCAN_ON_NODB_TEMPFAIL;
    s->max_scan_size = LIMITS_SCAN_MAX_SCANSIZE_DEFAULT;
    s->max_file_size = LIMITS_SCAN_MAX_FILESIZE_DEFAULT;
    s->max_recursion = LIMITS_SCAN_MAX_RECURSION_DEFAULT;
    s->max_files = LIMITS_SCAN_MAX_FILES_DEFAULT;
    s->max_scan_time_ms = LIMITS_SCAN_MAX_TIME_DEFAULT;
    archive_limits_defaults(&s->archives);
    typerules_defaults(&s->rules);
}

/* scan_msg - libclamav's messages: keep the last error of this thread */
static void scan_msg(enum cl_msg severity, const char *fullmsg, const char *msg, void *ctx)
{
    (void)fullmsg;
    (void)ctx;
    if (severity >= CL_MSG_ERROR && msg) {
        snprintf(scan_lasterr, sizeof(scan_lasterr), "%s", msg);
        size_t n = strlen(scan_lasterr);
        while (n && (scan_lasterr[n - 1] == '\n' || scan_lasterr[n - 1] == '\r'))
            scan_lasterr[--n] = 0;
    }
}

/* scan_init_once - cl_init and the message hook */
static void scan_init_once(void)
{
    cl_set_clcb_msg(scan_msg);
    scan_init_rc = cl_init(CL_INIT_DEFAULT) == CL_SUCCESS ? 0 : -1;
}

/* scan_global_init - once per process */
int scan_global_init(void)
{
    pthread_once(&scan_once, scan_init_once);
    return scan_init_rc;
}

/* scan_newest_mtime - newest modification time of the files in dir (or of a file) */
static time_t scan_newest_mtime(const char *path)
{
    struct stat st;
    time_t newest = 0;

    if (stat(path, &st) < 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return st.st_mtime;
    DIR *d = opendir(path);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char p[4096];
        if (de->d_name[0] == '.' ||
            snprintf(p, sizeof(p), "%s/%s", path, de->d_name) >= (int)sizeof(p))
            continue;
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime > newest)
            newest = st.st_mtime;
    }
    if (d)
        closedir(d);
    return newest;
}

static char *scan_why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* scan_why - a malloc'ed reason */
static char *scan_why(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* scan_db_load_clamd - a "database" that is a clamd address, with its signature date */
static int scan_db_load_clamd(const scan_settings *s, scan_db **out, char **why)
{
    char reason[256];
    scan_db *db;

    if (!s->clamd_socket || !*s->clamd_socket) {
        *why = scan_why("scanner clamd needs clamd_socket");
        return -1;
    }
    if (!(db = calloc(1, sizeof(*db))) || !(db->clamd = strdup(s->clamd_socket)) ||
        !(db->path = strdup(s->clamd_socket))) {
        if (db)
            free(db->clamd);
        free(db);
        *why = scan_why("out of memory");
        return -1;
    }
    atomic_init(&db->refs, 1);
    if (scan_clamd_version(db->clamd, s->max_scan_time_ms, &db->version, &db->db_time,
                           reason, sizeof(reason)) < 0) {
        *why = scan_why("%s", reason);
        free(db->clamd);
        free(db->path);
        free(db);
        return -1;
    }
    *out = db;
    return 0;
}

/* scan_db_load - compile a new engine */
int scan_db_load(const scan_settings *s, const char *tmpdir, scan_db **out, char **why)
{
    struct stat st;
    cl_error_t e;
    scan_db *db = NULL;

    *out = NULL;
    *why = NULL;
    if (s->av == SCAN_AV_CLAMD)
        return scan_db_load_clamd(s, out, why);
    if (scan_global_init() < 0) {
        *why = scan_why("libclamav cannot be initialised");
        return -1;
    }
    if (!s->database_dir || stat(s->database_dir, &st) < 0) {
        *why = scan_why("virus database %s: %s", s->database_dir ? s->database_dir : "(none)",
                        strerror(errno));
        return -1;
    }
    if (!(db = calloc(1, sizeof(*db))) || !(db->path = strdup(s->database_dir)) ||
        (tmpdir && !(db->tmpdir = strdup(tmpdir))) || !(db->engine = cl_engine_new())) {
        *why = scan_why("out of memory");
        goto fail;
    }
    atomic_init(&db->refs, 1);
    db->is_dir = S_ISDIR(st.st_mode);
    db->file_mtime = st.st_mtim;
    if ((e = cl_engine_set_num(db->engine, CL_ENGINE_MAX_SCANSIZE, (long long)s->max_scan_size)) ||
        (e = cl_engine_set_num(db->engine, CL_ENGINE_MAX_FILESIZE, (long long)s->max_file_size)) ||
        (e = cl_engine_set_num(db->engine, CL_ENGINE_MAX_RECURSION, s->max_recursion)) ||
        (e = cl_engine_set_num(db->engine, CL_ENGINE_MAX_FILES, s->max_files)) ||
        (e = cl_engine_set_num(db->engine, CL_ENGINE_MAX_SCANTIME, s->max_scan_time_ms)) ||
        /* its cache of clean files ignores the scan options: bytes found
         * clean without the archive parsers would be clean with them too */
        (e = cl_engine_set_num(db->engine, CL_ENGINE_DISABLE_CACHE, 1)) ||
        (tmpdir && (e = cl_engine_set_str(db->engine, CL_ENGINE_TMPDIR, tmpdir)))) {
        *why = scan_why("libclamav setting refused: %s", cl_strerror(e));
        goto fail;
    }
    scan_lasterr[0] = 0;
    unsigned sigs = 0;
    if ((e = cl_load(s->database_dir, db->engine, &sigs, CL_DB_STDOPT)) != CL_SUCCESS) {
        *why = scan_why("virus database %s cannot be loaded: %s", s->database_dir,
                        scan_lasterr[0] ? scan_lasterr : cl_strerror(e));
        goto fail;
    }
    if (sigs == 0) {
        *why = scan_why("no virus signatures in %s", s->database_dir);
        goto fail;
    }
    if ((e = cl_engine_compile(db->engine)) != CL_SUCCESS) {
        *why = scan_why("virus database %s cannot be compiled: %s", s->database_dir,
                        scan_lasterr[0] ? scan_lasterr : cl_strerror(e));
        goto fail;
    }
    db->sigs = sigs;
    db->version = (unsigned)cl_engine_get_num(db->engine, CL_ENGINE_DB_VERSION, NULL);
    db->db_time = (time_t)cl_engine_get_num(db->engine, CL_ENGINE_DB_TIME, NULL);
    /* Plain signature files carry no build time: their files' age stands in. */
    if (db->db_time <= 0)
        db->db_time = scan_newest_mtime(s->database_dir);
    if (db->is_dir && cl_statinidir(s->database_dir, &db->dbstat) != CL_SUCCESS) {
        *why = scan_why("virus database %s cannot be watched", s->database_dir);
        goto fail;
    }
    *out = db;
    return 0;
fail:
    if (db) {
        if (db->engine)
            cl_engine_free(db->engine);
        free(db->tmpdir);
        free(db->path);
        free(db);
    }
    return -1;
}

/* scan_db_ref - one more holder */
scan_db *scan_db_ref(scan_db *db)
{
    if (db) {
        atomic_fetch_add(&db->refs, 1);
        if (db->engine)
            cl_engine_addref(db->engine);
    }
    return db;
}

/* scan_db_unref - drop a holder */
void scan_db_unref(scan_db *db)
{
    if (!db)
        return;
    int last = atomic_fetch_sub(&db->refs, 1) == 1;
    /* libclamav frees the engine with its last reference, which is ours. */
    if (db->engine)
        cl_engine_free(db->engine);
    if (last) {
        if (db->is_dir)
            cl_statfree(&db->dbstat);
        free(db->clamd);
        free(db->tmpdir);
        free(db->path);
        free(db);
    }
}

/* scan_db_signatures - how many signatures db holds */
unsigned scan_db_signatures(const scan_db *db)
{
    return db ? db->sigs : 0;
}

/* scan_db_time - when the signatures were built */
time_t scan_db_time(const scan_db *db)
{
    return db ? db->db_time : 0;
}

/* scan_db_version - database version */
unsigned scan_db_version(const scan_db *db)
{
    return db ? db->version : 0;
}

/* scan_db_usable - present and fresh enough */
int scan_db_usable(const scan_db *db, const scan_settings *s, char *why, size_t size)
{
    if (!db) {
        snprintf(why, size, "no virus database loaded from %s",
                 s->database_dir ? s->database_dir : "(none)");
        return 0;
    }
    if (s->max_db_age_s) {
        time_t now = time(NULL);
        if (db->db_time <= 0 || now - db->db_time > (time_t)s->max_db_age_s) {
            snprintf(why, size, "virus database %s is %lld hours old (limit %u hours)",
                     db->path, db->db_time > 0 ? (long long)(now - db->db_time) / 3600 : -1LL,
                     s->max_db_age_s / 3600);
            return 0;
        }
    }
    return 1;
}

/* scan_current - the current engine, referenced */
scan_db *scan_current(void)
{
    pthread_mutex_lock(&scan_cur_lock);
    scan_db *db = scan_db_ref(scan_cur);
    pthread_mutex_unlock(&scan_cur_lock);
    return db;
}

/* scan_install - swap in a new current engine */
void scan_install(scan_db *db)
{
    pthread_mutex_lock(&scan_cur_lock);
    scan_db *old = scan_cur;
    scan_cur = db;
    pthread_mutex_unlock(&scan_cur_lock);
    scan_db_unref(old);
}

/* scan_db_changed - the database files differ from when db was built */
static int scan_db_changed(scan_db *db, const scan_settings *s)
{
    if (db->clamd) {
        /* clamd reloads by itself: follow its signature version */
        unsigned v;
        time_t t;
        char why[256];
        return scan_clamd_version(db->clamd, s->max_scan_time_ms, &v, &t, why, sizeof(why)) < 0 ||
               v != db->version || t != db->db_time;
    }
    if (db->is_dir)
        return cl_statchkdir(&db->dbstat) == 1;
    struct stat st;
    return stat(db->path, &st) < 0 || st.st_mtim.tv_sec != db->file_mtime.tv_sec ||
           st.st_mtim.tv_nsec != db->file_mtime.tv_nsec;
}

/* scan_reload_if_changed - rebuild when needed */
int scan_reload_if_changed(const scan_settings *s, const char *tmpdir, char **why)
{
    int rc = 0;

    *why = NULL;
    pthread_mutex_lock(&scan_reload_lock);
    scan_db *cur = scan_current();
    const char *want = s->av == SCAN_AV_CLAMD ? s->clamd_socket : s->database_dir;
    /* libclamav takes its temporary directory only when an engine is built */
    int moved = s->av != SCAN_AV_CLAMD && cur &&
                ((cur->tmpdir == NULL) != (tmpdir == NULL) ||
                 (tmpdir && strcmp(cur->tmpdir, tmpdir) != 0));
    /* libclamav keeps memory across scans (its cache, and a little its
     * parsers leak): a fresh engine after so many scans returns what the
     * engine holds, as a signature update does */
    int worn = cur && !cur->clamd && atomic_load(&cur->scans) >= atomic_load(&scan_recycle_at);
    if (!cur || !want || (cur->clamd != NULL) != (s->av == SCAN_AV_CLAMD) ||
        strcmp(cur->path, want) != 0 || moved || worn || scan_db_changed(cur, s)) {
        scan_db *db;
        if (scan_db_load(s, tmpdir, &db, why) == 0) {
            scan_install(db);
            rc = 1;
        } else {
            rc = -1;
        }
    }
    scan_db_unref(cur);
    pthread_mutex_unlock(&scan_reload_lock);
    return rc;
}

static struct {
    pthread_t	thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int		running, stop;
    const scan_settings *s;
    const char	*tmpdir;
    unsigned	interval_s;
} scan_watch = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/* scan_watch_main - reload when the database changes, until stopped */
static void *scan_watch_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&scan_watch.lock);
    while (!scan_watch.stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += scan_watch.interval_s;
        pthread_cond_timedwait(&scan_watch.cond, &scan_watch.lock, &ts);
        if (scan_watch.stop)
            break;
        pthread_mutex_unlock(&scan_watch.lock);
        char *why = NULL;
        /* A failed reload keeps the old engine; its age check speaks for it. */
        (void)scan_reload_if_changed(scan_watch.s, scan_watch.tmpdir, &why);
        free(why);
        pthread_mutex_lock(&scan_watch.lock);
    }
    pthread_mutex_unlock(&scan_watch.lock);
    return NULL;
}

/* scan_watch_start - start the reload thread */
int scan_watch_start(const scan_settings *s, const char *tmpdir, unsigned interval_s)
{
    pthread_mutex_lock(&scan_watch.lock);
    if (scan_watch.running) {
        pthread_mutex_unlock(&scan_watch.lock);
        return 0;
    }
    scan_watch.s = s;
    scan_watch.tmpdir = tmpdir;
    scan_watch.interval_s = interval_s ? interval_s : 1;
    scan_watch.stop = 0;
    int rc = pthread_create(&scan_watch.thread, NULL, scan_watch_main, NULL) == 0 ? 0 : -1;
    scan_watch.running = rc == 0;
    pthread_mutex_unlock(&scan_watch.lock);
    return rc;
}

/* scan_watch_stop - end the reload thread */
void scan_watch_stop(void)
{
    pthread_mutex_lock(&scan_watch.lock);
    if (!scan_watch.running) {
        pthread_mutex_unlock(&scan_watch.lock);
        return;
    }
    scan_watch.stop = 1;
    pthread_cond_signal(&scan_watch.cond);
    pthread_mutex_unlock(&scan_watch.lock);
    pthread_join(scan_watch.thread, NULL);
    scan_watch.running = 0;
}

/* scan_set_recycle - scans after which an engine is built afresh */
void scan_set_recycle(unsigned long scans)
{
    atomic_store(&scan_recycle_at, scans ? scans : LIMITS_SCAN_RECYCLE);
}

/* scan_work_reset - zero this thread's counters */
void scan_work_reset(void)
{
    memset(&scan_counted, 0, sizeof(scan_counted));
}

/* scan_work_get - this thread's counters */
void scan_work_get(scan_work *w)
{
    *w = scan_counted;
}

/* scan_count - one libclamav call over len bytes with db */
static void scan_count(const scan_db *db, scan_depth d, unsigned long long len)
{
    /* the engine is shared and otherwise immutable: only its counter moves */
    atomic_fetch_add(&((scan_db *)db)->scans, 1);
    scan_counted.calls++;
    scan_counted.deep_calls += d == SCAN_DEEP;
    scan_counted.bytes_in += len;
}

/*
 * scan_options - every parser (but the archive ones when the engine opens
 * the archives itself), and the heuristics that keep limits from meaning
 * clean
 */
static void scan_options(struct cl_scan_options *o, scan_depth d)
{
    memset(o, 0, sizeof(*o));
    o->general = CL_SCAN_GENERAL_HEURISTICS;
    o->parse = d == SCAN_NO_ARCHIVES ? ~(unsigned)CL_SCAN_PARSE_ARCHIVE : ~0u;
    o->heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX | CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE |
                   CL_SCAN_HEURISTIC_ENCRYPTED_DOC | CL_SCAN_HEURISTIC_MACROS;
}

/* scan_outcome - map a libclamav return onto a result */
static void scan_outcome(cl_error_t e, const char *virname, scan_result *r)
{
    memset(r, 0, sizeof(*r));
    switch (e) {
    case CL_CLEAN:
        r->verdict = SCAN_CLEAN;
        return;
    case CL_VIRUS:
        snprintf(r->name, sizeof(r->name), "%s", virname ? virname : "unknown");
        r->verdict = strncmp(r->name, "Heuristics.", 11) == 0 ? SCAN_SUSPICIOUS : SCAN_VIRUS;
        return;
    /* The content defeated the scanner: treat it as not clean, not as our failure. */
    case CL_EFORMAT:
    case CL_EPARSE:
    case CL_EUNPACK:
    case CL_EMAXREC:
    case CL_EMAXSIZE:
    case CL_EMAXFILES:
    case CL_ETIMEOUT:
        snprintf(r->name, sizeof(r->name), "Mugai.Scan.Incomplete (%s)", cl_strerror(e));
        r->verdict = SCAN_SUSPICIOUS;
        return;
    default:
        snprintf(r->name, sizeof(r->name), "%s", cl_strerror(e));
        r->verdict = SCAN_ERROR;
        return;
    }
}

/*
 * scan_checked - a libclamav scan whose "clean" is believed only if it
 * logged no error: libclamav 1.0 answers CL_CLEAN when it cannot create
 * the temporary directory of the scan, having scanned nothing
 */
static void scan_checked(cl_error_t e, const char *virname, scan_result *r)
{
    scan_outcome(e, virname, r);
    if (r->verdict == SCAN_CLEAN && scan_lasterr[0]) {
        r->verdict = SCAN_ERROR;
        /* the message may be longer than a result name: cut, on purpose */
        snprintf(r->name, sizeof(r->name), "%.*s", (int)sizeof(r->name) - 1, scan_lasterr);
    }
}

/* scan_fd - scan a whole file */
void scan_fd(const scan_db *db, int fd, const char *label, scan_depth d, scan_result *r)
{
    struct cl_scan_options o;
    const char *virname = NULL;
    unsigned long scanned = 0;

    if (!db) {
        memset(r, 0, sizeof(*r));
        r->verdict = SCAN_ERROR;
        snprintf(r->name, sizeof(r->name), "no virus database");
        return;
    }
    if (db->clamd) {
        scan_clamd_fd(db->clamd, LIMITS_SCAN_MAX_TIME_MAX, fd, r);
        return;
    }
    scan_options(&o, d);
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0 || lseek(fd, 0, SEEK_SET) < 0) {
        scan_outcome(CL_ESEEK, NULL, r);
        return;
    }
    /* virname is set by the call: read it only afterwards. */
    scan_lasterr[0] = 0;
    cl_error_t e = cl_scandesc_callback(fd, label, &virname, &scanned, db->engine, &o, NULL);
    scan_count(db, d, (unsigned long long)size);
    scan_checked(e, virname, r);
}

/* scan_buf - scan bytes in memory */
void scan_buf(const scan_db *db, const void *buf, size_t len, const char *label,
              scan_depth d, scan_result *r)
{
    struct cl_scan_options o;
    const char *virname = NULL;
    unsigned long scanned = 0;

    if (!db) {
        memset(r, 0, sizeof(*r));
        r->verdict = SCAN_ERROR;
        snprintf(r->name, sizeof(r->name), "no virus database");
        return;
    }
    if (len == 0) {
        scan_outcome(CL_CLEAN, NULL, r);
        return;
    }
    if (db->clamd) {
        scan_clamd_buf(db->clamd, LIMITS_SCAN_MAX_TIME_MAX, buf, len, r);
        return;
    }
    scan_options(&o, d);
    cl_fmap_t *map = cl_fmap_open_memory(buf, len);
    if (!map) {
        scan_outcome(CL_EMEM, NULL, r);
        return;
    }
    scan_lasterr[0] = 0;
    cl_error_t e = cl_scanmap_callback(map, label, &virname, &scanned, db->engine, &o, NULL);
    scan_count(db, d, len);
    scan_checked(e, virname, r);
    cl_fmap_close(map);
}

/* scan_verdict_name - the verdict as a word */
const char *scan_verdict_name(scan_verdict v)
{
    switch (v) {
    case SCAN_CLEAN:		return "clean";
    case SCAN_VIRUS:		return "virus";
    case SCAN_SUSPICIOUS:	return "suspicious";
    case SCAN_ERROR:		return "error";
    }
    return "error";
}
