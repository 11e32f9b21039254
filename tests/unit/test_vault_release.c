/*
 * NAME
 *	test_vault_release - release rules and re-injection through a real SMTP listener
 * DESCRIPTION
 *	A tiny SMTP server on 127.0.0.1 (a thread of the test) takes the
 *	place of the LGWAN-side Postfix listener that does not pass the
 *	milter: it requires STARTTLS and a client certificate of the test
 *	CA (tests/unit/tls_certs.sh makes the certificates), and records
 *	the envelope and the DATA octets as received.
 */
#include "tests/unit/test_vault_common.h"
#include <pthread.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sqlite3.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "vault/audit.h"
#include "vault/release.h"

enum {
    LS_NORMAL, LS_REJECT_RCPT, LS_SILENT,
    LS_NO_STARTTLS,	/* does not offer STARTTLS */
    LS_ROGUE_SERVER,	/* presents a certificate of another CA */
    LS_INJECT,		/* sends a reply after its STARTTLS reply, before the handshake */
};

/* the certificates of tls_certs.sh, made once for all tests */
static char certdir[64];

/* cert_path - DIR/name into buf */
static const char *cert_path(char buf[128], const char *name)
{
    snprintf(buf, 128, "%s/%s", certdir, name);
    return buf;
}

typedef struct listener {
    int		fd;
    unsigned	port;
    int		mode;
    pthread_t	th;
    SSL_CTX	*ctx;
    SSL		*ssl;
    int		connected;	/* a client connected */
    int		tls;		/* the handshake succeeded, client certificate verified */
    int		plain_mail;	/* MAIL FROM came before STARTTLS */
    int		got_mail;
    char	client_cn[64];
    char	from[2048];
    char	rcpts[4096];
    char	*data;
    size_t	datalen;
    int		got_data;
} listener;

/* ls_getc - one octet from the client, through TLS once started; 1 or not */
static int ls_getc(listener *l, int c, char *ch)
{
    return l->ssl ? SSL_read(l->ssl, ch, 1) : (int)recv(c, ch, 1, 0);
}

/* ls_line - read one line (CRLF stripped) from c; length or -1 */
static int ls_line(listener *l, int c, char *buf, size_t len)
{
    size_t n = 0;
    while (n + 1 < len) {
        char ch;
        if (ls_getc(l, c, &ch) != 1)
            return -1;
        if (ch == '\n')
            break;
        buf[n++] = ch;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = 0;
    return (int)n;
}

/* ls_say - send a reply line */
static void ls_say(listener *l, int c, const char *s)
{
    if (l->ssl)
        (void)SSL_write(l->ssl, s, (int)strlen(s));
    else if (send(c, s, strlen(s), MSG_NOSIGNAL) < 0)
        return;
}

/* ls_starttls - the server side of the handshake; 0 when the client's certificate verified */
static int ls_starttls(listener *l, int c)
{
    l->ssl = SSL_new(l->ctx);
    if (!l->ssl || SSL_set_fd(l->ssl, c) != 1 || SSL_accept(l->ssl) != 1)
        return -1;
    X509 *x = SSL_get1_peer_certificate(l->ssl);
    if (!x)
        return -1;
    X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, l->client_cn,
                              sizeof(l->client_cn));
    X509_free(x);
    l->tls = SSL_get_verify_result(l->ssl) == X509_V_OK;
    return l->tls ? 0 : -1;
}

