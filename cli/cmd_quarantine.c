/*
 * NAME
 *	cmd_quarantine - `mugai quarantine`: the CSIRT's view of the vault
 * DESCRIPTION
 *	list, show, export and purge items of the vault; request a release,
 *	and approve or deny another person's request. The command refuses
 *	to run when the vault's permissions are unsafe or when the person
 *	behind it (vault/identity.h: the real user, or the user behind sudo)
 *	is neither root nor in the vault's or the approvers' group. Unless
 *	root runs it itself, it takes no other vault and only a configuration
 *	root alone can change (cli_load_vault_policy). Every action is in
 *	the audit log before its result is shown. See mugai-quarantine(1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "policy/config.h"
#include "sanitizer/strbuf.h"
#include "vault/export.h"
#include "vault/render.h"
#include "vault/request.h"
#include "vault/vault.h"
#include "vault/vault_config.h"

#define QUARANTINE_EXIT_NOTFOUND	66	/* no such item */
#define QUARANTINE_EXIT_BUSY		75	/* index locked: try again */
#define QUARANTINE_EXIT_NOPERM		77	/* unsafe vault or access refused */

/* quarantine_usage - synopsis */
static int quarantine_usage(void)
{
    fputs("usage: mugai quarantine [-c CONF] [--vault-dir DIR] COMMAND ...\n"
          "  list [--since DATE] [--until DATE] [--sender S] [--recipient R]\n"
          "       [--verdict V] [--virus NAME|'*']\n"
          "  show ID\n"
          "  export ID DIR\n"
          "  request ID --reason TEXT\n"
          "  requests [--all]\n"
          "  approve REQUEST|ID [--reason TEXT] [--confirm-virus]\n"
          "  deny REQUEST|ID [--reason TEXT]\n"
          "  purge [--older-than DURATION] [--reason TEXT] [--dry-run]\n", stderr);
    return CLI_EXIT_USAGE;
}

/* quarantine_reason_bad - 1 (said on stderr) when a --reason is not one line */
static int quarantine_reason_bad(const char *reason)
{
    if (!request_reason_bad(reason))
        return 0;
    fputs("mugai: --reason must be one line of text: no newline, tab or other control "
          "character\n", stderr);
    return 1;
}

/* quarantine_exit - exit status for a VAULT_E* code */
static int quarantine_exit(int rc)
{
    switch (rc) {
    case 0: return CLI_EXIT_OK;
    case VAULT_ENOTFOUND: return QUARANTINE_EXIT_NOTFOUND;
    case VAULT_EBUSY: return QUARANTINE_EXIT_BUSY;
    case VAULT_EPERM: return QUARANTINE_EXIT_NOPERM;
    default: return CLI_EXIT_FAIL;
    }
}

/* quarantine_time - "YYYY-MM-DD[ HH:MM[:SS]]" (or with T) local time; -1 if bad */
static long long quarantine_time(const char *s)
{
    static const char *const fmts[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                                        "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d" };
    for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        const char *end = strptime(s, fmts[i], &tm);
        if (end && !*end) {
            tm.tm_isdst = -1;
            return (long long)mktime(&tm);
        }
    }
    return -1;
}

/* quarantine_duration - "30d", "12h", "90m", "3600s", "2w" in seconds; -1 if bad */
static long long quarantine_duration(const char *s)
{
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || end == s || n < 0 || n > 100LL * 366 * 86400)
        return -1;
    long long mult;
    if (!strcmp(end, "s") || !*end) mult = 1;
    else if (!strcmp(end, "m")) mult = 60;
    else if (!strcmp(end, "h")) mult = 3600;
    else if (!strcmp(end, "d")) mult = 86400;
    else if (!strcmp(end, "w")) mult = 7 * 86400;
    else return -1;
    return n * mult;
}

/* quarantine_stamp - local "YYYY-MM-DD HH:MM:SS" */
static void quarantine_stamp(long long t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(buf, len, "%lld", t);
}

