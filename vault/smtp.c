/*
 * NAME
 *	smtp - a minimal SMTP client for re-injecting released originals
 * DESCRIPTION
 *	See smtp.h. Non-blocking socket with poll(2) for every step, so a
 *	silent or slow server costs at most the timeout per step; after
 *	STARTTLS the same loop drives OpenSSL's reads and writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include "vault/smtp.h"

#define SMTP_CHUNK	(64u * 1024)

typedef struct smtp_conn {
    int		fd;
    SSL		*ssl;		/* after STARTTLS */
    char	tlserr[256];	/* OpenSSL's reason of the last TLS failure */
    unsigned	timeout_ms;
    char	in[SMTP_LINE_MAX * 4];
    size_t	inlen;
    char	*err;
    size_t	errlen;
} smtp_conn;

/* smtp_fail - one error line; returns -1 */
static int smtp_fail(smtp_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int smtp_fail(smtp_conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* smtp_now_ms - monotonic milliseconds */
static long long smtp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* smtp_wait - poll for ev until deadline; 0, or -1 with errno ETIMEDOUT */
static int smtp_wait(int fd, short ev, long long deadline)
{
    for (;;) {
        long long left = deadline - smtp_now_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd p = { .fd = fd, .events = ev };
        int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n > 0)
            return 0;
    }
}

/*
 * smtp_tls_want - after an OpenSSL call returned r: wait for what it
 *	wants. 1: call again; 0: the peer closed; -1: error, errno set
 *	(EPROTO for a TLS failure, its reason in c->tlserr)
 */
static int smtp_tls_want(smtp_conn *c, int r, long long deadline)
{
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return smtp_wait(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline) < 0 ? -1 : 1;
    if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0 &&
                                       ERR_peek_error() == 0))
        return 0;
    if (e == SSL_ERROR_SYSCALL && errno != 0)
        return -1;
    smtp_tls_error(c->tlserr, sizeof(c->tlserr), "TLS protocol error");
    errno = EPROTO;
    return -1;
}

/* smtp_errstr - the reason of the last failed I/O step */
static const char *smtp_errstr(const smtp_conn *c)
{
    return errno == EPROTO && c->tlserr[0] ? c->tlserr : strerror(errno);
}

/* smtp_read - some octets within the deadline: their count, 0 at end of stream, -1 */
static ssize_t smtp_read(smtp_conn *c, char *buf, size_t len, long long deadline)
{
    for (;;) {
        if (c->ssl) {
            ERR_clear_error();
            errno = 0;	/* SSL_ERROR_SYSCALL with errno 0 is the end of the stream */
            int n = SSL_read(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
            if (n > 0)
                return n;
            int w = smtp_tls_want(c, n, deadline);
            if (w <= 0)
                return w;
            continue;
        }
        if (smtp_wait(c->fd, POLLIN, deadline) < 0)
            return -1;
        ssize_t n = recv(c->fd, buf, len, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        return n;
    }
}

/* smtp_connect - connect to host:port within the timeout */
static int smtp_connect(smtp_conn *c, const smtp_target *t)
{
    char port[16];
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    snprintf(port, sizeof(port), "%u", t->port);
    int g = getaddrinfo(t->host, port, &hints, &res);
    if (g != 0)
        return smtp_fail(c, "release SMTP %s:%u: %s", t->host, t->port, gai_strerror(g));
    int e = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
            (errno == EINPROGRESS &&
             smtp_wait(fd, POLLOUT, smtp_now_ms() + t->timeout_ms) == 0)) {
            socklen_t len = sizeof(e);
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0) {
                c->fd = fd;
                freeaddrinfo(res);
                return 0;
            }
        } else {
            e = errno;
        }
        close(fd);
    }
    freeaddrinfo(res);
    return smtp_fail(c, "release SMTP %s:%u: cannot connect: %s", t->host, t->port,
                     strerror(e ? e : ECONNREFUSED));
}

/* smtp_write - write all of buf within the timeout */
static int smtp_write(smtp_conn *c, const char *buf, size_t len)
{
    long long deadline = smtp_now_ms() + c->timeout_ms;
    while (len > 0) {
        if (c->ssl) {
            /* a retry after WANT_* repeats the same buffer and length, as OpenSSL needs */
            ERR_clear_error();
            errno = 0;
            int n = SSL_write(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
            if (n > 0) {
                buf += n;
                len -= (size_t)n;
                deadline = smtp_now_ms() + c->timeout_ms;
                continue;
            }
            int w = smtp_tls_want(c, n, deadline);
            if (w > 0)
                continue;
            return smtp_fail(c, "release SMTP: write: %s",
                             w == 0 ? "connection closed by the server" : smtp_errstr(c));
        }
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            deadline = smtp_now_ms() + c->timeout_ms;	/* progress resets the clock */
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (smtp_wait(c->fd, POLLOUT, deadline) < 0)
                return smtp_fail(c, "release SMTP: write: %s", strerror(errno));
            continue;
        }
        return smtp_fail(c, "release SMTP: write: %s", strerror(n < 0 ? errno : EPIPE));
    }
    return 0;
}