/* ls_main - serve one connection */
static void *ls_main(void *arg)
{
    listener *l = arg;
    int c = accept(l->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    l->connected = 1;
    if (l->mode == LS_SILENT) {
        char buf[16];
        while (recv(c, buf, sizeof(buf), 0) > 0)
            ;
        close(c);
        return NULL;
    }
    char line[2048];
    ls_say(l, c, "220 test ESMTP\r\n");
    while (ls_line(l, c, line, sizeof(line)) >= 0) {
        if (!strncasecmp(line, "EHLO", 4)) {
            if (l->ssl || l->mode == LS_NO_STARTTLS)
                ls_say(l, c, "250-test\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
            else
                ls_say(l, c, "250-test\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
        } else if (!strcasecmp(line, "STARTTLS") && !l->ssl && l->mode != LS_NO_STARTTLS) {
            if (l->mode == LS_INJECT) {
                ls_say(l, c, "220 2.0.0 Ready to start TLS\r\n250 injected\r\n");
                continue;
            }
            ls_say(l, c, "220 2.0.0 Ready to start TLS\r\n");
            if (ls_starttls(l, c) < 0)
                break;
        } else if (!strncasecmp(line, "MAIL FROM:", 10)) {
            l->got_mail = 1;
            if (!l->ssl && l->mode != LS_NO_STARTTLS) {
                l->plain_mail = 1;
                ls_say(l, c, "530 5.7.0 Must issue a STARTTLS command first\r\n");
                continue;
            }
            snprintf(l->from, sizeof(l->from), "%s", line + 10);
            ls_say(l, c, "250 2.1.0 Ok\r\n");
        } else if (!strncasecmp(line, "RCPT TO:", 8)) {
            if (l->mode == LS_REJECT_RCPT) {
                ls_say(l, c, "550 5.1.1 <nobody>: Recipient address rejected\r\n");
                continue;
            }
            size_t n = strlen(l->rcpts);
            snprintf(l->rcpts + n, sizeof(l->rcpts) - n, "%s;", line + 8);
            ls_say(l, c, "250 2.1.5 Ok\r\n");
        } else if (!strcasecmp(line, "DATA")) {
            ls_say(l, c, "354 End data with <CR><LF>.<CR><LF>\r\n");
            l->got_data = 1;
            size_t cap = 1 << 20;
            l->data = calloc(1, cap);
            /* keep the raw octets, CRLF and dot-stuffing included */
            char prev[5] = { 0 };
            for (;;) {
                char ch;
                if (ls_getc(l, c, &ch) != 1 || l->datalen + 1 >= cap)
                    break;
                l->data[l->datalen++] = ch;
                memmove(prev, prev + 1, 4);
                prev[4] = ch;
                if (l->datalen >= 5 && !memcmp(l->data + l->datalen - 5, "\r\n.\r\n", 5))
                    break;
                if (l->datalen == 3 && !memcmp(l->data, ".\r\n", 3))
                    break;
            }
            ls_say(l, c, "250 2.0.0 Ok: queued as TESTQ1\r\n");
        } else if (!strcasecmp(line, "QUIT")) {
            ls_say(l, c, "221 2.0.0 Bye\r\n");
            break;
        } else {
            ls_say(l, c, "502 5.5.2 Error\r\n");
        }
    }
    if (l->ssl) {
        SSL_free(l->ssl);
        l->ssl = NULL;
    }
    close(c);
    return NULL;
}

/* ls_start - listen on 127.0.0.1, an ephemeral port */
static void ls_start(listener *l, int mode)
{
    memset(l, 0, sizeof(*l));
    l->mode = mode;
    const char *srv = mode == LS_ROGUE_SERVER ? "rogue-server" : "ca-server";
    char name[32], path[128];
    l->ctx = SSL_CTX_new(TLS_server_method());
    assert_non_null(l->ctx);
    snprintf(name, sizeof(name), "%s.crt", srv);
    assert_int_equal(SSL_CTX_use_certificate_chain_file(l->ctx, cert_path(path, name)), 1);
    snprintf(name, sizeof(name), "%s.key", srv);
    assert_int_equal(SSL_CTX_use_PrivateKey_file(l->ctx, cert_path(path, name),
                                                 SSL_FILETYPE_PEM), 1);
    assert_int_equal(SSL_CTX_load_verify_locations(l->ctx, cert_path(path, "ca.crt"), NULL), 1);
    SSL_CTX_set_verify(l->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(l->fd >= 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    socklen_t len = sizeof(sa);
    assert_int_equal(getsockname(l->fd, (struct sockaddr *)&sa, &len), 0);
    l->port = ntohs(sa.sin_port);
    assert_int_equal(listen(l->fd, 4), 0);
    assert_int_equal(pthread_create(&l->th, NULL, ls_main, l), 0);
}

/* ls_stop - join the server (its recordings stay until ls_free) */
static void ls_stop(listener *l)
{
    shutdown(l->fd, SHUT_RDWR);
    pthread_join(l->th, NULL);
    close(l->fd);
}

/* ls_free - release what the server recorded */
static void ls_free(listener *l)
{
    free(l->data);
    l->data = NULL;
    SSL_CTX_free(l->ctx);
    l->ctx = NULL;
}

/* rl_reopen_tls - reopen the vault releasing to host:port with the
 *	client certificate cert (a name in certdir) and the key at key */
static void rl_reopen_tls(tv_fixture *f, const char *host, unsigned port, unsigned timeout_ms,
                          const char *cert, const char *key)
{
    static char crt_buf[128], key_buf[128], ca_buf[128];	/* the vault borrows them */
    char err[VAULT_ERR_SIZE];
    vault_close(f->v);
    f->cfg.release_host = host;
    f->cfg.release_port = port;
    f->cfg.release_timeout_ms = timeout_ms;
    f->cfg.release_tls_cert = cert_path(crt_buf, cert);
    snprintf(key_buf, sizeof(key_buf), "%s", key);
    f->cfg.release_tls_key = key_buf;
    f->cfg.release_tls_ca = cert_path(ca_buf, "ca.crt");
    assert_int_equal(vault_open(&f->cfg, 0, &f->v, err, sizeof(err)), 0);
}

/* rl_reopen - reopen the vault releasing to 127.0.0.1:port with the site's client certificate */
static void rl_reopen(tv_fixture *f, unsigned port, unsigned timeout_ms)
{
    char key[128];
    rl_reopen_tls(f, "127.0.0.1", port, timeout_ms, "ca-client.crt",
                  cert_path(key, "ca-client.key"));
}

static const char msg[] =
    "From: <attacker@example.com>\n"
    "To: taro@city.example.lg.jp\n"
    "Subject: report\n"
    "\n"
    "first line\n"
    ".hidden line\n"
    ".\n"
    "last line without newline";

/* Two people of a console, and the same person as tanaka under another spelling. */
static vault_identity tanaka, suzuki, tanaka2, clerk;

/* rl_people - the identities the tests release with */
static void rl_people(void)
{
    assert_int_equal(identity_console(&tanaka, "tanaka", 1001, IDENTITY_ROLE_REQUEST), 0);
    assert_int_equal(identity_console(&suzuki, "suzuki", 1002, IDENTITY_ROLE_APPROVE), 0);
    assert_int_equal(identity_console(&tanaka2, "Tanaka.", 1001, IDENTITY_ROLE_APPROVE), 0);
    assert_int_equal(identity_console(&clerk, "clerk", 1003, IDENTITY_ROLE_REQUEST), 0);
}

static void test_release_rules(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], why[512], reply[256];
    rl_people();
    assert_int_equal(tv_store(f, msg, "attacker@example.com", "taro@city.example.lg.jp",
                              "quarantine", "Eicar-Test-Signature", 0, id), 0);
    vault_item it;
    assert_int_equal(vault_get(f->v, id, &it), 0);
    /* the same uid under another name is the same person */
    release_request rq = { .id = id, .request = 1, .requester = &tanaka, .approver = &tanaka2,
                           .reason = "needed for the tender", .approval = "checked",
                           .confirm_virus = 1 };
    assert_int_equal(release_check(&it, &rq, why, sizeof(why)), VAULT_EREFUSED);
    assert_true(strstr(why, "another person") != NULL);
    /* an approver without the approver role */
    rq.approver = &clerk;
    assert_int_equal(release_check(&it, &rq, why, sizeof(why)), VAULT_EREFUSED);
    assert_true(strstr(why, "may not approve") != NULL);
    /* a virus: confirmation and the approver's own reason, both */
    rq.approver = &suzuki;
    rq.confirm_virus = 0;
    assert_int_equal(release_check(&it, &rq, why, sizeof(why)), VAULT_EREFUSED);
    assert_true(strstr(why, "virus Eicar-Test-Signature") != NULL);
    rq.confirm_virus = 1;
    rq.approval = " ";
    assert_int_equal(release_check(&it, &rq, why, sizeof(why)), VAULT_EREFUSED);
    rq.approval = "sample for the police";
    assert_int_equal(release_check(&it, &rq, why, sizeof(why)), 0);
    rq.reason = "  ";
    assert_int_equal(release_check(&it, &rq, why, sizeof(why)), VAULT_EREFUSED);
    rq.reason = "x";
    rq.requester = NULL;
    assert_int_equal(release_check(&it, &rq, why, sizeof(why)), VAULT_EREFUSED);
    vault_item_free(&it);

    /* release_run refuses the same way, and records the refusal; nothing is sent */
    rl_reopen(f, 1, 1000);
    release_request same = { .id = id, .request = 1, .requester = &tanaka, .approver = &tanaka2,
                             .reason = "x", .approval = "y", .confirm_virus = 1 };
    assert_int_equal(release_run(f->v, &same, reply, sizeof(reply)), VAULT_EREFUSED);
    release_request noforce = { .id = id, .request = 1, .requester = &tanaka,
                                .approver = &suzuki, .reason = "x" };
    assert_int_equal(release_run(f->v, &noforce, reply, sizeof(reply)), VAULT_EREFUSED);
    assert_true(strstr(vault_error(f->v), "--confirm-virus") != NULL);
    assert_true(tv_file_contains(f->audit, "\"action\":\"release-refused\""));
    assert_false(tv_file_contains(f->audit, "\"action\":\"release-start\""));
}

static void test_release_smtp(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], reply[256];
    listener l;
    assert_int_equal(tv_store(f, msg, "attacker@example.com", "taro@city.example.lg.jp",
                              "quarantine", NULL, 0, id), 0);
    ls_start(&l, LS_NORMAL);
    rl_reopen(f, l.port, 2000);
    rl_people();
    release_request rq = { .id = id, .request = 7, .requester = &tanaka, .approver = &suzuki,
                           .reason = "false positive, confirmed by CSIRT" };
    int rc = release_run(f->v, &rq, reply, sizeof(reply));
    ls_stop(&l);
    assert_int_equal(rc, 0);
    assert_true(strstr(reply, "queued as TESTQ1") != NULL);
    /* over TLS, with the site's client certificate, nothing before it */
    assert_true(l.tls);
    assert_string_equal(l.client_cn, "ca-client");
    assert_false(l.plain_mail);
    assert_string_equal(l.from, "<attacker@example.com>");
    assert_string_equal(l.rcpts, "<taro@city.example.lg.jp>;");
    char hdr[128];
    snprintf(hdr, sizeof(hdr), "X-Mugai-Released: %s\r\nFrom: <attacker@example.com>\r\n", id);
    assert_true(l.datalen > strlen(hdr));
    assert_memory_equal(l.data, hdr, strlen(hdr));
    assert_true(testutil_contains(l.data, l.datalen, "\r\nfirst line\r\n..hidden line\r\n..\r\n"
                                  "last line without newline\r\n.\r\n"));
    for (size_t i = 0; i < l.datalen; i++)	/* every line end is CRLF */
        if (l.data[i] == '\n')
            assert_true(i > 0 && l.data[i - 1] == '\r');

    /* the exception record and the audit trail */
    sqlite3 *db;
    char dbpath[200];
    snprintf(dbpath, sizeof(dbpath), "%s/index.sqlite", f->dir);
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT requester, approver, reason, forced, result,"
                                        " request, requester_uid, approver_uid"
                                        " FROM releases WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "tanaka");
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "suzuki");
    assert_int_equal(sqlite3_column_int(st, 5), 7);
    assert_int_equal(sqlite3_column_int(st, 6), 1001);
    assert_int_equal(sqlite3_column_int(st, 7), 1002);
    assert_int_equal(sqlite3_column_int(st, 3), 0);
    assert_true(strstr((const char *)sqlite3_column_text(st, 4), "sent: 250") != NULL);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_true(tv_file_contains(f->audit, "\"action\":\"release-start\""));
    assert_true(tv_file_contains(f->audit, "\"action\":\"release\""));
    assert_true(tv_file_contains(f->audit, "request=7 requester=console:tanaka (uid 1001) "
                                 "approver=console:suzuki (uid 1002) virus_confirmed=no"));
    audit_report rep;
    assert_int_equal(audit_verify(f->audit, vault_audit_key(f->v), &rep), 0);
    assert_int_equal(rep.records, 4);	/* audit-key, store, release-start, release */
    assert_int_equal(rep.authenticated, 1);
    ls_free(&l);
}

static void test_release_virus_forced(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], reply[256];
    listener l;
    assert_int_equal(tv_store(f, msg, "attacker@example.com", "taro@city.example.lg.jp",
                              "reject", "Eicar-Test-Signature", 0, id), 0);
    ls_start(&l, LS_NORMAL);
    rl_reopen(f, l.port, 2000);
    rl_people();
    release_request rq = { .id = id, .request = 2, .requester = &tanaka, .approver = &suzuki,
                           .reason = "sample for the police", .approval = "police request 12",
                           .confirm_virus = 1 };
    int rc = release_run(f->v, &rq, reply, sizeof(reply));
    ls_stop(&l);
    assert_int_equal(rc, 0);
    assert_true(l.got_data);
    assert_true(tv_file_contains(f->audit, "virus_confirmed=yes reason=sample for the police "
                                 "approval=police request 12"));
    ls_free(&l);
}

static void test_release_rcpt_rejected(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], reply[256];
    listener l;
    assert_int_equal(tv_store(f, msg, "attacker@example.com", "nobody@city.example.lg.jp",
                              "quarantine", NULL, 0, id), 0);
    ls_start(&l, LS_REJECT_RCPT);
    rl_reopen(f, l.port, 2000);
    rl_people();
    release_request rq = { .id = id, .request = 3, .requester = &tanaka, .approver = &suzuki,
                           .reason = "x" };
    int rc = release_run(f->v, &rq, reply, sizeof(reply));
    ls_stop(&l);
    ls_free(&l);
    assert_int_equal(rc, VAULT_EFAIL);
    assert_true(strstr(vault_error(f->v), "RCPT TO refused: 550 5.1.1") != NULL);
    assert_false(l.got_data);
    assert_true(tv_file_contains(f->audit, "\"action\":\"release-failed\""));
    audit_report rep;
    assert_int_equal(audit_verify(f->audit, vault_audit_key(f->v), &rep), 0);
}

