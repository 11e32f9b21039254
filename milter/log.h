/*
 * NAME
 *	log - where mugai-milter's lines go: syslog, stderr or a file
 * DESCRIPTION
 *	log_open() chooses the destination once at start (before privileges
 *	are dropped, so that a file can be created where only root may);
 *	log_reopen() opens a file destination again after rotation. Lines
 *	are written whole with one write(2) each, so threads do not mix.
 *	Per message, callbacks.c writes one line: queue ID first, then
 *	key=value fields. Everything that comes from the network goes
 *	through log_escape() first.
 */
#ifndef MUGAI_LOG_H
#define MUGAI_LOG_H

#include <stddef.h>
#include <sys/types.h>

/*
 * log_open - "syslog", "stderr" or a file path; a file is created 0640
 *	and, when uid is not (uid_t)-1, given to uid:gid. Returns 0, or -1
 *	with errno set (the previous destination stays).
 */
int log_open(const char *dest, uid_t uid, gid_t gid);

/* log_reopen - reopen a file destination (after logrotate); 0 or -1 */
int log_reopen(void);

/* log_close - back to stderr */
void log_close(void);

/* log_info - an informational line (syslog LOG_INFO) */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_warn - a warning line (LOG_WARNING) */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_err - an error line (LOG_ERR) */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * log_escape - untrusted s (may be NULL: "-") made safe for a key=value
 *	line: bytes outside printable ASCII, '"', '\' and '=' become \xNN,
 *	and so do blanks unless spaces is 1 (for a value the caller puts in
 *	double quotes); cut with "..." after LIMITS_MILTER_LOG_FIELD bytes.
 *	Returns buf.
 */
char *log_escape(const char *s, int spaces, char *buf, size_t len);

#endif