/* smtp_cmd - send one command line (CRLF added) */
static int smtp_cmd(smtp_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int smtp_cmd(smtp_conn *c, const char *fmt, ...)
{
    char line[SMTP_LINE_MAX + 8];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line) - 2)
        return smtp_fail(c, "release SMTP: command too long");
    memcpy(line + n, "\r\n", 3);
    return smtp_write(c, line, (size_t)n + 2);
}

/*
 * smtp_reply - read one (multi-line) reply: its code, its last line in
 *	text, and whether a line named the extension ext (may be NULL)
 */
static int smtp_reply(smtp_conn *c, int *code, char *text, size_t tlen, const char *ext, int *has_ext)
{
    long long deadline = smtp_now_ms() + c->timeout_ms;
    if (has_ext)
        *has_ext = 0;
    for (;;) {
        char *nl = memchr(c->in, '\n', c->inlen);
        if (!nl) {
            if (c->inlen == sizeof(c->in))
                return smtp_fail(c, "release SMTP: reply line too long");
            ssize_t n = smtp_read(c, c->in + c->inlen, sizeof(c->in) - c->inlen, deadline);
            if (n < 0 && errno == ETIMEDOUT)
                return smtp_fail(c, "release SMTP: no reply: %s", strerror(errno));
            if (n <= 0)
                return smtp_fail(c, "release SMTP: connection closed by the server%s%s",
                                 n < 0 ? ": " : "", n < 0 ? smtp_errstr(c) : "");
            c->inlen += (size_t)n;
            continue;
        }
        size_t len = (size_t)(nl - c->in);
        size_t used = len + 1;
        if (len > 0 && c->in[len - 1] == '\r')
            len--;
        if (len < 3 || c->in[0] < '2' || c->in[0] > '5' || c->in[1] < '0' || c->in[1] > '9' ||
            c->in[2] < '0' || c->in[2] > '9' || (len > 3 && c->in[3] != ' ' && c->in[3] != '-'))
            return smtp_fail(c, "release SMTP: malformed reply");
        int last = len == 3 || c->in[3] == ' ';
        *code = (c->in[0] - '0') * 100 + (c->in[1] - '0') * 10 + (c->in[2] - '0');
        /* Keep printable ASCII only: the text goes to a terminal and a log. */
        size_t k = 0;
        for (size_t i = 0; i < len && k + 1 < tlen; i++)
            text[k++] = (c->in[i] >= 0x20 && c->in[i] < 0x7f) ? c->in[i] : '?';
        text[k] = 0;
        if (ext && has_ext && len > 4) {
            size_t el = strlen(ext);
            if (len - 4 >= el && strncasecmp(c->in + 4, ext, el) == 0 &&
                (len - 4 == el || c->in[4 + el] == ' '))
                *has_ext = 1;
        }
        memmove(c->in, c->in + used, c->inlen - used);
        c->inlen -= used;
        if (last)
            return 0;
    }
}

/* smtp_expect - read a reply and require its code class */
static int smtp_expect(smtp_conn *c, const char *step, int want, char *text, size_t tlen)
{
    int code;
    if (smtp_reply(c, &code, text, tlen, NULL, NULL) < 0)
        return -1;
    if (code / 100 != want)
        return smtp_fail(c, "release SMTP: %s refused: %s", step, text);
    return 0;
}

/* smtp_addr_ok - an address we may put in MAIL FROM / RCPT TO */
static int smtp_addr_ok(const char *a)
{
    if (strlen(a) > SMTP_ADDR_MAX)
        return 0;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p <= ' ' || *p == '<' || *p == '>' || *p == 0x7f)
            return 0;
    return 1;
}

/* smtp_has_8bit - 1 when the message has octets over 127; -1 on error */
static int smtp_has_8bit(int fd)
{
    unsigned char *buf = malloc(SMTP_CHUNK);
    if (!buf)
        return -1;
    off_t off = 0;
    int found = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, SMTP_CHUNK, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return -1;
        }
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n && !found; i++)
            found = buf[i] >= 0x80;
        if (found)
            break;
        off += n;
    }
    free(buf);
    return found;
}