static void test_release_timeout(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], reply[256];
    listener l;
    assert_int_equal(tv_store(f, msg, "a@example.com", "b@example.jp", "quarantine", NULL, 0, id), 0);
    ls_start(&l, LS_SILENT);
    rl_reopen(f, l.port, 1000);
    rl_people();
    release_request rq = { .id = id, .request = 3, .requester = &tanaka, .approver = &suzuki,
                           .reason = "x" };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = release_run(f->v, &rq, reply, sizeof(reply));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ls_stop(&l);
    ls_free(&l);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_int_equal(rc, VAULT_EFAIL);
    assert_true(strstr(vault_error(f->v), "no reply") != NULL);
    assert_true(ms >= 950 && ms < 5000);
}

static void test_release_no_listener(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], reply[256];
    assert_int_equal(tv_store(f, msg, "a@example.com", "b@example.jp", "quarantine", NULL, 0, id), 0);
    /* a port that was free a moment ago, with nothing listening on it now */
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sa);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    unsigned port = ntohs(sa.sin_port);
    close(s);
    rl_reopen(f, port, 1000);
    rl_people();
    release_request rq = { .id = id, .request = 3, .requester = &tanaka, .approver = &suzuki,
                           .reason = "x" };
    assert_int_equal(release_run(f->v, &rq, reply, sizeof(reply)), VAULT_EFAIL);
    assert_true(strstr(vault_error(f->v), "cannot connect") != NULL);
}

