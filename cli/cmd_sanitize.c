/*
 * NAME
 *	cmd_sanitize - `mugai sanitize`: what the LGWAN side would receive
 * DESCRIPTION
 *	Runs the engine on one message exactly as the gateway does. Input
 *	that is not a regular file (stdin, a pipe) is first copied, capped,
 *	into a private unlinked file in the spool directory, because the
 *	engine parses from a seekable file. Output goes to a temporary file
 *	renamed into place, so a refused message leaves nothing at OUT.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cli/cli.h"
#include "policy/config.h"
#include "sanitizer/engine.h"
#include "sanitizer/limits.h"
#include "sanitizer/scan_config.h"

/*
 * sanitize_mkdirs - create the spool directory (0700) and any missing
 * parents (0755: other daemons, Postfix's among them, keep their own
 * directories beside it, under the same var/)
 */
static int sanitize_mkdirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = (mkdir(p, 0700) < 0 && errno != EEXIST) ? -1 : 0;
    free(p);
    return rc;
}

/* sanitize_spool_copy - copy fd into an unlinked spool file, at most cap + 1 octets */
static int sanitize_spool_copy(int in, const char *spool, size_t cap)
{
    if (sanitize_mkdirs(spool) < 0)
        return -1;
    int fd = open(spool, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        char tmpl[4096];
        snprintf(tmpl, sizeof(tmpl), "%s/mugai.XXXXXX", spool);
        if ((fd = mkostemp(tmpl, O_CLOEXEC)) < 0)
            return -1;
        unlink(tmpl);
    }
    char *buf = malloc(LIMITS_IO_CHUNK);
    size_t total = 0;
    if (!buf) {
        close(fd);
        return -1;
    }
    /* One octet past the cap is enough for the engine to see "too big". */
    while (total <= cap) {
        ssize_t n = read(in, buf, LIMITS_IO_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0)
            break;
        if (write(fd, buf, (size_t)n) != n)
            goto fail;
        total += (size_t)n;
    }
    free(buf);
    return fd;
fail:
    free(buf);
    close(fd);
    return -1;
}

/* sanitize_usage - synopsis */
static int sanitize_usage(void)
{
    fputs("usage: mugai sanitize [-c CONF] [--mode text|cdr] [--report FILE.json]\n"
          "                      [--sender ADDR] [IN|-] [-o OUT|-]\n",
          stderr);
    return CLI_EXIT_USAGE;
}

/* sanitize_report - write the JSON report to path */
static int sanitize_report(const report *r, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f)
        return -1;
    int rc = report_write_json(r, f);
    if (f != stdout && fclose(f) != 0)
        rc = -1;
    return rc;
}

/* sanitize_output - write the message to OUT (a file via rename, or stdout) */
static int sanitize_output(const engine_result *res, const char *out)
{
    if (!out || strcmp(out, "-") == 0)
        return engine_write(res, STDOUT_FILENO, 0);
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmpXXXXXX", out) < 0)
        return -1;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    int rc = engine_write(res, fd, 0);
    if (fsync(fd) < 0 || close(fd) < 0)
        rc = -1;
    if (rc == 0 && rename(tmp, out) < 0)
        rc = -1;
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* cli_sanitize - `mugai sanitize` */
int cli_sanitize(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' },
        { "mode", required_argument, NULL, 'm' },
        { "report", required_argument, NULL, 'r' },
        { "output", required_argument, NULL, 'o' },
        { "sender", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    const char *conf = NULL, *mode = NULL, *rpath = NULL, *out = NULL, *in = "-";
    engine_envelope env = { 0 };
    int c;

    while ((c = getopt_long(argc, argv, "c:m:r:o:s:", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': conf = optarg; break;
        case 'm': mode = optarg; break;
        case 'r': rpath = optarg; break;
        case 'o': out = optarg; break;
        case 's': env.sender = optarg; break;
        default: return sanitize_usage();
        }
    }
    if (optind < argc)
        in = argv[optind++];
    if (optind < argc)
        return sanitize_usage();
    if (mode && strcmp(mode, "text") != 0 && strcmp(mode, "cdr") != 0)
        return sanitize_usage();

    policy *p = cli_load_policy(&conf);
    if (!p) {
        fprintf(stderr, "mugai: tempfail: invalid configuration %s\n", conf);
        return CLI_EXIT_TEMPFAIL;
    }
    if (mode && strcmp(mode, "cdr") == 0) {
        fputs("mugai: cdr mode is not available in this version\n", stderr);
        policy_unref(p);
        return CLI_EXIT_USAGE;
    }

    int fd = strcmp(in, "-") == 0 ? STDIN_FILENO : open(in, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "mugai: cannot open %s: %s\n", in, strerror(errno));
        policy_unref(p);
        return CLI_EXIT_NOINPUT;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int copy = sanitize_spool_copy(fd, p->spool_dir, p->max_message_size);
        if (fd != STDIN_FILENO)
            close(fd);
        if (copy < 0) {
            fprintf(stderr, "mugai: tempfail: cannot spool input in %s: %s\n",
                    p->spool_dir, strerror(errno));
            policy_unref(p);
            return CLI_EXIT_TEMPFAIL;
        }
        fd = copy;
    }

    /* The engine keeps parts that need scanning in private files there. */
    if (sanitize_mkdirs(p->spool_dir) < 0) {
        fprintf(stderr, "mugai: tempfail: cannot create spool directory %s: %s\n",
                p->spool_dir, strerror(errno));
        if (fd != STDIN_FILENO)
            close(fd);
        policy_unref(p);
        return CLI_EXIT_TEMPFAIL;
    }
    scan_settings ss;
    scan_config_from_policy(p, &ss);
    engine_result res;
    engine_options eo = { .crlf = 0, .scan = &ss };
    /* Reproducible output: a Date the message lacks is this time, if given. */
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch)
        eo.now = strtoll(epoch, NULL, 10);
    int rc;
    if (engine_run(p, &env, fd, &eo, &res) < 0) {
        fputs("mugai: tempfail: out of memory\n", stderr);
        rc = CLI_EXIT_TEMPFAIL;
        goto done;
    }
    if (rpath && sanitize_report(res.report, rpath) < 0)
        fprintf(stderr, "mugai: cannot write report %s: %s\n", rpath, strerror(errno));
    switch (res.verdict) {
    case ENGINE_SANITIZED:
        if (sanitize_output(&res, out) < 0) {
            fprintf(stderr, "mugai: tempfail: cannot write output: %s\n", strerror(errno));
            rc = CLI_EXIT_TEMPFAIL;
        } else {
            rc = CLI_EXIT_OK;
        }
        break;
    case ENGINE_REJECT:
        fprintf(stderr, "mugai: rejected: %s\n", res.reason ? res.reason : "");
        rc = CLI_EXIT_REJECT;
        break;
    case ENGINE_QUARANTINE:
        fprintf(stderr, "mugai: quarantined: %s\n", res.reason ? res.reason : "");
        rc = CLI_EXIT_QUARANTINE;
        break;
    default:
        fprintf(stderr, "mugai: tempfail: %s\n", res.reason ? res.reason : "");
        rc = CLI_EXIT_TEMPFAIL;
        break;
    }
    engine_result_free(&res);
done:
    if (fd != STDIN_FILENO)
        close(fd);
    policy_unref(p);
    return rc;
}
