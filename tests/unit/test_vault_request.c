/*
 * NAME
 *	test_vault_request - identities, release requests and decisions,
 *	the recorded audit log, and the index checked against the chain
 * DESCRIPTION
 *	People act through their own vault handles. Console identities
 *	stand for the people here (the system identity of the test is root,
 *	one person); the shell test tests/postfix/phase_vault.sh runs the
 *	same rules with real Unix users through sudo.
 */
#include "tests/unit/test_vault_common.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sqlite3.h>
#include "vault/audit.h"
#include "vault/identity.h"
#include "vault/request.h"

static const char msg[] = "From: <a@example.com>\nSubject: s\n\nbody\n";

/* rq_as - a second handle on f's vault acting as a console account */
static vault *rq_as(tv_fixture *f, const char *account, uid_t uid, unsigned roles)
{
    vault_identity who;
    vault *v = NULL;
    char err[VAULT_ERR_SIZE];
    assert_int_equal(identity_console(&who, account, uid, roles), 0);
    assert_int_equal(vault_open(&f->cfg, 0, &v, err, sizeof(err)), 0);
    assert_int_equal(vault_set_identity(v, &who), 0);
    return v;
}

/* rq_dead_port - a loopback port nothing listens on, for releases that must fail */
static unsigned rq_dead_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sa);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    close(s);
    return ntohs(sa.sin_port);
}

