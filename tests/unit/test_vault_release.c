/*
 * NAME
 *	test_vault_release - release rules and re-injection through a real SMTP listener
 * DESCRIPTION
 *	A tiny SMTP server on 127.0.0.1 (a thread of the test) takes the
 *	place of the Postfix listener that does not pass the milter; it
 *	records the envelope and the DATA octets as received.
 */
#include "tests/unit/test_vault_common.h"
#include <pthread.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sqlite3.h>
#include "vault/audit.h"
#include "vault/release.h"

enum { LS_NORMAL, LS_REJECT_RCPT, LS_SILENT };

typedef struct listener {
    int		fd;
    unsigned	port;
    int		mode;
    pthread_t	th;
    char	from[2048];
    char	rcpts[4096];
    char	*data;
    size_t	datalen;
    int		got_data;
} listener;

/* ls_line - read one line (CRLF stripped) from c; length or -1 */
static int ls_line(int c, char *buf, size_t len)
{
    size_t n = 0;
    while (n + 1 < len) {
        char ch;
        if (recv(c, &ch, 1, 0) != 1)
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
static void ls_say(int c, const char *s)
{
    if (send(c, s, strlen(s), MSG_NOSIGNAL) < 0)
        return;
}

/* ls_main - serve one connection */
static void *ls_main(void *arg)
{
    listener *l = arg;
    int c = accept(l->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    if (l->mode == LS_SILENT) {
        char buf[16];
        while (recv(c, buf, sizeof(buf), 0) > 0)
            ;
        close(c);
        return NULL;
    }
    char line[2048];
    ls_say(c, "220 test ESMTP\r\n");
    while (ls_line(c, line, sizeof(line)) >= 0) {
        if (!strncasecmp(line, "EHLO", 4)) {
            ls_say(c, "250-test\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
        } else if (!strncasecmp(line, "MAIL FROM:", 10)) {
            snprintf(l->from, sizeof(l->from), "%s", line + 10);
            ls_say(c, "250 2.1.0 Ok\r\n");
        } else if (!strncasecmp(line, "RCPT TO:", 8)) {
            if (l->mode == LS_REJECT_RCPT) {
                ls_say(c, "550 5.1.1 <nobody>: Recipient address rejected\r\n");
                continue;
            }
            size_t n = strlen(l->rcpts);
            snprintf(l->rcpts + n, sizeof(l->rcpts) - n, "%s;", line + 8);
            ls_say(c, "250 2.1.5 Ok\r\n");
        } else if (!strcasecmp(line, "DATA")) {
            ls_say(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
            l->got_data = 1;
            size_t cap = 1 << 20;
            l->data = calloc(1, cap);
            /* keep the raw octets, CRLF and dot-stuffing included */
            char prev[5] = { 0 };
            for (;;) {
                char ch;
                if (recv(c, &ch, 1, 0) != 1 || l->datalen + 1 >= cap)
                    break;
                l->data[l->datalen++] = ch;
                memmove(prev, prev + 1, 4);
                prev[4] = ch;
                if (l->datalen >= 5 && !memcmp(l->data + l->datalen - 5, "\r\n.\r\n", 5))
                    break;
                if (l->datalen == 3 && !memcmp(l->data, ".\r\n", 3))
                    break;
            }
            ls_say(c, "250 2.0.0 Ok: queued as TESTQ1\r\n");
        } else if (!strcasecmp(line, "QUIT")) {
            ls_say(c, "221 2.0.0 Bye\r\n");
            break;
        } else {
            ls_say(c, "502 5.5.2 Error\r\n");
        }
    }
    close(c);
    return NULL;
}

/* ls_start - listen on 127.0.0.1, an ephemeral port */
static void ls_start(listener *l, int mode)
{
    memset(l, 0, sizeof(*l));
    l->mode = mode;
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
}

/* rl_reopen - reopen the vault with the release port set */
static void rl_reopen(tv_fixture *f, unsigned port, unsigned timeout_ms)
{
    char err[VAULT_ERR_SIZE];
    vault_close(f->v);
    f->cfg.release_host = "127.0.0.1";
    f->cfg.release_port = port;
    f->cfg.release_timeout_ms = timeout_ms;
    assert_int_equal(vault_open(&f->cfg, 0, &f->v, err, sizeof(err)), 0);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_release_rules, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_smtp, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_virus_forced, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_rcpt_rejected, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_timeout, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_release_no_listener, tv_setup, tv_teardown),
    };
    return cmocka_run_group_tests_name("vault_release", tests, NULL, NULL);
}
