/*
 * NAME
 *	main - mugai-milter: the mail sanitization milter daemon
 * SYNOPSIS
 *	mugai-milter [-f] [-c CONFIG]
 *	mugai-milter -n [-c CONFIG]
 *	mugai-milter -V
 * DESCRIPTION
 *	Reads the config (every error reported, none tolerated), opens the
 *	milter socket while still privileged so that errors reach stderr,
 *	goes to the background unless -f, writes the pid file, drops to
 *	the configured user and group (after creating what is missing of
 *	the vault's directories for the vault's owner), initialises the
 *	engine before any thread exists, opens the vault, loads the virus
 *	signatures (a missing or stale database is logged as VIRUS SCANNER
 *	UNAVAILABLE; mail is then answered per on_no_database), starts the
 *	signature watcher, the SIGUSR1 reload and the progress threads,
 *	and hands over to libmilter until SIGTERM, SIGINT or SIGHUP.
 * DIAGNOSTICS
 *	Startup errors go to stderr and exit 1 (config) or 2 (system);
 *	afterwards everything goes to the configured log.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "milter/callbacks.h"
#include "milter/log.h"
#include "milter/progress.h"
#include "milter/reload.h"
#include "milter/scanner.h"
#include "milter/shim.h"
#include "milter/spool.h"
#include "policy/config.h"
#include "sanitizer/engine.h"
#include "sanitizer/limits.h"
#include "vault/vault_config.h"

#define MAIN_VERSION	"0.1.0"
#define MAIN_EXIT_CONFIG 1
#define MAIN_EXIT_SYSTEM 2

/* main_usage - the synopsis */
static void main_usage(FILE *out)
{
    fputs("usage: mugai-milter [-f] [-c CONFIG]\n"
	  "       mugai-milter -n [-c CONFIG]   check the config and exit\n"
	  "       mugai-milter -V               print the version\n", out);
}

/* main_socket_path - the file of a unix:/local: socket spec, or NULL */
static const char *main_socket_path(const char *spec)
{
    if (strncmp(spec, "unix:", 5) == 0)
	return spec + 5;
    if (strncmp(spec, "local:", 6) == 0)
	return spec + 6;
    return NULL;
}

/* main_running - pid of a live process named in pid_file, or 0 */
static long main_running(const char *pid_file)
{
    char buf[32];
    long pid;
    ssize_t n;
    int fd;

    if ((fd = open(pid_file, O_RDONLY | O_CLOEXEC)) < 0)
	return 0;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
	return 0;
    buf[n] = '\0';
    pid = strtol(buf, NULL, 10);
    if (pid <= 1 || pid == (long)getpid())
	return 0;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM ? pid : 0;
}

/* main_write_pid - the pid file, owned by the service user */
static int main_write_pid(const char *pid_file, uid_t uid, gid_t gid)
{
    char buf[32];
    int fd, n;

    fd = open(pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	      0644);
    if (fd < 0)
	return -1;
    n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (write(fd, buf, (size_t)n) != n
	|| (uid != (uid_t)-1 && fchown(fd, uid, gid) < 0)) {
	close(fd);
	return -1;
    }
    return close(fd);
}

/* main_daemonize - fork to the background; only the child returns.
 *	stderr is kept only when it is the log. */
static int main_daemonize(int keep_stderr)
{
    pid_t pid;
    int fd;

    if ((pid = fork()) < 0)
	return -1;
    if (pid > 0)
	_exit(0);
    if (setsid() < 0)
	return -1;
    if ((fd = open("/dev/null", O_RDWR)) >= 0) {
	dup2(fd, 0);
	dup2(fd, 1);
	if (!keep_stderr)
	    dup2(fd, 2);
	if (fd > 2)
	    close(fd);
    }
    return 0;
}

