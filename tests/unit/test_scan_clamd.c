/*
 * NAME
 *	test_scan_clamd - the clamd backend against a real clamd
 * DESCRIPTION
 *	Starts Debian's clamd on a private unix socket with only the
 *	project's test signatures, and checks that EICAR and the project's
 *	marker are found through INSTREAM, that clean content is clean, that
 *	clamd's stream size limit makes content suspicious (never clean) and
 *	that an unreachable clamd is an error.
 */
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tests/unit/testutil.h"
#include "sanitizer/scan_clamd.h"

static char dir[] = "/tmp/mugai-clamd-XXXXXX";
static char addr[256];
static pid_t clamd_pid = -1;

static const char EICAR[] =
    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/* start_clamd - clamd in the foreground with a 1 MB stream limit; 0 once it answers */
static int start_clamd(void **state)
{
    char cmd[1024], path[512];
    (void)state;

    if (!mkdtemp(dir) || access("/usr/sbin/clamd", X_OK) < 0)
        return -1;
    snprintf(cmd, sizeof(cmd), "mkdir -p %s/db && cp samples/test-signatures/*.?db %s/db/", dir, dir);
    if (system(cmd) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/clamd.conf", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "LocalSocket %s/clamd.sock\nDatabaseDirectory %s/db\nTemporaryDirectory %s\n"
               "Foreground yes\nLogFile %s/clamd.log\nStreamMaxLength 1M\nUser root\n",
            dir, dir, dir, dir);
    fclose(f);
    snprintf(addr, sizeof(addr), "unix:%s/clamd.sock", dir);
    if ((clamd_pid = fork()) == 0) {
        execl("/usr/sbin/clamd", "clamd", "-c", path, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        unsigned v;
        time_t t;
        char why[256];
        if (scan_clamd_version(addr, 1000, &v, &t, why, sizeof(why)) == 0)
            return 0;
        usleep(100000);
    }
    return -1;
}

/* stop_clamd - end clamd and remove its directory */
static int stop_clamd(void **state)
{
    char cmd[600];
    (void)state;
    if (clamd_pid > 0) {
        kill(clamd_pid, SIGTERM);
        waitpid(clamd_pid, NULL, 0);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_reply_parsing(void **state)
{
    scan_result r;
    (void)state;
    scan_clamd_reply("stream: OK", &r);
    assert_int_equal(r.verdict, SCAN_CLEAN);
    scan_clamd_reply("stream: Win.Test.EICAR_HDB-1 FOUND", &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    assert_string_equal(r.name, "Win.Test.EICAR_HDB-1");
    scan_clamd_reply("stream: Heuristics.Encrypted.Zip FOUND", &r);
    assert_int_equal(r.verdict, SCAN_SUSPICIOUS);
    scan_clamd_reply("INSTREAM size limit exceeded. ERROR", &r);
    assert_int_equal(r.verdict, SCAN_SUSPICIOUS);
    scan_clamd_reply("stream: Can't allocate memory ERROR", &r);
    assert_int_equal(r.verdict, SCAN_ERROR);
    scan_clamd_reply("garbage", &r);
    assert_int_equal(r.verdict, SCAN_ERROR);
}

static void test_found_and_clean(void **state)
{
    scan_result r;
    (void)state;
    scan_clamd_buf(addr, 5000, EICAR, strlen(EICAR), &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    assert_non_null(strstr(r.name, "EICAR"));
    const char *marker = "hello MUGAI-TEST-MALWARE-MARKER bye";
    scan_clamd_buf(addr, 5000, marker, strlen(marker), &r);
    assert_int_equal(r.verdict, SCAN_VIRUS);
    const char *clean = "an ordinary letter";
    scan_clamd_buf(addr, 5000, clean, strlen(clean), &r);
    assert_int_equal(r.verdict, SCAN_CLEAN);
}

/* A file beyond clamd's stream limit is not known to be clean. */
static void test_limit_not_clean(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    for (int i = 0; i < 3 * 1024; i++)
        fwrite("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1, 1024, f);
    fflush(f);
    scan_result r;
    scan_clamd_fd(addr, 5000, fileno(f), &r);
    assert_int_not_equal(r.verdict, SCAN_CLEAN);
    fclose(f);
}

static void test_unreachable_is_error(void **state)
{
    scan_result r;
    unsigned v;
    time_t t;
    char why[256];
    (void)state;
    scan_clamd_buf("unix:/nonexistent/clamd.sock", 1000, "x", 1, &r);
    assert_int_equal(r.verdict, SCAN_ERROR);
    assert_int_equal(scan_clamd_version("inet:1@127.0.0.1", 1000, &v, &t, why, sizeof(why)), -1);
    assert_int_equal(scan_clamd_version("bogus", 1000, &v, &t, why, sizeof(why)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_parsing),
        cmocka_unit_test(test_found_and_clean),
        cmocka_unit_test(test_limit_not_clean),
        cmocka_unit_test(test_unreachable_is_error),
    };
    return cmocka_run_group_tests_name("scan_clamd", tests, start_clamd, stop_clamd);
}