/* quarantine_field - a label and an untrusted value, escaped */
static void quarantine_field(const char *label, const char *value)
{
    fputs(label, stdout);
    if (value)
        render_line(stdout, value, strlen(value));
    fputc('\n', stdout);
}

/* quarantine_list_line - one item per line */
static int quarantine_list_line(const vault_item *it, void *arg)
{
    char when[32];
    (void)arg;
    quarantine_stamp(it->received, when, sizeof(when));
    printf("%s  %s  %-10s  ", it->id, when, it->verdict ? it->verdict : "-");
    render_line(stdout, it->virus ? it->virus : "-", strlen(it->virus ? it->virus : "-"));
    printf("  %llu  <", it->size);
    render_line(stdout, it->sender ? it->sender : "", strlen(it->sender ? it->sender : ""));
    fputs("> ->", stdout);
    for (size_t i = 0; i < it->nrcpts; i++) {
        fputs(i ? ", <" : " <", stdout);
        render_line(stdout, it->rcpts[i], strlen(it->rcpts[i]));
        fputc('>', stdout);
    }
    fputs("  ", stdout);
    if (it->subject)
        render_line(stdout, it->subject, strlen(it->subject));
    fputc('\n', stdout);
    return ferror(stdout) ? -1 : 0;
}

/* quarantine_list - `list` with filters */
static int quarantine_list(vault *v, int argc, char **argv)
{
    static const struct option lo[] = {
        { "since", required_argument, NULL, 's' }, { "until", required_argument, NULL, 'u' },
        { "sender", required_argument, NULL, 'f' }, { "recipient", required_argument, NULL, 'r' },
        { "verdict", required_argument, NULL, 'v' }, { "virus", required_argument, NULL, 'x' },
        { NULL, 0, NULL, 0 },
    };
    vault_filter f = { 0 };
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 's': if ((f.since = quarantine_time(optarg)) < 0) return quarantine_usage(); break;
        case 'u': if ((f.until = quarantine_time(optarg)) < 0) return quarantine_usage(); break;
        case 'f': f.sender = optarg; break;
        case 'r': f.rcpt = optarg; break;
        case 'v': f.verdict = optarg; break;
        case 'x': f.virus = optarg; break;
        default: return quarantine_usage();
        }
    }
    if (optind != argc)
        return quarantine_usage();
    strbuf d = { 0 };
    strbuf_puts(&d, "filters:");
    if (f.since || f.until)
        strbuf_printf(&d, " since=%lld until=%lld", f.since, f.until);
    if (f.sender)
        strbuf_printf(&d, " sender=%s", f.sender);
    if (f.rcpt)
        strbuf_printf(&d, " recipient=%s", f.rcpt);
    if (f.verdict)
        strbuf_printf(&d, " verdict=%s", f.verdict);
    if (f.virus)
        strbuf_printf(&d, " virus=%s", f.virus);
    if (d.oom) {
        strbuf_free(&d);
        fputs("mugai: out of memory\n", stderr);
        return CLI_EXIT_FAIL;
    }
    /* A search of mail records is itself recorded (R66). */
    int rc = vault_audit(v, "list", "", d.s);
    strbuf_free(&d);
    if (rc == 0)
        rc = vault_list(v, &f, quarantine_list_line, NULL);
    if (rc != 0) {
        fprintf(stderr, "mugai: %s\n", rc < 0 ? vault_error(v) : "cannot write the list");
        return rc < 0 ? quarantine_exit(rc) : CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* quarantine_cat_safe - a stored file to stdout, escaped */
static int quarantine_cat_safe(int fd)
{
    char *buf = malloc(64 * 1024);
    off_t off = 0;
    if (!buf)
        return -1;
    for (;;) {
        ssize_t n = pread(fd, buf, 64 * 1024, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            return n < 0 ? -1 : 0;
        }
        render_safe(stdout, buf, (size_t)n);
        off += n;
    }
}

/* quarantine_show - `show ID`: index, report, safe text */
static int quarantine_show(vault *v, const policy *p, int argc, char **argv)
{
    if (argc != 2)
        return quarantine_usage();
    vault_item it;
    int rc = vault_get(v, argv[1], &it);
    if (rc < 0) {
        fprintf(stderr, "mugai: %s\n", vault_error(v));
        return quarantine_exit(rc);
    }
    if ((rc = vault_audit(v, "view", it.id, "show")) < 0)
        goto fail;
    char when[32], until[32];
    quarantine_stamp(it.received, when, sizeof(when));
    quarantine_stamp(it.retain_until, until, sizeof(until));
    printf("vault-id:     %s\nreceived:     %s\nretain-until: %s\n", it.id, when, until);
    quarantine_field("sender:       ", it.sender);
    for (size_t i = 0; i < it.nrcpts; i++)
        quarantine_field("recipient:    ", it.rcpts[i]);
    quarantine_field("subject:      ", it.subject);
    quarantine_field("message-id:   ", it.message_id);
    quarantine_field("verdict:      ", it.verdict);
    quarantine_field("reason:       ", it.reason);
    quarantine_field("virus:        ", it.virus ? it.virus : "-");
    quarantine_field("queue-id:     ", it.queue_id);
    printf("sha256:       %s\nsize:         %llu\n", it.sha256, it.size);

    int fd = vault_open_file(v, &it, VAULT_FILE_REPORT);
    if (fd < 0) {
        rc = fd;
        goto fail;
    }
    fputs("\n== report ==\n", stdout);
    quarantine_cat_safe(fd);
    close(fd);
    if ((fd = vault_open_file(v, &it, VAULT_FILE_ORIGINAL)) < 0) {
        rc = fd;
        goto fail;
    }
    fputs("\n== text rendering (text mode; the original is never shown) ==\n", stdout);
    char err[VAULT_ERR_SIZE];
    int r = render_text(p, fd, stdout, err, sizeof(err));
    close(fd);
    vault_item_free(&it);
    if (r < 0) {
        fprintf(stderr, "mugai: %s\n", err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
fail:
    fprintf(stderr, "mugai: %s\n", vault_error(v));
    vault_item_free(&it);
    return quarantine_exit(rc);
}

/* quarantine_export - `export ID DIR` */
static int quarantine_export(vault *v, int argc, char **argv)
{
    if (argc != 3)
        return quarantine_usage();
    int rc = export_item(v, argv[1], argv[2]);
    if (rc < 0) {
        fprintf(stderr, "mugai: %s\n", vault_error(v));
        return quarantine_exit(rc);
    }
    printf("exported to %s (check with: cd %s && sha256sum -c *.sha256)\n", argv[2], argv[2]);
    return CLI_EXIT_OK;
}

/* quarantine_request - `request ID --reason TEXT` */
static int quarantine_request(vault *v, int argc, char **argv)
{
    static const struct option lo[] = {
        { "reason", required_argument, NULL, 'm' }, { NULL, 0, NULL, 0 },
    };
    const char *reason = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        if (c != 'm')
            return quarantine_usage();
        if (quarantine_reason_bad(optarg))
            return CLI_EXIT_USAGE;
        reason = optarg;
    }
    if (optind + 1 != argc)
        return quarantine_usage();
    long long rid;
    int rc = request_create(v, argv[optind], reason, &rid);
    if (rc < 0) {
        fprintf(stderr, "mugai: %s\n", vault_error(v));
        return quarantine_exit(rc);
    }
    printf("request %lld for %s recorded, asked by %s; a member of %s other than you must "
           "approve it: mugai quarantine approve %lld\n", rid, argv[optind], vault_actor(v),
           vault_config_of(v)->approver_group, rid);
    return CLI_EXIT_OK;
}

/* quarantine_request_line - one request per line */
static int quarantine_request_line(const request_info *r, void *arg)
{
    char when[32];
    (void)arg;
    quarantine_stamp(r->time, when, sizeof(when));
    printf("%lld  %s  %s  %-8s  ", r->rid, r->id, when, r->state);
    render_line(stdout, r->requester, strlen(r->requester));
    fputs("  virus=", stdout);
    render_line(stdout, r->virus ? r->virus : "-", strlen(r->virus ? r->virus : "-"));
    fputs("  reason=", stdout);
    render_line(stdout, r->reason ? r->reason : "", strlen(r->reason ? r->reason : ""));
    if (r->approver) {
        fputs("  decided by ", stdout);
        render_line(stdout, r->approver, strlen(r->approver));
        if (r->decision_reason) {
            fputs(": ", stdout);
            render_line(stdout, r->decision_reason, strlen(r->decision_reason));
        }
    }
    fputc('\n', stdout);
    return ferror(stdout) ? -1 : 0;
}

/* quarantine_requests - `requests [--all]` */
static int quarantine_requests(vault *v, int argc, char **argv)
{
    static const struct option lo[] = {
        { "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 },
    };
    int all = 0, c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        if (c != 'a')
            return quarantine_usage();
        all = 1;
    }
    if (optind != argc)
        return quarantine_usage();
    int rc = vault_audit(v, "list-requests", "", all ? "all" : "pending");
    if (rc == 0)
        rc = request_list(v, !all, quarantine_request_line, NULL);
    if (rc != 0) {
        fprintf(stderr, "mugai: %s\n", rc < 0 ? vault_error(v) : "cannot write the list");
        return rc < 0 ? quarantine_exit(rc) : CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* quarantine_decide - `approve|deny REQUEST|ID [--reason TEXT] [--confirm-virus]` */
static int quarantine_decide(vault *v, int approve, int argc, char **argv)
{
    static const struct option lo[] = {
        { "reason", required_argument, NULL, 'm' },
        { "confirm-virus", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
    };
    const char *reason = NULL;
    int confirm = 0, c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (quarantine_reason_bad(optarg))
                return CLI_EXIT_USAGE;
            reason = optarg;
            break;
        case 'V': if (!approve) return quarantine_usage(); confirm = 1; break;
        default: return quarantine_usage();
        }
    }
    if (optind + 1 != argc)
        return quarantine_usage();
    char reply[512];
    long long rid;
    int rc = request_decide(v, argv[optind], approve, reason, confirm, &rid, reply, sizeof(reply));
    if (rc < 0) {
        fprintf(stderr, "mugai: %s\n", vault_error(v));
        return quarantine_exit(rc);
    }
    if (!approve) {
        printf("request %lld denied by %s\n", rid, vault_actor(v));
        return CLI_EXIT_OK;
    }
    printf("request %lld approved by %s and released: ", rid, vault_actor(v));
    render_line(stdout, reply, strlen(reply));
    fputc('\n', stdout);
    return CLI_EXIT_OK;
}

/* quarantine_purge_line - what is (or would be) purged */
static int quarantine_purge_line(const vault_item *it, void *arg)
{
    printf("%s ", *(const int *)arg ? "would purge" : "purging");
    return quarantine_list_line(it, NULL);
}

/* quarantine_purge - `purge [--older-than D] [--reason T] [--dry-run]` */
static int quarantine_purge(vault *v, int argc, char **argv)
{
    static const struct option lo[] = {
        { "older-than", required_argument, NULL, 'o' }, { "reason", required_argument, NULL, 'm' },
        { "dry-run", no_argument, NULL, 'n' }, { NULL, 0, NULL, 0 },
    };
    vault_purge_opts o = { 0 };
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'o':
            if ((o.older_than = quarantine_duration(optarg)) <= 0)
                return quarantine_usage();
            break;
        case 'm':
            if (quarantine_reason_bad(optarg))
                return CLI_EXIT_USAGE;
            o.reason = optarg;
            break;
        case 'n': o.dry_run = 1; break;
        default: return quarantine_usage();
        }
    }
    if (optind != argc)
        return quarantine_usage();
    size_t n = 0;
    int rc = vault_purge(v, &o, quarantine_purge_line, &o.dry_run, &n);
    if (rc != 0) {
        fprintf(stderr, "mugai: %s (%zu item%s purged before)\n",
                rc < 0 ? vault_error(v) : "cannot write", n, n == 1 ? "" : "s");
        return rc < 0 ? quarantine_exit(rc) : CLI_EXIT_FAIL;
    }
    printf("%zu item%s %s\n", n, n == 1 ? "" : "s", o.dry_run ? "would be purged" : "purged");
    return CLI_EXIT_OK;
}

/* quarantine_gate - the person behind the command is root, in the vault's
 *	group, or an approver; the refusal is recorded too */
static int quarantine_gate(vault *v, char *err, size_t errlen)
{
    const vault_identity *who = vault_identity_of(v);
    const vault_config *vc = vault_config_of(v);
    if (identity_member(who->uid, vc->group) == 1 || (who->roles & IDENTITY_ROLE_APPROVE))
        return 0;
    snprintf(err, errlen, "access refused: %s is not a member of the vault group %s "
             "(nor of %s)", who->name, vc->group, vc->approver_group);
    vault_audit(v, "access-refused", "", err);
    return VAULT_EPERM;
}

/* cli_quarantine - `mugai quarantine ...` */
int cli_quarantine(int argc, char **argv)
{
    static const struct option lo[] = {
        { "config", required_argument, NULL, 'c' },
        { "vault-dir", required_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *conf = NULL, *vdir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "+c:", lo, NULL)) != -1) {
        switch (c) {
        case 'c': conf = optarg; break;
        case 'V': vdir = optarg; break;
        default: return quarantine_usage();
        }
    }
    if (optind >= argc)
        return quarantine_usage();
    const char *sub = argv[optind];
    if (!strcmp(sub, "release")) {
        fputs("mugai: a release takes two people: 'mugai quarantine request ID --reason TEXT', "
              "then another person runs 'mugai quarantine approve REQUEST'\n", stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "export") &&
        strcmp(sub, "request") && strcmp(sub, "requests") && strcmp(sub, "approve") &&
        strcmp(sub, "deny") && strcmp(sub, "purge"))
        return quarantine_usage();
    if (vdir && !cli_root_direct()) {
        fputs("mugai: --vault-dir is for root alone: through sudo the command works on the "
              "configured vault only\n", stderr);
        return QUARANTINE_EXIT_NOPERM;
    }

    policy *p = cli_load_vault_policy(&conf);
    if (!p) {
        fprintf(stderr, "mugai: cannot use configuration %s\n", conf);
        return CLI_EXIT_FAIL;
    }
    vault_config vc;
    vault_config_from_policy(p, &vc);
    if (vdir)
        vc.dir = vdir;

    char err[VAULT_ERR_SIZE];
    vault *v = NULL;
    int rc = vault_open(&vc, 0, &v, err, sizeof(err));
    if (rc == 0)
        rc = quarantine_gate(v, err, sizeof(err));
    if (rc < 0) {
        vault_close(v);
        fprintf(stderr, "mugai: %s\n", err);
        policy_unref(p);
        return quarantine_exit(rc);
    }
    int sargc = argc - optind;
    char **sargv = argv + optind;
    optind = 0;	/* GNU getopt: start afresh on the subcommand's options */
    if (!strcmp(sub, "list"))
        rc = quarantine_list(v, sargc, sargv);
    else if (!strcmp(sub, "show"))
        rc = quarantine_show(v, p, sargc, sargv);
    else if (!strcmp(sub, "export"))
        rc = quarantine_export(v, sargc, sargv);
    else if (!strcmp(sub, "request"))
        rc = quarantine_request(v, sargc, sargv);
    else if (!strcmp(sub, "requests"))
        rc = quarantine_requests(v, sargc, sargv);
    else if (!strcmp(sub, "approve") || !strcmp(sub, "deny"))
        rc = quarantine_decide(v, !strcmp(sub, "approve"), sargc, sargv);
    else
        rc = quarantine_purge(v, sargc, sargv);
    if (fflush(stdout) != 0 && rc == CLI_EXIT_OK)
        rc = CLI_EXIT_FAIL;
    vault_close(v);
    policy_unref(p);
    return rc;
}