/* rq_sql - run statements on the index behind the vault's back */
static void rq_sql(tv_fixture *f, const char *sql)
{
    sqlite3 *db;
    char path[200];
    snprintf(path, sizeof(path), "%s/index.sqlite", f->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* rq_verify - vault_verify_index on f; what into buf */
static int rq_verify(tv_fixture *f, char *what, size_t len)
{
    return vault_verify_index(f->v, what, len);
}

/* rq_list_cb - count requests, remember the last one's state and approver */
static int rq_list_cb(const request_info *r, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%lld:%s:%s:%s|", r->rid, r->state, r->requester,
             r->approver ? r->approver : "-");
    return 0;
}

static void test_identity_rules(void **state)
{
    (void)state;
    vault_identity a, b, c, sys;
    /* one uid is one person, whatever the name */
    assert_int_equal(identity_console(&a, "alice", 1001, 0), 0);
    assert_int_equal(identity_console(&b, "Alice.", 1001, 0), 0);
    assert_true(identity_same(&a, &b));
    /* console accounts without a system account: by account */
    assert_int_equal(identity_console(&a, "alice", IDENTITY_UID_NONE, 0), 0);
    assert_int_equal(identity_console(&b, "alice", IDENTITY_UID_NONE, 0), 0);
    assert_int_equal(identity_console(&c, "bob", IDENTITY_UID_NONE, 0), 0);
    assert_true(identity_same(&a, &b));
    assert_false(identity_same(&a, &c));
    /* names that could break a record are refused */
    assert_int_equal(identity_console(&a, "al ice", 1, 0), -1);
    assert_int_equal(identity_console(&a, "a\"b", 1, 0), -1);
    assert_int_equal(identity_console(&a, "", 1, 0), -1);

    /* the environment is no identity: SUDO_UID/SUDO_USER without a sudo parent */
    setenv("SUDO_UID", "4242", 1);
    setenv("SUDO_USER", "mallory", 1);
    identity_from_system(&sys, getuid());
    assert_int_equal(sys.uid, getuid());
    assert_int_equal(sys.delegated, 0);
    assert_string_not_equal(sys.name, "mallory");
    uid_t su;
    assert_int_equal(identity_sudo_caller(&su), 0);
    unsetenv("SUDO_UID");
    unsetenv("SUDO_USER");
    /* root is never a service identity; the owner (not root) run directly is */
    assert_int_equal(sys.service, getuid() != 0);
    identity_from_system(&sys, 4242);
    assert_int_equal(sys.service, 0);
    /* a service identity has no role, not even as root */
    sys.uid = 0;
    sys.service = 1;
    identity_roles(&sys, "no-such-group-mugai", "no-such-group-mugai");
    assert_int_equal(sys.roles, 0);
    sys.service = 0;
    identity_roles(&sys, "no-such-group-mugai", "no-such-group-mugai");
    assert_int_equal(sys.roles, IDENTITY_ROLE_REQUEST | IDENTITY_ROLE_APPROVE);

    /* groups: root is in every group; an unknown group has no member */
    assert_int_equal(identity_member(0, "no-such-group-mugai"), 1);
    assert_int_equal(identity_member(65534, "no-such-group-mugai"), -1);
    if (getgrnam("mail") && !identity_member(65534, "mail")) {
        sys.uid = 65534;
        sys.kind = IDENTITY_SYSTEM;
        identity_roles(&sys, "mail", "mail");
        assert_int_equal(sys.roles, 0);
    }
}

static void test_request_and_decide(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], reply[256], what[512];
    long long rid, rid2;
    f->cfg.release_port = rq_dead_port();
    f->cfg.release_timeout_ms = 1000;
    assert_int_equal(tv_store(f, msg, "a@example.com", "b@example.jp", "quarantine", NULL, 0, id),
                     0);
    vault *alice = rq_as(f, "alice", 1001, IDENTITY_ROLE_REQUEST);
    vault *alice2 = rq_as(f, "ALICE", 1001, IDENTITY_ROLE_APPROVE);	/* alice again */
    vault *bob = rq_as(f, "bob", 1002, IDENTITY_ROLE_APPROVE);
    vault *eve = rq_as(f, "eve", 1003, 0);				/* in no group */

    /* outside the groups: neither request nor decide */
    assert_int_equal(request_create(eve, id, "please", &rid), VAULT_EPERM);
    assert_true(strstr(vault_error(eve), "may not ask") != NULL);
    /* a request needs a reason */
    assert_int_equal(request_create(alice, id, "  ", &rid), VAULT_EREFUSED);
    /* a reason is one line: no control character that could forge a line */
    static const char *const bad[] = { "ok\n1  forged  approved", "ok\rx", "tab\there",
                                       "\x1b[2Jclear", "del\x7f", "nel\xc2\x85x" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_true(request_reason_bad(bad[i]));
        assert_int_equal(request_create(alice, id, bad[i], &rid), VAULT_EREFUSED);
        assert_true(strstr(vault_error(alice), "control characters") != NULL);
    }
    assert_false(request_reason_bad("入札のため必要 (é)"));
    assert_int_equal(request_create(alice, id, "needed for the tender", &rid), 0);
    assert_true(rid > 0);
    assert_int_equal(request_decide(eve, id, 1, "ok", 0, &rid2, reply, sizeof(reply)),
                     VAULT_EPERM);
    assert_int_equal(request_decide(bob, id, 0, "no\nforged", 0, &rid2, reply, sizeof(reply)),
                     VAULT_EREFUSED);
    assert_true(strstr(vault_error(bob), "control characters") != NULL);
    /* the requester cannot approve, under another name either */
    assert_int_equal(request_decide(alice2, id, 1, "ok", 0, &rid2, reply, sizeof(reply)),
                     VAULT_EREFUSED);
    assert_true(strstr(vault_error(alice2), "was made by console:alice (uid 1001)") != NULL);
    assert_true(tv_file_contains(f->audit, "\"action\":\"decision-refused\""));
    /* another person approves; the release runs (and fails: no TLS credentials here) */
    char ref[32];
    snprintf(ref, sizeof(ref), "%lld", rid);
    assert_int_equal(request_decide(bob, ref, 1, "checked", 0, &rid2, reply, sizeof(reply)),
                     VAULT_EFAIL);
    assert_int_equal(rid2, rid);
    /* the release credentials of the test vault do not exist: nothing is sent */
    assert_true(strstr(vault_error(bob), "not released") != NULL);
    /* decided once only */
    assert_int_equal(request_decide(bob, ref, 0, "no", 0, &rid2, reply, sizeof(reply)),
                     VAULT_EREFUSED);
    assert_true(strstr(vault_error(bob), "failed already") != NULL);
    /* the chain names both people, the requester's reason and the approver's */
    assert_true(tv_file_contains(f->audit, "\"actor\":\"console:alice\""));
    assert_true(tv_file_contains(f->audit, "requester=console:alice (uid 1001) "
                                 "approver=console:bob (uid 1002)"));
    assert_true(tv_file_contains(f->audit, "\"action\":\"approve\""));
    assert_true(tv_file_contains(f->audit, "\"action\":\"release-failed\""));
    /* a second request, denied */
    assert_int_equal(request_create(alice, id, "again", &rid), 0);
    assert_int_equal(request_decide(bob, id, 0, "not convinced", 0, &rid2, reply, sizeof(reply)),
                     0);
    assert_true(tv_file_contains(f->audit, "\"action\":\"deny\""));
    char list[512] = "";
    assert_int_equal(request_list(f->v, 0, rq_list_cb, list), 0);
    assert_string_equal(list, "1:failed:alice (uid 1001):bob (uid 1002)|"
                        "2:denied:alice (uid 1001):bob (uid 1002)|");
    list[0] = 0;
    assert_int_equal(request_list(f->v, 1, rq_list_cb, list), 0);
    assert_string_equal(list, "");

    audit_report rep;
    assert_int_equal(audit_verify(f->audit, vault_audit_key(f->v), &rep), 0);
    assert_int_equal(rq_verify(f, what, sizeof(what)), 0);
    assert_true(strstr(what, "agrees") != NULL);
    vault_close(alice);
    vault_close(alice2);
    vault_close(bob);
    vault_close(eve);
}