/* smtp_data - the message with CRLF line ends and dot-stuffing, then "." */
static int smtp_data(smtp_conn *c, int fd, const char *prepend)
{
    unsigned char *in = malloc(SMTP_CHUNK);
    char *out = malloc(2 * SMTP_CHUNK + 8);
    int rc = -1, bol = 1, cr = 0;
    size_t olen = 0;
    off_t off = 0;
    if (!in || !out) {
        smtp_fail(c, "out of memory");
        goto done;
    }
    if (prepend) {
        size_t pl = strlen(prepend);
        if (smtp_write(c, prepend, pl) < 0 || smtp_write(c, "\r\n", 2) < 0)
            goto done;
    }
    for (;;) {
        ssize_t n = pread(fd, in, SMTP_CHUNK, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            smtp_fail(c, "cannot read the original: %s", strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        off += n;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char ch = in[i];
            if (cr && ch != '\n') {
                /* A bare CR is kept as it is: the original is not ours to change. */
                cr = 0;
            }
            if (ch == '\n') {
                if (!cr)
                    out[olen++] = '\r';
                out[olen++] = '\n';
                bol = 1;
                cr = 0;
                continue;
            }
            if (bol && ch == '.')
                out[olen++] = '.';
            bol = 0;
            cr = ch == '\r';
            out[olen++] = (char)ch;
        }
        if (smtp_write(c, out, olen) < 0)
            goto done;
        olen = 0;
    }
    if (cr)
        out[olen++] = '\n';
    else if (!bol) {
        out[olen++] = '\r';
        out[olen++] = '\n';
    }
    memcpy(out + olen, ".\r\n", 3);
    olen += 3;
    rc = smtp_write(c, out, olen);
done:
    free(in);
    free(out);
    return rc;
}

/*
 * smtp_starttls - STARTTLS, the handshake with our certificate, and the
 *	server's certificate verified against the CA for t->host
 */
static int smtp_starttls(smtp_conn *c, SSL_CTX *ctx, const smtp_target *t)
{
    char text[SMTP_LINE_MAX];
    if (smtp_cmd(c, "STARTTLS") < 0 || smtp_expect(c, "STARTTLS", 2, text, sizeof(text)) < 0)
        return -1;
    /* Anything sent before the handshake would be read as if protected. */
    if (c->inlen != 0)
        return smtp_fail(c, "release SMTP: the server sent data after its STARTTLS reply");
    ERR_clear_error();
    if (!(c->ssl = SSL_new(ctx)) || SSL_set_fd(c->ssl, c->fd) != 1 ||
        smtp_tls_expect_host(c->ssl, t->host) < 0)
        return smtp_fail(c, "release TLS: %s",
                         smtp_tls_error(c->tlserr, sizeof(c->tlserr), "cannot set up"));
    long long deadline = smtp_now_ms() + c->timeout_ms;
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int r = SSL_connect(c->ssl);
        if (r == 1)
            return 0;
        int w = smtp_tls_want(c, r, deadline);
        if (w > 0)
            continue;
        long v = SSL_get_verify_result(c->ssl);
        if (v != X509_V_OK)
            return smtp_fail(c, "release TLS %s:%u: the server's certificate does not verify "
                             "against %s for %s: %s", t->host, t->port, t->tls.ca, t->host,
                             X509_verify_cert_error_string(v));
        return smtp_fail(c, "release TLS %s:%u: handshake failed: %s", t->host, t->port,
                         w == 0 ? "connection closed by the server" : smtp_errstr(c));
    }
}

/* smtp_sigpipe_hold - block SIGPIPE in this thread: OpenSSL writes with write(2) */
static int smtp_sigpipe_hold(sigset_t *old)
{
    sigset_t s, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    sigpending(&pend);
    int was = sigismember(&pend, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &s, old);
    return was;
}

