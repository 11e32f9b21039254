/*
 * NAME
 *	scan_clamd - scan through a shared clamd (INSTREAM)
 * DESCRIPTION
 *	One connection per scan, "z" commands (NUL-terminated), chunks of
 *	LIMITS_IO_CHUNK with a 4-byte big-endian length and a zero-length
 *	end. Socket send and receive timeouts bound every step.
 */
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include "sanitizer/scan_clamd.h"
#include "sanitizer/limits.h"

/* scan_clamd_connect - a connected socket with timeouts, or -1 and why */
static int scan_clamd_connect(const char *addr, unsigned timeout_ms, char *why, size_t size)
{
    struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    int fd = -1;

    if (strncmp(addr, "unix:", 5) == 0) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(addr + 5) >= sizeof(sa.sun_path)) {
            snprintf(why, size, "clamd socket path too long");
            return -1;
        }
        strcpy(sa.sun_path, addr + 5);
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
            connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            snprintf(why, size, "clamd at %s: %s", addr, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        return fd;
    }
    const char *rest = strncmp(addr, "inet:", 5) == 0 ? addr + 5
                     : strncmp(addr, "inet6:", 6) == 0 ? addr + 6 : NULL;
    const char *at = rest ? strchr(rest, '@') : NULL;
    if (!at || at == rest || !at[1]) {
        snprintf(why, size, "clamd address %s: expected unix:PATH or inet:PORT@HOST", addr);
        return -1;
    }
    char port[16];
    snprintf(port, sizeof(port), "%.*s", (int)(at - rest), rest);
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_family = addr[4] == '6' ? AF_INET6 : AF_INET }, *ai = NULL;
    int g = getaddrinfo(at + 1, port, &hints, &ai);
    if (g != 0) {
        snprintf(why, size, "clamd address %s: %s", addr, gai_strerror(g));
        return -1;
    }
    if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
        connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        snprintf(why, size, "clamd at %s: %s", addr, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

/* scan_clamd_send - send everything; a closed peer is an error, not SIGPIPE */
static int scan_clamd_send(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* scan_clamd_read_line - read clamd's NUL- or LF-terminated answer */
static int scan_clamd_read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;

    while (n + 1 < size) {
        ssize_t r = read(fd, buf + n, size - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (memchr(buf, 0, n) || memchr(buf, '\n', n))
            break;
    }
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return n ? 0 : -1;
}

/* scan_clamd_version - signature version and date from VERSION */
int scan_clamd_version(const char *addr, unsigned timeout_ms, unsigned *version,
                       time_t *db_time, char *why, size_t size)
{
    char line[256];
    int fd = scan_clamd_connect(addr, timeout_ms, why, size);

    if (fd < 0)
        return -1;
    if (scan_clamd_send(fd, "zVERSION", 9) < 0 || scan_clamd_read_line(fd, line, sizeof(line)) < 0) {
        snprintf(why, size, "clamd at %s does not answer VERSION", addr);
        close(fd);
        return -1;
    }
    close(fd);
    /* "ClamAV 1.4.2/27450/Wed Nov 25 09:20:00 2026"; plain signature files
     * without a CVD give "ClamAV 1.4.2": no date, which fails any age check */
    if (strncmp(line, "ClamAV ", 7) != 0) {
        snprintf(why, size, "clamd at %s answers VERSION with %.80s", addr, line);
        return -1;
    }
    char *v = strchr(line, '/');
    char *d = v ? strchr(v + 1, '/') : NULL;
    struct tm tm = { 0 };
    if (!v || !d || !strptime(d + 1, "%a %b %d %H:%M:%S %Y", &tm)) {
        *version = 0;
        *db_time = 0;
        return 0;
    }
    tm.tm_isdst = -1;
    *version = (unsigned)strtoul(v + 1, NULL, 10);
    *db_time = mktime(&tm);
    return 0;
}

/* scan_clamd_reply - one INSTREAM reply line as a result */
void scan_clamd_reply(const char *line, scan_result *r)
{
    size_t n = strlen(line);

    memset(r, 0, sizeof(*r));
    const char *colon = strstr(line, ": ");
    const char *what = colon ? colon + 2 : line;
    if (strcmp(what, "OK") == 0) {
        r->verdict = SCAN_CLEAN;
    } else if (n > 6 && strcmp(line + n - 6, " FOUND") == 0) {
        snprintf(r->name, sizeof(r->name), "%.*s", (int)(line + n - 6 - what), what);
        r->verdict = strncmp(r->name, "Heuristics.", 11) == 0 ? SCAN_SUSPICIOUS : SCAN_VIRUS;
    } else if (strstr(what, "size limit exceeded")) {
        /* clamd saw only part of the content: not known to be clean */
        snprintf(r->name, sizeof(r->name), "Mugai.Scan.Incomplete (clamd: %.80s)", what);
        r->verdict = SCAN_SUSPICIOUS;
    } else {
        snprintf(r->name, sizeof(r->name), "clamd: %.100s", what);
        r->verdict = SCAN_ERROR;
    }
}

/* scan_clamd_chunk - send one INSTREAM chunk */
static int scan_clamd_chunk(int fd, const void *buf, size_t len)
{
    uint32_t be = htonl((uint32_t)len);
    return scan_clamd_send(fd, &be, 4) < 0 || (len && scan_clamd_send(fd, buf, len) < 0) ? -1 : 0;
}

/*
 * scan_clamd_finish - end the stream and read the verdict. When not all
 * the content went out (complete is 0), clamd's answer can only be a
 * limit or an error: "OK" for part of the content is not clean.
 */
static void scan_clamd_finish(int fd, const char *addr, int complete, scan_result *r)
{
    char line[512];

    if ((complete && scan_clamd_chunk(fd, NULL, 0) < 0) ||
        scan_clamd_read_line(fd, line, sizeof(line)) < 0) {
        memset(r, 0, sizeof(*r));
        r->verdict = SCAN_ERROR;
        snprintf(r->name, sizeof(r->name), "clamd at %.100s: no answer", addr);
    } else {
        scan_clamd_reply(line, r);
        if (!complete && r->verdict == SCAN_CLEAN) {
            r->verdict = SCAN_ERROR;
            snprintf(r->name, sizeof(r->name), "clamd at %.80s: content not sent in full", addr);
        }
    }
    close(fd);
}

/* scan_clamd_start - connect and send INSTREAM; -1 with r set on failure */
static int scan_clamd_start(const char *addr, unsigned timeout_ms, scan_result *r)
{
    char why[256];
    int fd = scan_clamd_connect(addr, timeout_ms, why, sizeof(why));

    if (fd >= 0 && scan_clamd_send(fd, "zINSTREAM", 10) < 0) {
        snprintf(why, sizeof(why), "clamd at %s: %s", addr, strerror(errno));
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        memset(r, 0, sizeof(*r));
        r->verdict = SCAN_ERROR;
        snprintf(r->name, sizeof(r->name), "%.120s", why);
    }
    return fd;
}

/* scan_clamd_fd - scan a file */
void scan_clamd_fd(const char *addr, unsigned timeout_ms, int fd, scan_result *r)
{
    char *buf = malloc(LIMITS_IO_CHUNK);
    int s = buf ? scan_clamd_start(addr, timeout_ms, r) : -1;
    off_t off = 0;

    if (!buf) {
        memset(r, 0, sizeof(*r));
        r->verdict = SCAN_ERROR;
        snprintf(r->name, sizeof(r->name), "out of memory");
        return;
    }
    if (s < 0) {
        free(buf);
        return;
    }
    int complete = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, LIMITS_IO_CHUNK, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            close(s);
            memset(r, 0, sizeof(*r));
            r->verdict = SCAN_ERROR;
            snprintf(r->name, sizeof(r->name), "cannot read content: %s", strerror(errno));
            return;
        }
        if (n == 0) {
            complete = 1;
            break;
        }
        /* clamd may close early on its size limit: its answer says so */
        if (scan_clamd_chunk(s, buf, (size_t)n) < 0)
            break;
        off += n;
    }
    free(buf);
    scan_clamd_finish(s, addr, complete, r);
}

/* scan_clamd_buf - scan memory */
void scan_clamd_buf(const char *addr, unsigned timeout_ms, const void *buf, size_t len,
                    scan_result *r)
{
    int s = scan_clamd_start(addr, timeout_ms, r);
    const char *p = buf;

    if (s < 0)
        return;
    while (len) {
        size_t n = len < LIMITS_IO_CHUNK ? len : LIMITS_IO_CHUNK;
        if (scan_clamd_chunk(s, p, n) < 0)
            break;
        p += n;
        len -= n;
    }
    scan_clamd_finish(s, addr, len == 0, r);
}
