/*
 * NAME
 *	test_milter_callbacks - the milter callbacks against a fake MTA
 * DESCRIPTION
 *	Drives mlfi_* as Postfix would (negotiate, connect, MAIL, RCPT,
 *	headers without their leading space, CRLF body in chunks, end of
 *	message) with tests/fakes/shim_fake.c in place of libmilter, and
 *	the real engine. Checks that the delivered message (the original
 *	header list with the recorded edits applied, and the replaced
 *	body) is exactly what the engine produces for the same input;
 *	that the body goes before any header edit; that chunking does not
 *	matter; size caps, spool failures, a missing action, failed
 *	modifications and engine refusals; the reply text; context
 *	handling when close comes first; the progress ticker; reload; the
 *	per-recipient mode and the log line.
 */
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "tests/unit/testutil.h"
#include "tests/fakes/shim_fake.h"

#include "milter/callbacks.h"
#include "milter/context.h"
#include "milter/log.h"
#include "milter/progress.h"
#include "milter/reload.h"
#include "milter/verdict.h"
#include "policy/config.h"
#include "policy/config_table.h"
#include "policy/rules.h"
#include "sanitizer/engine.h"
#include "sanitizer/scan_config.h"
#include "vault/vault.h"

static char spooldir[64], logpath[96], vaultroot[80], vaultdir[96], auditpath[112];

/* A message split as Postfix hands it over. */
typedef struct msg {
    fake_field *hdrs;
    size_t	nhdrs;
    char       *body;		/* CRLF */
    size_t	body_len;
} msg;

/* read_file - whole file, NUL-terminated */
static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

/* split - header fields (unfolded with "\n", one leading space eaten as
 *	Postfix does) and a CRLF body; first Postfix's own Received field,
 *	which it sends to milters too (a mail without Date gets its time) */
static void split(const char *text, size_t len, msg *m)
{
    const char *p = text, *end = text + len, *eol, *colon;
    size_t n;

    memset(m, 0, sizeof *m);
    m->hdrs = calloc(len / 2 + 3, sizeof *m->hdrs);
    m->hdrs[0].name = strdup("Received");
    m->hdrs[0].value = strdup("from client.example (client.example [192.0.2.1])\n\tby gw.example"
			      " (Postfix) with ESMTP id 4ABCD;\n\tThu,  3 Dec 2026 10:00:00 +0900 (JST)");
    m->nhdrs = 1;
    while (p < end) {
	eol = memchr(p, '\n', (size_t)(end - p));
	n = eol ? (size_t)(eol - p) : (size_t)(end - p);
	if (n > 0 && p[n - 1] == '\r')
	    n--;
	if (n == 0) {
	    p = eol ? eol + 1 : end;
	    break;
	}
	if ((*p == ' ' || *p == '\t') && m->nhdrs > 0) {
	    fake_field *f = &m->hdrs[m->nhdrs - 1];
	    size_t old = strlen(f->value);

	    f->value = realloc(f->value, old + n + 2);
	    f->value[old] = '\n';
	    memcpy(f->value + old + 1, p, n);
	    f->value[old + 1 + n] = '\0';
	} else {
	    colon = memchr(p, ':', n);
	    assert_non_null(colon);
	    m->hdrs[m->nhdrs].name = strndup(p, (size_t)(colon - p));
	    colon++;
	    if (*colon == ' ')
		colon++;
	    m->hdrs[m->nhdrs].value = strndup(colon, n - (size_t)(colon - p));
	    m->nhdrs++;
	}
	p = eol ? eol + 1 : end;
    }
    /* body: LF becomes CRLF, as Postfix sends it */
    m->body = malloc((size_t)(end - p) * 2 + 1);
    for (; p < end; p++) {
	if (*p == '\n' && (m->body_len == 0 || m->body[m->body_len - 1] != '\r'))
	    m->body[m->body_len++] = '\r';
	m->body[m->body_len++] = *p;
    }
}

/* msg_free - release a split message */
static void msg_free(msg *m)
{
    fake_fields_free(m->hdrs, m->nhdrs);
    free(m->body);
}

/* load_file - split a file */
static void load_file(const char *path, msg *m)
{
    size_t len;
    char *text = read_file(path, &len);

    split(text, len, m);
    free(text);
}

/* use_policy - make a policy current: defaults, the test spool, and
 *	extra "section key value" settings */