/* smtp_sigpipe_release - drop a SIGPIPE our writes raised, restore the mask */
static void smtp_sigpipe_release(const sigset_t *old, int was_pending)
{
    sigset_t s, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    sigpending(&pend);
    if (!was_pending && sigismember(&pend, SIGPIPE) == 1) {
        const struct timespec zero = { 0, 0 };
        while (sigtimedwait(&s, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* smtp_send - one message, all recipients or none */
int smtp_send(const smtp_target *t, const char *from, const char *const *rcpts, size_t nrcpts,
              const char *prepend, int fd, char *reply, size_t replylen,
              char *err, size_t errlen)
{
    smtp_conn *c = calloc(1, sizeof(*c));
    char text[SMTP_LINE_MAX];
    int code, has8 = 0, hastls = 0, rc = -1;
    SSL_CTX *ctx = NULL;
    sigset_t oldmask;
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int pipe_pending = smtp_sigpipe_hold(&oldmask);
    c->fd = -1;
    c->timeout_ms = t->timeout_ms;
    c->err = err;
    c->errlen = errlen;
    if (reply && replylen)
        reply[0] = 0;
    if (!from)
        from = "";
    if (nrcpts == 0) {
        smtp_fail(c, "release SMTP: no recipient");
        goto done;
    }
    if (!smtp_addr_ok(from) || !smtp_addr_ok(t->helo ? t->helo : "localhost")) {
        smtp_fail(c, "release SMTP: unusable sender address");
        goto done;
    }
    for (size_t i = 0; i < nrcpts; i++)
        if (!rcpts[i] || !*rcpts[i] || !smtp_addr_ok(rcpts[i])) {
            smtp_fail(c, "release SMTP: unusable recipient address");
            goto done;
        }
    if (prepend && strpbrk(prepend, "\r\n")) {
        smtp_fail(c, "release SMTP: header line with a line break");
        goto done;
    }
    int eight = smtp_has_8bit(fd);
    if (eight < 0) {
        smtp_fail(c, "cannot read the original: %s", strerror(errno));
        goto done;
    }
    /* Our credentials first: without them nothing is even connected. */
    if (!(ctx = smtp_tls_context(&t->tls, err, errlen)))
        goto done;
    if (smtp_connect(c, t) < 0 || smtp_expect(c, "greeting", 2, text, sizeof(text)) < 0)
        goto done;
    if (smtp_cmd(c, "EHLO %s", t->helo ? t->helo : "localhost") < 0 ||
        smtp_reply(c, &code, text, sizeof(text), "STARTTLS", &hastls) < 0)
        goto done;
    if (code / 100 != 2 || !hastls) {
        smtp_fail(c, "release SMTP %s:%u does not offer STARTTLS (%s): nothing sent; "
                  "releases go only over TLS with a client certificate", t->host, t->port, text);
        goto done;
    }
    if (smtp_starttls(c, ctx, t) < 0)
        goto done;
    if (smtp_cmd(c, "EHLO %s", t->helo ? t->helo : "localhost") < 0 ||
        smtp_reply(c, &code, text, sizeof(text), "8BITMIME", &has8) < 0) {
        /* With TLS 1.3 the server judges our certificate after the handshake. */
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, " (right after the TLS handshake: does the server "
                 "accept the client certificate %s?)", t->tls.cert);
        goto done;
    }
    if (code / 100 != 2) {
        smtp_fail(c, "release SMTP: EHLO over TLS refused: %s", text);
        goto done;
    }
    if (smtp_cmd(c, "MAIL FROM:<%s>%s", from, eight && has8 ? " BODY=8BITMIME" : "") < 0 ||
        smtp_expect(c, "MAIL FROM", 2, text, sizeof(text)) < 0)
        goto done;
    for (size_t i = 0; i < nrcpts; i++) {
        if (smtp_cmd(c, "RCPT TO:<%s>", rcpts[i]) < 0 ||
            smtp_expect(c, "RCPT TO", 2, text, sizeof(text)) < 0) {
            size_t n = strlen(err);
            snprintf(err + n, errlen - n, " (recipient %zu of %zu; nothing sent)", i + 1, nrcpts);
            goto done;
        }
    }
    if (smtp_cmd(c, "DATA") < 0 || smtp_expect(c, "DATA", 3, text, sizeof(text)) < 0 ||
        smtp_data(c, fd, prepend) < 0 ||
        smtp_expect(c, "end of data", 2, text, sizeof(text)) < 0)
        goto done;
    if (reply && replylen)
        snprintf(reply, replylen, "%s", text);
    rc = 0;
    /* The message is accepted: a failed QUIT changes nothing. */
    if (smtp_cmd(c, "QUIT") == 0)
        smtp_reply(c, &code, text, sizeof(text), NULL, NULL);
done:
    /* A polite QUIT on failure, without waiting; never plain text inside TLS. */
    if (rc < 0 && c->fd >= 0 && errno != ETIMEDOUT) {
        if (!c->ssl)
            (void)send(c->fd, "QUIT\r\n", 6, MSG_NOSIGNAL);
        else if (SSL_is_init_finished(c->ssl))
            (void)SSL_write(c->ssl, "QUIT\r\n", 6);
    }
    if (c->ssl) {
        if (rc == 0)
            (void)SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
    }
    SSL_CTX_free(ctx);
    ERR_clear_error();
    if (c->fd >= 0)
        close(c->fd);
    free(c);
    smtp_sigpipe_release(&oldmask, pipe_pending);
    return rc;
}