/* tls_case - a release to a listener in mode with the given client
 *	credentials, expected to fail with want in the error and nothing
 *	sent; returns whether the listener saw a connection */
static int tls_case(tv_fixture *f, int mode, const char *host, const char *cert, const char *key,
                    const char *want)
{
    char id[VAULT_ID_SIZE], reply[256];
    listener l;
    assert_int_equal(tv_store(f, msg, "a@example.com", "b@example.jp", "quarantine", NULL, 0, id), 0);
    ls_start(&l, mode);
    rl_reopen_tls(f, host, l.port, 2000, cert, key);
    rl_people();
    release_request rq = { .id = id, .request = 3, .requester = &tanaka, .approver = &suzuki,
                           .reason = "x" };
    int rc = release_run(f->v, &rq, reply, sizeof(reply));
    ls_stop(&l);
    ls_free(&l);
    assert_int_equal(rc, VAULT_EFAIL);
    if (getenv("MUGAI_TEST_VERBOSE"))
        fprintf(stderr, "%s\n", vault_error(f->v));
    if (!strcasestr(vault_error(f->v), want))
        fail_msg("error '%s' does not say '%s'", vault_error(f->v), want);
    assert_false(l.got_data);
    assert_false(l.plain_mail);
    assert_true(tv_file_contains(f->audit, "\"action\":\"release-failed\""));
    return l.connected;
}