static void test_virus_needs_confirmation(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], reply[256];
    long long rid, rid2;
    f->cfg.release_port = rq_dead_port();
    f->cfg.release_timeout_ms = 1000;
    assert_int_equal(tv_store(f, msg, "a@example.com", "b@example.jp", "reject",
                              "Mugai.Test.EICAR", 0, id), 0);
    vault *alice = rq_as(f, "alice", 1001, IDENTITY_ROLE_REQUEST);
    vault *bob = rq_as(f, "bob", 1002, IDENTITY_ROLE_APPROVE);
    assert_int_equal(request_create(alice, id, "sample for the police", &rid), 0);
    assert_int_equal(request_decide(bob, id, 1, NULL, 1, &rid2, reply, sizeof(reply)),
                     VAULT_EREFUSED);
    assert_true(strstr(vault_error(bob), "--confirm-virus") != NULL);
    assert_int_equal(request_decide(bob, id, 1, "police case 12", 0, &rid2, reply, sizeof(reply)),
                     VAULT_EREFUSED);
    /* both: the release is attempted (nothing listens here) */
    assert_int_equal(request_decide(bob, id, 1, "police case 12", 1, &rid2, reply, sizeof(reply)),
                     VAULT_EFAIL);
    assert_true(tv_file_contains(f->audit, "virus_confirmed=yes"));
    vault_close(alice);
    vault_close(bob);
}

/* The index edited behind the vault's back, as an attacker with the
 * owner's file access but not the commands would. */
static void test_index_against_chain(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], vid[VAULT_ID_SIZE], reply[256], what[512], sql[256];
    long long rid, rid2;
    f->cfg.release_port = rq_dead_port();
    f->cfg.release_timeout_ms = 1000;
    assert_int_equal(tv_store(f, msg, "a@example.com", "b@example.jp", "quarantine", NULL, 0, id),
                     0);
    assert_int_equal(tv_store(f, msg, "a@example.com", "b@example.jp", "reject", "Mugai.Test.EICAR",
                              0, vid), 0);
    vault *alice = rq_as(f, "alice", 1001, IDENTITY_ROLE_REQUEST);
    vault *bob = rq_as(f, "bob", 1002, IDENTITY_ROLE_APPROVE);
    assert_int_equal(request_create(alice, id, "x", &rid), 0);
    request_decide(bob, id, 1, NULL, 0, &rid2, reply, sizeof(reply));
    vault_close(alice);
    vault_close(bob);
    assert_int_equal(rq_verify(f, what, sizeof(what)), 0);

    rq_sql(f, "CREATE TABLE keep AS SELECT * FROM releases; DELETE FROM releases");
    assert_int_equal(rq_verify(f, what, sizeof(what)), 1);
    assert_true(strstr(what, "releases rows were deleted") != NULL);
    rq_sql(f, "INSERT INTO releases SELECT * FROM keep");
    assert_int_equal(rq_verify(f, what, sizeof(what)), 0);

    snprintf(sql, sizeof(sql), "UPDATE items SET virus = NULL WHERE id = '%s'", vid);
    rq_sql(f, sql);
    assert_int_equal(rq_verify(f, what, sizeof(what)), 1);
    assert_true(strstr(what, "virus flag was changed") != NULL);
    assert_true(strstr(what, vid) != NULL);
    snprintf(sql, sizeof(sql), "UPDATE items SET virus = 'Mugai.Test.EICAR' WHERE id = '%s'", vid);
    rq_sql(f, sql);
    assert_int_equal(rq_verify(f, what, sizeof(what)), 0);

    rq_sql(f, "UPDATE requests SET state = 'denied'");
    assert_int_equal(rq_verify(f, what, sizeof(what)), 1);
    assert_true(strstr(what, "release request") != NULL);
    rq_sql(f, "UPDATE requests SET state = 'failed'");
    rq_sql(f, "DELETE FROM requests");
    assert_int_equal(rq_verify(f, what, sizeof(what)), 1);

    snprintf(sql, sizeof(sql), "DELETE FROM items WHERE id = '%s'", vid);
    rq_sql(f, sql);
    assert_int_equal(rq_verify(f, what, sizeof(what)), 1);
}

