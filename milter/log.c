/*
 * NAME
 *	log - where mugai-milter's lines go: syslog, stderr or a file
 * DESCRIPTION
 *	See log.h. The destination is set by the main thread before any
 *	other thread exists; log_reopen() runs in the reload thread and
 *	swaps the file descriptor with dup2(), so writers never see a
 *	closed descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "milter/log.h"
#include "sanitizer/limits.h"

enum { LOG_TO_STDERR, LOG_TO_SYSLOG, LOG_TO_FILE };

static int log_kind = LOG_TO_STDERR;
static int log_fd = 2;
static char *log_path;

/* log_open_file - open path for appending */
static int log_open_file(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		0640);
}

/* log_open - choose the destination */
int log_open(const char *dest, uid_t uid, gid_t gid)
{
    char *copy;
    int fd;

    if (strcmp(dest, "stderr") == 0) {
	log_close();
	return 0;
    }
    if (strcmp(dest, "syslog") == 0) {
	log_close();
	openlog("mugai-milter", LOG_PID | LOG_NDELAY, LOG_MAIL);
	log_kind = LOG_TO_SYSLOG;
	return 0;
    }
    if ((fd = log_open_file(dest)) < 0)
	return -1;
    if (uid != (uid_t)-1 && fchown(fd, uid, gid) < 0) {
	int saved = errno;

	close(fd);
	errno = saved;
	return -1;
    }
    if ((copy = strdup(dest)) == NULL) {
	close(fd);
	return -1;
    }
    log_close();
    log_path = copy;
    log_fd = fd;
    log_kind = LOG_TO_FILE;
    return 0;
}

/* log_reopen - a fresh descriptor for the same path */
int log_reopen(void)
{
    int fd;

    if (log_kind != LOG_TO_FILE)
	return 0;
    if ((fd = log_open_file(log_path)) < 0)
	return -1;
    /* dup2 replaces atomically: a writer uses the old or the new file */
    if (dup2(fd, log_fd) < 0) {
	close(fd);
	return -1;
    }
    close(fd);
    return 0;
}

/* log_close - back to stderr */
void log_close(void)
{
    if (log_kind == LOG_TO_SYSLOG)
	closelog();
    if (log_kind == LOG_TO_FILE)
	close(log_fd);
    free(log_path);
    log_path = NULL;
    log_fd = 2;
    log_kind = LOG_TO_STDERR;
}

/* log_line - format and write one line at priority prio */
static void log_line(int prio, const char *fmt, va_list ap)
{
    char line[4096], stamp[64];
    struct tm tm;
    time_t now;
    size_t n;
    int head;

    if (log_kind == LOG_TO_SYSLOG) {
	vsyslog(prio, fmt, ap);
	return;
    }
    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    head = snprintf(line, sizeof line, "%s mugai-milter[%ld]: %s", stamp,
		    (long)getpid(), prio == LOG_ERR ? "error: "
		    : prio == LOG_WARNING ? "warning: " : "");
    if (head < 0)
	return;
    vsnprintf(line + head, sizeof line - (size_t)head - 1, fmt, ap);
    n = strlen(line);
    line[n++] = '\n';
    /* one write per line; a short write on a full disk is not retried */
    if (write(log_fd, line, n) < 0)
	return;
}

/* log_info - informational */
void log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line(LOG_INFO, fmt, ap);
    va_end(ap);
}

/* log_warn - warning */
void log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line(LOG_WARNING, fmt, ap);
    va_end(ap);
}

/* log_err - error */
void log_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_line(LOG_ERR, fmt, ap);
    va_end(ap);
}

/* log_escape - untrusted text made safe for key=value */
char *log_escape(const char *s, int spaces, char *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)(s ? s : "-");
    size_t o = 0, in = 0;

    if (len == 0)
	return buf;
    for (; *u; u++, in++) {
	int plain = (*u > 0x20 || (spaces && *u == ' ')) && *u < 0x7f
	    && *u != '"' && *u != '\\' && *u != '=';

	if (in >= LIMITS_MILTER_LOG_FIELD || o + (plain ? 1 : 4) + 4 > len) {
	    if (o + 4 <= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	    }
	    break;
	}
	if (plain) {
	    buf[o++] = (char)*u;
	} else {
	    buf[o++] = '\\';
	    buf[o++] = 'x';
	    buf[o++] = hex[*u >> 4];
	    buf[o++] = hex[*u & 15];
	}
    }
    buf[o] = '\0';
    return buf;
}