static void use_policy(const char *const *set, size_t n)
{
    policy *p = policy_defaults();
    char why[256];
    size_t i;

    assert_non_null(p);
    assert_int_equal(config_table_set(config_table_find("general", "spool_dir"),
				      p, spooldir, why, sizeof why), 0);
    /* the project's test signatures, as the sample config has them */
    assert_int_equal(config_table_set(config_table_find("scan", "database_dir"),
				      p, "samples/test-signatures", why, sizeof why), 0);
    assert_int_equal(config_table_set(config_table_find("scan", "max_database_age"),
				      p, "0s", why, sizeof why), 0);
    /* a private vault of the user running the tests */
    assert_int_equal(config_table_set(config_table_find("vault", "dir"),
				      p, vaultdir, why, sizeof why), 0);
    assert_int_equal(config_table_set(config_table_find("vault", "audit_log"),
				      p, auditpath, why, sizeof why), 0);
    assert_int_equal(config_table_set(config_table_find("vault", "owner"),
				      p, "", why, sizeof why), 0);
    assert_int_equal(config_table_set(config_table_find("vault", "group"),
				      p, getgrgid(getegid())->gr_name, why, sizeof why), 0);
    for (i = 0; i + 2 < n + 1; i += 3)
	if (config_table_set(config_table_find(set[i], set[i + 1]), p,
			     set[i + 2], why, sizeof why) < 0)
	    fail_msg("%s", why);
    reload_init(p, "/nonexistent/mugai.conf");
}

/* negotiate - as Postfix 3.7 offers: every action, no LEADSPC unless asked */
static void negotiate(unsigned long actions, int leadspc)
{
    unsigned long f0, f1, f2, f3;
    unsigned long offer = SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA
	| SMFIP_NR_HDR | SMFIP_SKIP | (leadspc ? SMFIP_HDR_LEADSPC : 0);

    assert_int_equal(mlfi_negotiate(FAKE_CTX, actions, offer, 0, 0, &f0, &f1,
				    &f2, &f3), SMFIS_CONTINUE);
    assert_int_equal(f0 & ~actions, 0);
    assert_int_equal(f1 & ~offer, 0);
}

/* envelope - connect, MAIL, RCPT */
static sfsistat envelope(const char *from, const char *const *rcpts, size_t n)
{
    struct sockaddr_in sin;
    char *argv[2] = { NULL, NULL };
    sfsistat rc;
    size_t i;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    rc = mlfi_connect(FAKE_CTX, "localhost", (struct sockaddr *)&sin);
    if (rc != SMFIS_CONTINUE)
	return rc;
    argv[0] = (char *)from;
    if ((rc = mlfi_envfrom(FAKE_CTX, argv)) != SMFIS_CONTINUE)
	return rc;
    for (i = 0; i < n; i++) {
	argv[0] = (char *)rcpts[i];
	if ((rc = mlfi_envrcpt(FAKE_CTX, argv)) != SMFIS_CONTINUE)
	    return rc;
    }
    return SMFIS_CONTINUE;
}

/* content - headers, body in chunks of size chunk, end of message;
 *	the first refusal, or the answer to end of message */
static sfsistat content(const msg *m, size_t chunk, int leadspc)
{
    sfsistat rc;
    size_t i, off, n;
    char *v;

    for (i = 0; i < m->nhdrs; i++) {
	if (leadspc) {
	    v = malloc(strlen(m->hdrs[i].value) + 2);
	    sprintf(v, " %s", m->hdrs[i].value);
	} else {
	    v = strdup(m->hdrs[i].value);
	}
	rc = mlfi_header(FAKE_CTX, m->hdrs[i].name, v);
	free(v);
	if (rc != SMFIS_CONTINUE && rc != SMFIS_NOREPLY)
	    return rc;
    }
    if ((rc = mlfi_eoh(FAKE_CTX)) != SMFIS_CONTINUE)
	return rc;
    for (off = 0; off < m->body_len; off += n) {
	n = m->body_len - off < chunk ? m->body_len - off : chunk;
	if ((rc = mlfi_body(FAKE_CTX, (unsigned char *)m->body + off, n))
	    != SMFIS_CONTINUE)
	    return rc;
    }
    return mlfi_eom(FAKE_CTX);
}

/* deliver - one whole transaction of m to the default recipient */
static sfsistat deliver(const msg *m, size_t chunk)
{
    static const char *const rcpt[] = { "<bob@city.example.lg.jp>" };
    sfsistat rc;

    negotiate(SMFIF_CHGBODY | SMFIF_CHGHDRS | SMFIF_ADDHDRS | SMFIF_ADDRCPT, 0);
    fake.queue_id = "4QTEST1";
    if ((rc = envelope("<alice@example.com>", rcpt, 1)) != SMFIS_CONTINUE)
	return rc;
    return content(m, chunk, 0);
}

static void last_vault_id(char id[VAULT_ID_SIZE]);

/* expected - the engine's own result for m rebuilt as the spool is, with
 *	the vault ID the milter used for it (from its log line) */