/* test_release_tls_fail_closed - no TLS, an unknown server, the wrong name: nothing sent */
static void test_release_tls_fail_closed(void **state)
{
    tv_fixture *f = *state;
    char key[128];
    cert_path(key, "ca-client.key");
    /* a server that does not offer STARTTLS never sees MAIL FROM */
    tls_case(f, LS_NO_STARTTLS, "127.0.0.1", "ca-client.crt", key, "does not offer STARTTLS");
    /* a server certificate of another CA, or for another name */
    tls_case(f, LS_ROGUE_SERVER, "127.0.0.1", "ca-client.crt", key, "does not verify");
    tls_case(f, LS_NORMAL, "127.1", "ca-client.crt", key, "hostname mismatch");
    /* an answer slipped in before the handshake is not taken as protected */
    tls_case(f, LS_INJECT, "127.0.0.1", "ca-client.crt", key, "after its STARTTLS reply");
    /* a client certificate the server does not trust: the server hangs
     * up, which with TLS 1.3 the client sees after its handshake, on
     * reading (the alert) or on writing (a reset), whichever comes first;
     * either way the error names the certificate */
    char rogue[128];
    tls_case(f, LS_NORMAL, "127.0.0.1", "rogue-client.crt", cert_path(rogue, "rogue-client.key"),
             "does the server accept the client certificate");
}