static void test_purge_against_chain(void **state)
{
    tv_fixture *f = *state;
    char id[VAULT_ID_SIZE], what[512];
    size_t n;
    assert_int_equal(tv_store(f, msg, "a@example.com", "b@example.jp", "quarantine", NULL,
                              time(NULL) - 86400, id), 0);
    vault_purge_opts o = { .older_than = 3600 };
    assert_int_equal(vault_purge(f->v, &o, NULL, NULL, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rq_verify(f, what, sizeof(what)), 0);
    rq_sql(f, "DELETE FROM purges");
    assert_int_equal(rq_verify(f, what, sizeof(what)), 1);
    assert_true(strstr(what, "disposal record is missing") != NULL);
}

/* The vault writes to the log it recorded, whatever a later config says. */
static void test_audit_log_recorded(void **state)
{
    tv_fixture *f = *state;
    char err[VAULT_ERR_SIZE], other[200], id[VAULT_ID_SIZE];
    snprintf(other, sizeof(other), "%s/elsewhere.log", f->root);
    vault_close(f->v);
    f->cfg.audit_log = other;
    assert_int_equal(vault_open(&f->cfg, 0, &f->v, err, sizeof(err)), 0);
    assert_string_equal(vault_audit_log(f->v), f->audit);
    assert_int_equal(tv_store(f, msg, "a@example.com", "b@example.jp", "quarantine", NULL, 0, id),
                     0);
    assert_int_equal(access(other, F_OK), -1);
    assert_true(tv_file_contains(f->audit, id));
    /* the key is the owner's alone */
    char key[200];
    struct stat st;
    snprintf(key, sizeof(key), "%s.key", f->audit);
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, AUDIT_KEY_SIZE);
}

/* The groups are recorded by the first open as the log is: a later
 * configuration naming others changes no role. */
static void test_groups_recorded(void **state)
{
    tv_fixture *f = *state;
    char err[VAULT_ERR_SIZE], req[VAULT_GROUP_SIZE], appr[VAULT_GROUP_SIZE];
    snprintf(req, sizeof(req), "%s", vault_config_of(f->v)->requester_group);
    snprintf(appr, sizeof(appr), "%s", vault_config_of(f->v)->approver_group);
    assert_true(req[0] && appr[0]);
    vault_close(f->v);
    f->cfg.requester_group = "mugai-test-other-requesters";
    f->cfg.approver_group = "mugai-test-other-approvers";
    assert_int_equal(vault_open(&f->cfg, 0, &f->v, err, sizeof(err)), 0);
    assert_string_equal(vault_config_of(f->v)->requester_group, req);
    assert_string_equal(vault_config_of(f->v)->approver_group, appr);
    vault *w = NULL;
    assert_int_equal(vault_open(&f->cfg, VAULT_OPEN_VERIFY, &w, err, sizeof(err)), 0);
    assert_string_equal(vault_config_of(w)->approver_group, appr);
    vault_close(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_rules),
        cmocka_unit_test_setup_teardown(test_request_and_decide, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_virus_needs_confirmation, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_index_against_chain, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_purge_against_chain, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_audit_log_recorded, tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(test_groups_recorded, tv_setup, tv_teardown),
    };
    return cmocka_run_group_tests_name("vault_request", tests, NULL, NULL);
}