static void expected(const msg *m, engine_result *res)
{
    char vid[VAULT_ID_SIZE];
    char path[] = "/tmp/mugai-test-expect-XXXXXX";
    int fd = mkstemp(path);
    engine_options o = { .crlf = 1 };
    engine_envelope env = { 0 };
    policy *p = reload_current();
    size_t i;
    FILE *fp;

    assert_true(fd >= 0);
    unlink(path);
    fp = fdopen(dup(fd), "w");
    for (i = 0; i < m->nhdrs; i++) {
	const char *v = m->hdrs[i].value;

	fprintf(fp, "%s: ", m->hdrs[i].name);
	for (; *v; v++)
	    fputs(*v == '\n' ? "\r\n" : (char[]){ *v, 0 }, fp);
	fputs("\r\n", fp);
    }
    fputs("\r\n", fp);
    fwrite(m->body, 1, m->body_len, fp);
    fclose(fp);
    /* the same scan settings the milter derives from the policy */
    scan_settings ss;
    scan_config_from_policy(p, &ss);
    o.scan = &ss;
    last_vault_id(vid);
    o.vault_id = vid[0] ? vid : NULL;
    assert_int_equal(engine_run(p, &env, fd, &o, res), 0);
    close(fd);
    policy_unref(p);
}

/* assert_delivered - what Postfix would deliver equals the engine output */
static void assert_delivered(const msg *m)
{
    engine_result res;
    fake_field *out;
    size_t nout, i;

    expected(m, &res);
    assert_int_equal(res.verdict, ENGINE_SANITIZED);
    assert_false(fake.interleaved);
    assert_true(fake.body_calls >= 1);
    assert_true(fake.max_piece <= 65535);
    assert_int_equal(fake.body_len, res.body_len);
    assert_memory_equal(fake.body, res.body, res.body_len);
    assert_int_equal(fake_headers_apply(m->hdrs, m->nhdrs, &out, &nout), 0);
    if (nout != res.nheaders)
	for (i = 0; i < nout; i++)
	    fprintf(stderr, "got %s: %s\n", out[i].name, out[i].value);
    assert_int_equal(nout, res.nheaders);
    for (i = 0; i < nout; i++) {
	assert_string_equal(out[i].name, res.headers[i].name);
	assert_string_equal(out[i].value + strspn(out[i].value, " "),
			    res.headers[i].value);
	assert_null(strchr(out[i].value, '\r'));
    }
    fake_fields_free(out, nout);
    engine_result_free(&res);
}

/* reset_mta - close the connection, then a fresh fake MTA */
static void reset_mta(void)
{
    mlfi_close(FAKE_CTX);
    fake_reset();
}

/* log_text - the log file so far */
static char *log_text(void)
{
    size_t len;

    return read_file(logpath, &len);
}

/* last_vault_id - the vault= of the last log line, or "" */
static void last_vault_id(char id[VAULT_ID_SIZE])
{
    char *log = log_text(), *line, *v;
    size_t n = strlen(log);

    id[0] = '\0';
    while (n > 0 && log[n - 1] == '\n')
	log[--n] = '\0';
    line = strrchr(log, '\n');
    line = line ? line + 1 : log;
    if ((v = strstr(line, " vault=")) != NULL)
	snprintf(id, VAULT_ID_SIZE, "%.*s", VAULT_ID_SIZE - 1, v + 7);
    free(log);
}