/* main_drop - become uid:gid for good */
static int main_drop(uid_t uid, gid_t gid, const char *user)
{
    if (initgroups(user, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
	return -1;
    /* must not be able to get root back */
    if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
	errno = EPERM;
	return -1;
    }
    return 0;
}

/* main_sweep - what a crash left in dir (spool files, scan directories) */
static void main_sweep(const char *dir)
{
    int n;

    if ((n = spool_sweep(dir)) > 0)
	log_warn("removed %d stale spool files and scan directories from %s",
		 n, dir);
}

/* main_check_spool - sweep the spool and temp_dir; the spool directory
 *	is usable: warn if not */
static void main_check_spool(const char *dir, const char *temp_dir)
{
    spool s;

    main_sweep(dir);
    if (*temp_dir != '\0' && strcmp(temp_dir, dir) != 0)
	main_sweep(temp_dir);
    if (spool_open(&s, dir, 1, 0) < 0)
	log_err("spool directory %s is not usable (%s): every message "
		"will be tempfailed until it is", dir, strerror(errno));
    spool_close(&s);
}

/* main_prepare_vault - while root: the vault's directories for its owner,
 *	which vault_open completes once privileges are dropped */
static void main_prepare_vault(const policy *p, uid_t uid)
{
    char err[VAULT_ERR_SIZE];
    vault_config vc;

    vault_config_from_policy(p, &vc);
    if (vault_prepare(&vc, uid != (uid_t)-1 ? uid : geteuid(), err, sizeof err) < 0)
	log_err("VAULT UNAVAILABLE: %s", err);
}

/* main_identity - the user, group and socket group the daemon takes as
 *	root; 0, or -1 after saying on stderr why it would refuse to start.
 *	"-n" runs the same check, so it refuses what a start refuses. */
static int main_identity(const policy *p, uid_t *uid, gid_t *gid,
			 gid_t *sock_gid)
{
    struct passwd *pw;
    struct group *gr;

    if ((pw = getpwnam(p->milter_user)) == NULL) {
	fprintf(stderr, "mugai-milter: unknown user '%s' ([milter] user)\n",
		p->milter_user);
	return -1;
    }
    if (pw->pw_uid == 0) {
	fprintf(stderr, "mugai-milter: refusing to run as root ([milter] user)\n");
	return -1;
    }
    if ((gr = getgrnam(p->milter_group)) == NULL) {
	fprintf(stderr, "mugai-milter: unknown group '%s' ([milter] group)\n",
		p->milter_group);
	return -1;
    }
    *uid = pw->pw_uid;
    *gid = gr->gr_gid;
    if ((gr = getgrnam(p->milter_socket_group)) == NULL) {
	fprintf(stderr, "mugai-milter: unknown group '%s' ([milter] "
		"socket_group)\n", p->milter_socket_group);
	return -1;
    }
    *sock_gid = gr->gr_gid;
    return 0;
}

/* main - start, serve until stopped, clean up */
int main(int argc, char **argv)
{
    const char *path = NULL, *sock;
    int foreground = 0, check = 0, c, rc;
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;
    config_errors errs;
    gid_t sock_gid = (gid_t)-1;
    policy *pol;
    snapshot *snap;
    char *pid_file;
    long other;

    while ((c = getopt(argc, argv, "c:fnVh")) != -1) {
	switch (c) {
	case 'c':
	    path = optarg;
	    break;
	case 'f':
	    foreground = 1;
	    break;
	case 'n':
	    check = 1;
	    break;
	case 'V':
	    printf("mugai-milter %s\n", MAIN_VERSION);
	    return 0;
	case 'h':
	    main_usage(stdout);
	    return 0;
	default:
	    main_usage(stderr);
	    return MAIN_EXIT_CONFIG;
	}
    }
    if (optind < argc) {
	main_usage(stderr);
	return MAIN_EXIT_CONFIG;
    }
    if (path == NULL)
	path = config_default_path();
    config_errors_init(&errs);
    if ((pol = config_load(path, &errs)) == NULL) {
	config_errors_print(&errs, stderr);
	fprintf(stderr, "mugai-milter: %s has errors; not started\n", path);
	config_errors_free(&errs);
	return MAIN_EXIT_CONFIG;
    }
    config_errors_free(&errs);
    /* the daemon is started as root: -n checks what it would take then */
    if ((check || geteuid() == 0)
	&& main_identity(pol, &uid, &gid, &sock_gid) < 0) {
	if (check)
	    fprintf(stderr, "mugai-milter: %s: would not start\n", path);
	policy_unref(pol);
	return MAIN_EXIT_CONFIG;
    }
    if (check) {
	printf("%s: OK\n", path);
	policy_unref(pol);
	return 0;
    }
    /* the file written at start is the one removed at exit, reload or not */
    if ((pid_file = strdup(pol->milter_pid_file)) == NULL) {
	fprintf(stderr, "mugai-milter: out of memory\n");
	return MAIN_EXIT_SYSTEM;
    }
    if ((other = main_running(pid_file)) != 0) {
	fprintf(stderr, "mugai-milter: already running as pid %ld (%s)\n",
		other, pol->milter_pid_file);
	return MAIN_EXIT_SYSTEM;
    }
    if (log_open(pol->milter_log, uid, gid) < 0) {
	fprintf(stderr, "mugai-milter: cannot open log %s: %s\n",
		pol->milter_log, strerror(errno));
	return MAIN_EXIT_SYSTEM;
    }

    /* the socket while privileged, so that errors reach stderr */
    if (shim_setconn(pol->milter_socket) != MI_SUCCESS
	|| shim_register(callbacks_desc()) != MI_SUCCESS) {
	fprintf(stderr, "mugai-milter: cannot use socket %s\n", pol->milter_socket);
	return MAIN_EXIT_SYSTEM;
    }
    umask(0117);			/* a unix socket becomes 0660 */
    rc = shim_opensocket(1);
    umask(0027);
    if (rc != MI_SUCCESS) {
	fprintf(stderr, "mugai-milter: cannot open socket %s\n", pol->milter_socket);
	return MAIN_EXIT_SYSTEM;
    }
    /* a unix socket: ours, and Postfix's group may connect */
    if ((sock = main_socket_path(pol->milter_socket)) != NULL
	&& ((uid != (uid_t)-1 && chown(sock, uid, sock_gid) < 0)
	    || chmod(sock, 0660) < 0)) {
	fprintf(stderr, "mugai-milter: socket %s: %s\n", sock, strerror(errno));
	return MAIN_EXIT_SYSTEM;
    }

    if (!foreground && main_daemonize(strcmp(pol->milter_log, "stderr") == 0) < 0) {
	fprintf(stderr, "mugai-milter: cannot go to the background: %s\n",
		strerror(errno));
	return MAIN_EXIT_SYSTEM;
    }
    if (main_write_pid(pol->milter_pid_file, uid, gid) < 0) {
	log_err("cannot write pid file %s: %s", pol->milter_pid_file,
		strerror(errno));
	return MAIN_EXIT_SYSTEM;
    }
    main_prepare_vault(pol, uid);
    if (uid != (uid_t)-1 && main_drop(uid, gid, pol->milter_user) < 0) {
	log_err("cannot become %s:%s: %s", pol->milter_user, pol->milter_group,
		strerror(errno));
	unlink(pol->milter_pid_file);
	return MAIN_EXIT_SYSTEM;
    }
    main_check_spool(pol->spool_dir, pol->scan_temp_dir);

    /* the time zone read once: with TZ unset glibc reads /etc/localtime
     * again on every localtime(), which libclamav calls to name each
     * scan's temporary directory; a new zone takes a restart */
    if (getenv("TZ") == NULL)
	setenv("TZ", ":/etc/localtime", 0);
    tzset();
    /* before any thread: the engine's libraries and the signal mask */
    engine_global_init();
    if (reload_block_signals() < 0) {
	log_err("cannot block signals");
	return MAIN_EXIT_SYSTEM;
    }
    signal(SIGPIPE, SIG_IGN);
    log_info("starting: config=%s socket=%s spool=%s user=%s",
	     path, pol->milter_socket, pol->spool_dir,
	     uid != (uid_t)-1 ? pol->milter_user : "(unchanged)");
    reload_init(pol, path);
    snap = reload_snapshot();
    /* no usable signatures is logged, not fatal: the engine answers
     * such mail per on_no_database until the watcher finds some */
    if (snap)
	scanner_check(snap);
    if (snap == NULL || scanner_watch(snap) < 0) {
	log_err("cannot start the signature watcher: %s", strerror(errno));
	snapshot_unref(snap);
	reload_done();
	return MAIN_EXIT_SYSTEM;
    }
    snapshot_unref(snap);
    if (progress_start(LIMITS_MILTER_PROGRESS_MS) < 0 || reload_start() < 0) {
	log_err("cannot start threads: %s", strerror(errno));
	return MAIN_EXIT_SYSTEM;
    }
    rc = shim_main();
    log_info("stopping (libmilter returned %d)", rc);
    progress_stop();
    /* ours since the chown; libmilter leaves it behind */
    if (sock != NULL && unlink(sock) < 0 && errno != ENOENT)
	log_warn("cannot remove socket %s: %s", sock, strerror(errno));
    if (unlink(pid_file) < 0 && errno != ENOENT)
	log_warn("cannot remove pid file %s: %s", pid_file, strerror(errno));
    free(pid_file);
    reload_done();
    engine_global_done();
    log_close();
    return rc == MI_SUCCESS ? 0 : MAIN_EXIT_SYSTEM;
}