/* test_release_bad_key - a missing, unprotected or foreign key: refused before connecting */
static void test_release_bad_key(void **state)
{
    tv_fixture *f = *state;
    char path[200], key[128];
    snprintf(path, sizeof(path), "%s/none.key", f->root);
    assert_false(tls_case(f, LS_NORMAL, "127.0.0.1", "ca-client.crt", path, "cannot open"));
    /* the right key, readable by others */
    snprintf(path, sizeof(path), "%s/open.key", f->root);
    char cmd[800];
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 0644 '%s'",
             cert_path(key, "ca-client.key"), path, path);
    assert_int_equal(system(cmd), 0);
    assert_false(tls_case(f, LS_NORMAL, "127.0.0.1", "ca-client.crt", path, "mode 0644"));
    chmod(path, 0640);
    assert_false(tls_case(f, LS_NORMAL, "127.0.0.1", "ca-client.crt", path, "mode 0640"));
    /* another certificate's key */
    assert_false(tls_case(f, LS_NORMAL, "127.0.0.1", "ca-client.crt",
                          cert_path(key, "rogue-client.key"), "does not match"));
    /* not a key at all (a certificate, protected like a key) */
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 0600 '%s'",
             cert_path(key, "ca-client.crt"), path, path);
    assert_int_equal(system(cmd), 0);
    assert_false(tls_case(f, LS_NORMAL, "127.0.0.1", "ca-client.crt", path,
                          "not an unencrypted PEM private key"));
}

/* certs_setup - the test certificates, once */
static int certs_setup(void **state)
{
    (void)state;
    snprintf(certdir, sizeof(certdir), "/tmp/mugai-tls-XXXXXX");
    if (!mkdtemp(certdir))
        return -1;
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "sh tests/unit/tls_certs.sh '%s'", certdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* certs_teardown - remove them */
static int certs_teardown(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", certdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_release_rules, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_smtp, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_virus_forced, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_rcpt_rejected, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_timeout, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_no_listener, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_tls_fail_closed, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_bad_key, tv_setup, tv_teardown),
    };
    return cmocka_run_group_tests_name("vault_release", tests, certs_setup, certs_teardown);
}