/* rmtree - remove a directory and what is in it */
static void rmtree(const char *dir)
{
    char cmd[256];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* assert_kept - the vault of the current snapshot holds id with verdict */
static void assert_kept(const char *id, const char *verdict)
{
    snapshot *s = reload_snapshot();
    vault *v = snapshot_vault_of(s);
    vault_item it;

    assert_non_null(v);
    assert_int_equal(vault_get(v, id, &it), 0);
    assert_string_equal(it.id, id);
    assert_string_equal(it.verdict, verdict);
    assert_string_equal(it.sender, "alice@example.com");
    assert_int_equal(it.nrcpts, 1);
    vault_item_free(&it);
    snapshot_unref(s);
}

/* setup - spool directory, vault, log file, engine */
static int setup(void **state)
{
    (void)state;
    snprintf(spooldir, sizeof spooldir, "/tmp/mugai-test-milter-XXXXXX");
    if (mkdtemp(spooldir) == NULL)
	return -1;
    /* the vault and its audit log (with the files next to it) in one place */
    snprintf(vaultroot, sizeof vaultroot, "%s.v", spooldir);
    if (mkdir(vaultroot, 0755) < 0)
	return -1;
    snprintf(vaultdir, sizeof vaultdir, "%s/vault", vaultroot);
    snprintf(auditpath, sizeof auditpath, "%s/audit.log", vaultroot);
    snprintf(logpath, sizeof logpath, "%s.log", spooldir);
    if (log_open(logpath, (uid_t)-1, (gid_t)-1) < 0)
	return -1;
    engine_global_init();
    return 0;
}

/* teardown - remove what setup made */
static int teardown(void **state)
{
    (void)state;
    log_close();
    unlink(logpath);
    reload_done();
    engine_global_done();
    rmtree(vaultroot);
    return rmdir(spooldir);
}

/* each_setup - a fresh MTA and the default policy */
static int each_setup(void **state)
{
    (void)state;
    fake_reset();
    use_policy(NULL, 0);
    return 0;
}

/* each_teardown - close the connection as Postfix would */
static int each_teardown(void **state)
{
    (void)state;
    mlfi_close(FAKE_CTX);
    assert_null(fake.priv);
    fake_reset();
    return 0;
}

/* test_plain - a plain text sample, delivered as the engine built it */
static void test_plain(void **state)
{
    msg m;

    (void)state;
    load_file("samples/plain-ascii.eml", &m);
    assert_int_equal(deliver(&m, 65535), SMFIS_CONTINUE);
    assert_delivered(&m);
    assert_int_equal(fake.replies, 0);
    msg_free(&m);
}

/* test_samples - every sample, in three chunkings */
static void test_samples(void **state)
{
    static const char *const files[] = {
	"samples/html-alternative.eml", "samples/ja-rfc2231-attachment.eml",
	"samples/ja-iso2022jp.eml", "samples/forwarded.eml",
	"samples/latin1-qp-forged-header.eml", "samples/spoof-rtlo-pe.eml",
	"samples/tnef-winmail.eml", "samples/ja-sjis-nec.eml",
    };
    static const size_t chunks[] = { 1, 333, 65535 };
    unsigned char *first = NULL;
    size_t f, c, first_len = 0;
    msg m;

    (void)state;
    for (f = 0; f < sizeof files / sizeof files[0]; f++) {
	load_file(files[f], &m);
	for (c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
	    reset_mta();
	    char vid[VAULT_ID_SIZE];

	    assert_int_equal(deliver(&m, chunks[c]), SMFIS_CONTINUE);
	    /* each run's notice names its own vault ID: equal to the
	     * engine's output for that ID is what chunking must keep */
	    assert_delivered(&m);
	    last_vault_id(vid);
	    if (vid[0]) {
		assert_kept(vid, "sanitized");
	    } else if (c == 0) {
		first = malloc(fake.body_len + 1);
		memcpy(first, fake.body, fake.body_len);
		first_len = fake.body_len;
	    } else {
		assert_int_equal(fake.body_len, first_len);
		assert_memory_equal(fake.body, first, first_len);
	    }
	    mlfi_close(FAKE_CTX);
	}
	free(first);
	first = NULL;
	msg_free(&m);
    }
}

/* test_forged - every X-Mugai-* of the sender and the old MIME fields go */
static void test_forged(void **state)
{
    static const char text[] =
	"From: a@example.com\nX-Mugai-Result: mode=none; removed=0\n"
	"Subject: =?UTF-8?B?5pel5pys6Kqe?=\nX-Mugai-Result: forged twice\n"
	"Content-Type: multipart/mixed; boundary=b\nx-mugai-other: lower case\n"
	"MIME-Version: 1.0\n\n--b\nContent-Type: text/plain\n\nhello\n"
	"--b\nContent-Type: application/octet-stream\n"
	"Content-Disposition: attachment; filename=x.exe\n"
	"Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA\n--b--\n";
    size_t i, results = 0;
    fake_field *out;
    size_t nout;
    msg m;

    (void)state;
    split(text, strlen(text), &m);
    assert_int_equal(deliver(&m, 10), SMFIS_CONTINUE);
    assert_delivered(&m);
    assert_int_equal(fake_headers_apply(m.hdrs, m.nhdrs, &out, &nout), 0);
    for (i = 0; i < nout; i++) {
	if (strcasecmp(out[i].name, "X-Mugai-Result") == 0) {
	    results++;
	    assert_non_null(strstr(out[i].value, "mode=text"));
	    assert_non_null(strstr(out[i].value, "removed=1"));
	}
	assert_true(strcasecmp(out[i].name, "x-mugai-other") != 0);
    }
    assert_int_equal(results, 1);
    /* deletions of one name run from the last instance down */
    for (i = 0; i + 1 < fake.nedits; i++)
	if (fake.edits[i].kind == FAKE_CHG && fake.edits[i + 1].kind == FAKE_CHG
	    && !fake.edits[i].value && !fake.edits[i + 1].value
	    && strcmp(fake.edits[i].name, fake.edits[i + 1].name) == 0)
	    assert_true(fake.edits[i].index > fake.edits[i + 1].index);
    assert_false(testutil_contains((char *)fake.body, fake.body_len, "TVqQ"));
    fake_fields_free(out, nout);
    msg_free(&m);
}

/* test_leadspc - with SMFIP_HDR_LEADSPC values keep their blank */
static void test_leadspc(void **state)
{
    static const char *const rcpt[] = { "bob@city.example.lg.jp" };
    engine_result res;
    msg m;
    size_t i;

    (void)state;
    load_file("samples/plain-ascii.eml", &m);
    negotiate(SMFIF_CHGBODY | SMFIF_CHGHDRS | SMFIF_ADDHDRS, 1);
    assert_int_equal(envelope("<>", rcpt, 1), SMFIS_CONTINUE);
    assert_int_equal(content(&m, 100, 1), SMFIS_CONTINUE);
    expected(&m, &res);
    assert_int_equal(fake.body_len, res.body_len);
    /* values sent back carry the one blank the MTA will not add */
    for (i = 0; i < fake.nedits; i++)
	if (fake.edits[i].value)
	    assert_true(fake.edits[i].value[0] == ' ');
    engine_result_free(&res);
    msg_free(&m);
}

/* test_two_messages - a second message on the same connection */
static void test_two_messages(void **state)
{
    msg m;

    (void)state;
    load_file("samples/plain-ascii.eml", &m);
    assert_int_equal(deliver(&m, 65535), SMFIS_CONTINUE);
    reset_mta();
    assert_int_equal(deliver(&m, 65535), SMFIS_CONTINUE);
    assert_delivered(&m);
    /* an aborted third one leaves nothing behind */
    assert_int_equal(deliver(&m, 65535), SMFIS_CONTINUE);
    assert_int_equal(mlfi_abort(FAKE_CTX), SMFIS_CONTINUE);
    assert_null(((conn_ctx *)fake.priv)->msg);
    assert_int_equal(mlfi_abort(FAKE_CTX), SMFIS_CONTINUE);
    msg_free(&m);
}

/* test_close_first - close before anything, and callbacks without MAIL */
static void test_close_first(void **state)
{
    (void)state;
    assert_int_equal(mlfi_close(FAKE_CTX), SMFIS_CONTINUE);
    assert_int_equal(mlfi_abort(FAKE_CTX), SMFIS_CONTINUE);
    assert_int_equal(mlfi_eom(FAKE_CTX), SMFIS_TEMPFAIL);
    assert_string_equal(fake.rcode, "451");
    assert_int_equal(mlfi_close(FAKE_CTX), SMFIS_CONTINUE);
}

/* test_size_reject - over max_message_size: 552 5.3.4 while arriving */
static void test_size_reject(void **state)
{
    static const char *const set[] = { "limits", "max_message_size", "64k" };
    msg m;

    (void)state;
    use_policy(set, 3);
    load_file("samples/plain-ascii.eml", &m);
    m.body = realloc(m.body, 100000);
    memset(m.body, 'a', 100000);
    m.body_len = 100000;
    assert_int_equal(deliver(&m, 65535), SMFIS_REJECT);
    assert_string_equal(fake.rcode, "552");
    assert_string_equal(fake.xcode, "5.3.4");
    assert_non_null(strstr(fake.text, "exceeds the limit of 65536 bytes"));
    assert_int_equal(fake.body_calls, 0);
    msg_free(&m);
}

/* test_size_tempfail - the same with on_limit = tempfail */
static void test_size_tempfail(void **state)
{
    static const char *const set[] = { "limits", "max_message_size", "64k",
				       "limits", "on_limit", "tempfail" };
    msg m;

    (void)state;
    use_policy(set, 6);
    load_file("samples/plain-ascii.eml", &m);
    m.body = realloc(m.body, 70000);
    memset(m.body, 'a', 70000);
    m.body_len = 70000;
    assert_int_equal(deliver(&m, 1000), SMFIS_TEMPFAIL);
    assert_string_equal(fake.rcode, "452");
    assert_string_equal(fake.xcode, "4.3.4");
    msg_free(&m);
}

/* test_engine_limit - an engine refusal becomes the SMTP answer */
static void test_engine_limit(void **state)
{
    static const char *const rej[] = { "limits", "max_mime_depth", "1" };
    static const char *const tmp[] = { "limits", "max_mime_depth", "1",
				       "limits", "on_limit", "tempfail" };
    msg m;

    (void)state;
    load_file("samples/forwarded.eml", &m);
    use_policy(rej, 3);
    assert_int_equal(deliver(&m, 65535), SMFIS_REJECT);
    assert_string_equal(fake.rcode, "554");
    assert_int_equal(fake.body_calls, 0);
    assert_int_equal(fake.nedits, 0);
    reset_mta();
    use_policy(tmp, 6);
    assert_int_equal(deliver(&m, 65535), SMFIS_TEMPFAIL);
    assert_string_equal(fake.rcode, "451");
    assert_string_equal(fake.xcode, "4.6.0");
    msg_free(&m);
}

/*
 * test_spool_missing - no spool directory: tempfail at MAIL FROM when
 *	every message goes to disk, and as soon as a message outgrows its
 *	memory allowance otherwise
 */
static void test_spool_missing(void **state)
{
    static const char *const disk[] = { "general", "spool_dir", "/nonexistent/mugai-spool",
					"milter", "memory_spool_size", "0" };
    static const char *const small[] = { "general", "spool_dir", "/nonexistent/mugai-spool",
					 "milter", "memory_spool_size", "200" };
    static const char *const rcpt[] = { "<bob@city.example.lg.jp>" };
    msg m;

    (void)state;
    load_file("samples/plain-ascii.eml", &m);		/* 326 bytes */
    use_policy(disk, 6);
    assert_int_equal(deliver(&m, 65535), SMFIS_TEMPFAIL);
    assert_string_equal(fake.rcode, "451");
    assert_string_equal(fake.xcode, "4.3.0");
    assert_int_equal(fake.body_calls, 0);
    reset_mta();
    use_policy(small, 6);
    negotiate(SMFIF_CHGBODY | SMFIF_CHGHDRS | SMFIF_ADDHDRS, 0);
    assert_int_equal(envelope("<alice@example.com>", rcpt, 1), SMFIS_CONTINUE);
    assert_int_equal(content(&m, 65535, 0), SMFIS_TEMPFAIL);
    assert_string_equal(fake.rcode, "451");
    assert_string_equal(fake.xcode, "4.3.0");
    assert_int_equal(fake.body_calls, 0);
    msg_free(&m);
}

/* test_no_chgbody - an MTA that cannot replace the body gets tempfails */
static void test_no_chgbody(void **state)
{
    static const char *const rcpt[] = { "bob@city.example.lg.jp" };

    (void)state;
    negotiate(SMFIF_CHGHDRS | SMFIF_ADDHDRS, 0);
    assert_int_equal(envelope("<a@example.com>", rcpt, 1), SMFIS_TEMPFAIL);
    assert_string_equal(fake.xcode, "4.7.0");
}

/* test_modify_fails - a failed modification is a tempfail */
static void test_modify_fails(void **state)
{
    msg m;

    (void)state;
    load_file("samples/ja-rfc2231-attachment.eml", &m);
    fake.fail_body = 1;
    assert_int_equal(deliver(&m, 65535), SMFIS_TEMPFAIL);
    assert_string_equal(fake.rcode, "451");
    reset_mta();
    fake.fail_chg = 1;
    assert_int_equal(deliver(&m, 65535), SMFIS_TEMPFAIL);
    reset_mta();
    fake.fail_add = 1;
    assert_int_equal(deliver(&m, 65535), SMFIS_TEMPFAIL);
    msg_free(&m);
}

/* test_verdict_text - safe reply text */
static void test_verdict_text(void **state)
{
    char buf[1200], big[3000];

    (void)state;
    verdict_text("100% bad\r\nline \xe6\x97\xa5", buf, sizeof buf);
    assert_string_equal(buf, "mugai: 100%% bad??line ???");
    verdict_text(NULL, buf, sizeof buf);
    assert_string_equal(buf, "mugai: message refused");
    memset(big, '%', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    verdict_text(big, buf, sizeof buf);
    assert_true(strlen(buf) <= 980);
    assert_int_equal(strlen(buf) % 2, 1);	/* never half of a "%%" */
    /* codes of the wrong class are replaced */
    assert_int_equal(verdict_refuse(FAKE_CTX, 0, "552", "5.3.4", "x"),
		     SMFIS_TEMPFAIL);
    assert_string_equal(fake.rcode, "451");
    assert_string_equal(fake.xcode, "4.3.0");
    assert_int_equal(verdict_refuse(FAKE_CTX, 1, "550", "5.7", "x"),
		     SMFIS_REJECT);
    assert_string_equal(fake.xcode, "5.7.1");
}

/* test_progress - the ticker calls smfi_progress until unregistered */
static void test_progress(void **state)
{
    progress_entry e;
    unsigned seen;

    (void)state;
    assert_int_equal(progress_start(20), 0);
    progress_begin(&e, FAKE_CTX);
    usleep(200000);
    progress_end(&e);
    seen = __atomic_load_n(&fake.progress, __ATOMIC_RELAXED);
    assert_true(seen >= 3);
    usleep(100000);
    assert_int_equal(__atomic_load_n(&fake.progress, __ATOMIC_RELAXED), seen);
    progress_stop();
}

/* write_conf - text into path */
static void write_conf(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* test_reload - swap on a good file, keep on a bad one; old snapshots
 *	live; the vault is shared while [vault] stays the same */
static void test_reload(void **state)
{
    char path[96], *log, pre[2048], text[3072], cwd[1024];
    policy *p, *old, *cur;
    snapshot *s1, *s2;

    (void)state;
    /* the test's spool: the virus engine built at reload writes there;
     * the config is not in the source tree, so its signatures are named
     * absolute */
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(pre, sizeof pre, "[general]\nspool_dir = %s\n[vault]\ndir = %s\n"
	     "audit_log = %s\nowner = \"\"\n"
	     "group = %s\n[scan]\ndatabase_dir = %s/samples/test-signatures\n"
	     "max_database_age = 0s\n", spooldir, vaultdir, auditpath,
	     getgrgid(getegid())->gr_name, cwd);
    snprintf(path, sizeof path, "%s.conf", spooldir);
    snprintf(text, sizeof text, "%s[text]\nsubject_tag = [A]\n", pre);
    write_conf(path, text);
    p = config_load(path, NULL);
    assert_non_null(p);
    reload_init(p, path);
    old = reload_current();
    s1 = reload_snapshot();
    snprintf(text, sizeof text, "%s[text]\nsubject_tag = [B]\n[milter]\n"
	     "socket = inet:1@127.0.0.1\n", pre);
    write_conf(path, text);
    assert_int_equal(reload_now(), 0);
    cur = reload_current();
    s2 = reload_snapshot();
    assert_string_equal(cur->subject_tag, "[B]");
    assert_string_equal(old->subject_tag, "[A]");
    assert_non_null(snapshot_vault_of(s1));
    assert_ptr_equal(snapshot_vault_of(s1), snapshot_vault_of(s2));
    snapshot_unref(s2);
    policy_unref(old);
    policy_unref(cur);
    /* another retention: the vault is opened again; the old handle
     * stays with the snapshot that still holds it */
    snprintf(text, sizeof text, "%s[text]\nsubject_tag = [B]\n[milter]\n"
	     "socket = inet:1@127.0.0.1\n[vault]\nretention_days = 30\n", pre);
    write_conf(path, text);
    assert_int_equal(reload_now(), 0);
    s2 = reload_snapshot();
    assert_non_null(snapshot_vault_of(s2));
    assert_ptr_not_equal(snapshot_vault_of(s1), snapshot_vault_of(s2));
    assert_int_equal(vault_config_of(snapshot_vault_of(s2))->retention_days, 30);
    snapshot_unref(s1);
    snapshot_unref(s2);
    snprintf(text, sizeof text, "%s[text]\nsubject_tag = [C]\nbogus = 1\nurls = maybe\n",
	     pre);
    write_conf(path, text);
    assert_int_equal(reload_now(), -1);
    cur = reload_current();
    assert_string_equal(cur->subject_tag, "[B]");
    policy_unref(cur);
    log = log_text();
    assert_non_null(strstr(log, "reload refused: "));
    assert_non_null(strstr(log, ":13: unknown key 'bogus' in [text]"));
    assert_non_null(strstr(log, ":14: urls: invalid value 'maybe'"));
    assert_non_null(strstr(log, "take effect only when mugai-milter is restarted"));
    free(log);
    unlink(path);
}

/* test_rules_log - the mode per recipient, exceptions, the log line */
static void test_rules_log(void **state)
{
    static const char *const set[] = {
	"rules", "recipient", "text @city.example.lg.jp",
	"rules", "client", "text 127.0.0.0/8",
    };
    static const char *const rcpts[] = { "<bob@city.example.lg.jp>",
					 "<eve@other.example>",
					 "<x\"y=z w@evil.example>" };
    char *log;
    msg m;

    (void)state;
    use_policy(set, 6);
    load_file("samples/plain-ascii.eml", &m);
    negotiate(SMFIF_CHGBODY | SMFIF_CHGHDRS | SMFIF_ADDHDRS, 0);
    fake.queue_id = "4QRULES";
    assert_int_equal(envelope("<alice@example.com>", rcpts, 3), SMFIS_CONTINUE);
    assert_int_equal(content(&m, 65535, 0), SMFIS_CONTINUE);
    log = log_text();
    assert_non_null(strstr(log, "4QRULES: message-id=<plain1@example.com> "
			   "sender=<alice@example.com> rcpts=bob@city.example.lg.jp,"
			   "eve@other.example,x\\x22y\\x3dz\\x20w@evil.example "
			   "client=127.0.0.1 mode=text verdict=sanitized "
			   "exception=client:1 parts="));
    assert_non_null(strstr(log, " ms="));
    free(log);
    msg_free(&m);
}

/* test_virus_reject - EICAR: 550 5.7.1 naming the vault ID, the original kept */
static void test_virus_reject(void **state)
{
    char vid[VAULT_ID_SIZE], *log;
    msg m;

    (void)state;
    load_file("samples/scan/eicar-plain.eml", &m);
    assert_int_equal(deliver(&m, 65535), SMFIS_REJECT);
    assert_string_equal(fake.rcode, "550");
    assert_string_equal(fake.xcode, "5.7.1");
    last_vault_id(vid);
    assert_int_equal(strlen(vid), VAULT_ID_SIZE - 1);
    assert_non_null(strstr(fake.text, "virus found: "));
    assert_non_null(strstr(fake.text, vid));
    assert_non_null(strstr(fake.text, "; vault ID "));
    assert_int_equal(fake.body_calls, 0);
    assert_kept(vid, "reject");
    log = log_text();
    assert_non_null(strstr(log, "verdict=reject"));
    assert_non_null(strstr(log, " virus=Mugai.Test.EICAR"));
    assert_non_null(strstr(log, " av_db=\""));
    assert_non_null(strstr(log, "version "));
    free(log);
    msg_free(&m);
}

/* test_quarantine - on_virus = quarantine: kept, accepted and withheld */
static void test_quarantine(void **state)
{
    static const char *const set[] = { "scan", "on_virus", "quarantine" };
    char vid[VAULT_ID_SIZE], *log;
    msg m;

    (void)state;
    use_policy(set, 3);
    load_file("samples/scan/eicar-plain.eml", &m);
    assert_int_equal(deliver(&m, 4096), SMFIS_DISCARD);
    assert_int_equal(fake.replies, 0);
    assert_int_equal(fake.body_calls, 0);
    last_vault_id(vid);
    assert_true(vid[0] != '\0');
    assert_kept(vid, "quarantine");
    log = log_text();
    assert_non_null(strstr(log, "verdict=quarantine"));
    free(log);
    msg_free(&m);
}

/* test_type_quarantine - a [types] rule of quarantine withholds the mail */
static void test_type_quarantine(void **state)
{
    static const char *const set[] = { "types", "executable", "quarantine" };
    char vid[VAULT_ID_SIZE];
    msg m;

    (void)state;
    use_policy(set, 3);
    load_file("samples/spoof-rtlo-pe.eml", &m);
    assert_int_equal(deliver(&m, 65535), SMFIS_DISCARD);
    last_vault_id(vid);
    assert_true(vid[0] != '\0');
    assert_kept(vid, "quarantine");
    msg_free(&m);
}

/* test_removed_kept - an attachment removed: delivered, the notice names
 *	the vault ID (checked by assert_delivered), the original kept */
static void test_removed_kept(void **state)
{
    char vid[VAULT_ID_SIZE];
    engine_result res;
    msg m;

    (void)state;
    load_file("samples/ja-rfc2231-attachment.eml", &m);
    assert_int_equal(deliver(&m, 65535), SMFIS_CONTINUE);
    last_vault_id(vid);
    assert_true(vid[0] != '\0');
    assert_delivered(&m);
    assert_kept(vid, "sanitized");
    /* the engine's notice with that ID is what was delivered, and it has it */
    expected(&m, &res);
    assert_non_null(res.report);
    assert_int_equal(res.keep_original, 1);
    engine_result_free(&res);
    msg_free(&m);
}

/* test_vault_fails - the vault cannot store: tempfail, never deliver or reject */
static void test_vault_fails(void **state)
{
    static const char *const files[] = { "samples/scan/eicar-plain.eml",
					 "samples/ja-rfc2231-attachment.eml" };
    char *log;
    size_t i;
    msg m;

    (void)state;
    /* the handle is open; its directory goes, so no day directory can be made */
    rmtree(vaultdir);
    for (i = 0; i < 2; i++) {
	reset_mta();
	load_file(files[i], &m);
	assert_int_equal(deliver(&m, 65535), SMFIS_TEMPFAIL);
	assert_string_equal(fake.rcode, "451");
	msg_free(&m);
    }
    log = log_text();
    assert_non_null(strstr(log, "cannot keep the original"));
    assert_non_null(strstr(log, "reason=\"the original could not be kept in the vault\""));
    free(log);
    /* a clean mail needs no vault: still delivered */
    reset_mta();
    load_file("samples/plain-ascii.eml", &m);
    assert_int_equal(deliver(&m, 65535), SMFIS_CONTINUE);
    msg_free(&m);
}

/* test_vault_unavailable - a vault that cannot be opened: tempfail */
static void test_vault_unavailable(void **state)
{
    static const char *const set[] = { "vault", "dir", "/proc/mugai-no-vault" };
    char *log;
    msg m;

    (void)state;
    use_policy(set, 3);
    load_file("samples/scan/eicar-plain.eml", &m);
    assert_int_equal(deliver(&m, 65535), SMFIS_TEMPFAIL);
    assert_string_equal(fake.rcode, "451");
    log = log_text();
    assert_non_null(strstr(log, "VAULT UNAVAILABLE"));
    free(log);
    msg_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_plain, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_samples, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_forged, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_leadspc, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_two_messages, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_close_first, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_size_reject, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_size_tempfail, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_engine_limit, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_spool_missing, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_no_chgbody, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_modify_fails, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_verdict_text, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_progress, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_reload, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_rules_log, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_virus_reject, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_quarantine, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_type_quarantine, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_removed_kept, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_vault_fails, each_setup, each_teardown),
	cmocka_unit_test_setup_teardown(test_vault_unavailable, each_setup, each_teardown),
    };

    return cmocka_run_group_tests_name("milter_callbacks", tests, setup, teardown);
}
