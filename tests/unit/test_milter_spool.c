/*
 * NAME
 *	test_milter_spool - unit tests of milter/spool.c
 * DESCRIPTION
 *	The spool file is unlinked and private; header fields are rebuilt
 *	with CRLF; the body is the same bytes whatever the chunking (1 byte
 *	to 65535) and wherever the move from memory to disk falls; bare CR
 *	and NUL are counted across chunk boundaries; the size cap stops
 *	writing; a small message never touches the spool directory, and a
 *	move to a directory that fails is an I/O error; stale named files
 *	are swept.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/testutil.h"

#include "milter/spool.h"

static char dir[64];

/* setup - a private directory */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/mugai-test-spool-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

/* teardown - remove it */
static int teardown(void **state)
{
    (void)state;
    spool_sweep(dir);
    return rmdir(dir);
}

/* entries - files in dir */
static int entries(void)
{
    struct dirent *de;
    DIR *d = opendir(dir);
    int n = 0;

    while ((de = readdir(d)) != NULL)
	n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

/* slurp - the whole spool from its rewound descriptor */
static char *slurp(spool *s, size_t *len)
{
    int fd = spool_finish(s);
    struct stat st;
    char *buf;

    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    buf = malloc((size_t)st.st_size + 1);
    assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
    buf[st.st_size] = '\0';
    *len = (size_t)st.st_size;
    return buf;
}

/* test_headers - rebuilt fields, folded values, private file */
static void test_headers(void **state)
{
    spool s;
    char *buf;
    size_t len;
    struct stat st;

    (void)state;
    assert_int_equal(spool_open(&s, dir, 1 << 20, 0), 0);
    assert_int_equal(entries(), 0);		/* nothing has a name */
    assert_false(s.in_memory);
    assert_int_equal(fstat(s.fd, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(spool_header(&s, "Subject", "hello\n\tworld", 0), 0);
    assert_int_equal(spool_header(&s, "X-A", " kept space", 1), 0);
    assert_int_equal(spool_header(&s, "X-B", "crlf\r\n done", 0), 0);
    assert_int_equal(spool_end_headers(&s), 0);
    assert_int_equal(spool_body(&s, (const unsigned char *)"body\r\n", 6), 0);
    buf = slurp(&s, &len);
    assert_string_equal(buf, "Subject: hello\r\n\tworld\r\nX-A: kept space\r\n"
			"X-B: crlf\r\n done\r\n\r\nbody\r\n");
    assert_int_equal(s.headers, 3);
    free(buf);
    spool_close(&s);
    spool_close(&s);				/* idempotent */
}

/* test_chunking - the same bytes for every chunk size */
static void test_chunking(void **state)
{
    static const size_t sizes[] = { 1, 2, 3, 7, 64, 1000, 4096, 65535, 200000 };
    const size_t total = 150000;
    unsigned char *body = malloc(total);
    size_t i, k, off, n, len;
    char *buf;
    spool s;

    (void)state;
    for (i = 0; i < total; i++)
	body[i] = (unsigned char)(i % 61 == 60 ? '\n' : i % 61 == 59 ? '\r'
				  : 'a' + i % 26);
    body[1000] = '\r';				/* bare CR, in place of a letter */
    body[5000] = '\0';				/* NUL */
    for (k = 0; k < 2 * sizeof sizes / sizeof sizes[0]; k++) {
	/* every size twice: on disk from the start, and moved there
	 * from memory part way through the body */
	size_t mem = k % 2 ? 70001 : 0;

	assert_int_equal(spool_open(&s, dir, 1 << 20, mem), 0);
	assert_int_equal(spool_end_headers(&s), 0);
	for (off = 0; off < total; off += n) {
	    n = total - off < sizes[k / 2] ? total - off : sizes[k / 2];
	    assert_int_equal(spool_body(&s, body + off, n), 0);
	}
	buf = slurp(&s, &len);
	assert_int_equal(len, total + 2);
	assert_memory_equal(buf + 2, body, total);
	assert_int_equal(s.nul, 1);
	assert_int_equal(s.bare_cr, 1);
	assert_int_equal(s.body_bytes, total);
	assert_false(s.in_memory);
	free(buf);
	spool_close(&s);
    }
    free(body);
}

/* test_cr_split - CR at the end of one chunk, LF at the start of the next */
static void test_cr_split(void **state)
{
    spool s;

    (void)state;
    assert_int_equal(spool_open(&s, dir, 1 << 20, 64), 0);
    assert_int_equal(spool_body(&s, (const unsigned char *)"a\r", 2), 0);
    assert_int_equal(spool_body(&s, (const unsigned char *)"\nb\r", 3), 0);
    assert_int_equal(s.bare_cr, 0);
    assert_int_equal(spool_body(&s, (const unsigned char *)"c", 1), 0);
    assert_int_equal(s.bare_cr, 1);
    spool_close(&s);
}

/* test_cap - writing stops at the cap */
static void test_cap(void **state)
{
    unsigned char chunk[1000];
    spool s;
    int i, rc = 0;

    (void)state;
    memset(chunk, 'x', sizeof chunk);
    assert_int_equal(spool_open(&s, dir, 4500, 1 << 20), 0);
    for (i = 0; i < 10 && rc == 0; i++)
	rc = spool_body(&s, chunk, sizeof chunk);
    assert_int_equal(rc, 1);
    assert_int_equal(i, 5);
    assert_true(s.over);
    assert_int_equal(s.bytes, 4000);
    assert_int_equal(spool_body(&s, chunk, 1), 1);
    assert_int_equal(spool_header(&s, "A", "b", 0), 1);
    spool_close(&s);
}

/* test_errors - no directory; writes to a closed spool */
static void test_errors(void **state)
{
    spool s;

    (void)state;
    assert_int_equal(spool_open(&s, "/nonexistent/mugai", 100, 0), -1);
    spool_init(&s);
    assert_int_equal(spool_body(&s, (const unsigned char *)"x", 1), -1);
    assert_int_not_equal(s.error, 0);
    assert_int_equal(spool_finish(&s), -1);
    spool_close(&s);
}

/* fd_target - what a descriptor of this process refers to */
static void fd_target(int fd, char *buf, size_t len)
{
    char link[64];
    ssize_t n;

    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, buf, len - 1);
    assert_true(n > 0);
    buf[n] = '\0';
}

/* test_memory - small in memory; past the allowance, in the directory */
static void test_memory(void **state)
{
    unsigned char chunk[3000];
    char target[4096];
    size_t len, i;
    char *buf;
    spool s;

    (void)state;
    memset(chunk, 'm', sizeof chunk);
    assert_int_equal(spool_open(&s, dir, 1 << 20, 10000), 0);
    assert_true(s.in_memory);
    fd_target(s.fd, target, sizeof target);
    assert_non_null(strstr(target, "memfd:mugai-spool"));
    assert_int_equal(spool_header(&s, "Subject", "small", 0), 0);
    assert_int_equal(spool_end_headers(&s), 0);
    for (i = 0; i < 3; i++)			/* 9000 + 18 bytes: still in memory */
	assert_int_equal(spool_body(&s, chunk, sizeof chunk), 0);
    assert_true(s.in_memory);
    assert_int_equal(spool_finish(&s), s.fd);
    spool_close(&s);

    assert_int_equal(spool_open(&s, dir, 1 << 20, 10000), 0);
    assert_int_equal(spool_header(&s, "Subject", "large", 0), 0);
    assert_int_equal(spool_end_headers(&s), 0);
    for (i = 0; i < 4; i++)			/* 12000 + 18 bytes: moved */
	assert_int_equal(spool_body(&s, chunk, sizeof chunk), 0);
    assert_false(s.in_memory);
    fd_target(s.fd, target, sizeof target);
    assert_true(strncmp(target, dir, strlen(dir)) == 0);
    assert_int_equal(entries(), 0);		/* still nothing with a name */
    buf = slurp(&s, &len);
    assert_int_equal(len, 18 + 4 * sizeof chunk);
    assert_memory_equal(buf, "Subject: large\r\n\r\n", 18);
    assert_memory_equal(buf + 18 + 3 * sizeof chunk, chunk, sizeof chunk);
    free(buf);
    spool_close(&s);
}

/* test_move_fails - a spool directory that is gone shows when the message outgrows memory */
static void test_move_fails(void **state)
{
    unsigned char chunk[600];
    spool s;

    (void)state;
    memset(chunk, 'f', sizeof chunk);
    assert_int_equal(spool_open(&s, "/nonexistent/mugai", 1 << 20, 1000), 0);
    assert_int_equal(spool_body(&s, chunk, sizeof chunk), 0);
    assert_int_equal(spool_body(&s, chunk, sizeof chunk), -1);
    assert_int_equal(s.error, ENOENT);
    assert_int_equal(spool_finish(&s), -1);
    spool_close(&s);
}

/* test_sweep - only our stale names go */
static void test_sweep(void **state)
{
    char path[128];
    int fd;

    (void)state;
    snprintf(path, sizeof path, "%s/" SPOOL_PREFIX "stale1", dir);
    fd = open(path, O_CREAT | O_WRONLY, 0600);
    close(fd);
    snprintf(path, sizeof path, "%s/other-file", dir);
    fd = open(path, O_CREAT | O_WRONLY, 0600);
    close(fd);
    assert_int_equal(spool_sweep(dir), 1);
    assert_int_equal(entries(), 1);
    unlink(path);
    assert_int_equal(spool_sweep("/nonexistent/mugai"), -1);
}

/* touch - an empty file at dir/rel */
static void touch(const char *rel)
{
    char path[256];
    int fd;

    snprintf(path, sizeof path, "%s/%s", dir, rel);
    fd = open(path, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    close(fd);
}

/* subdir - a directory at dir/rel */
static void subdir(const char *rel)
{
    char path[256];

    snprintf(path, sizeof path, "%s/%s", dir, rel);
    assert_int_equal(mkdir(path, 0700), 0);
}

/* exists - whether dir/rel is there (a link counts, not its target) */
static int exists(const char *rel)
{
    char path[256];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return lstat(path, &st) == 0;
}

/* test_sweep_scantemp - libclamav's scan directories left by a crash
 *	go, empty or full and nested; a link in one is removed, never
 *	followed; other directories and a link named like one stay */
static void test_sweep_scantemp(void **state)
{
    char outside[] = "/tmp/mugai-test-sweep-XXXXXX", path[256], target[256];

    (void)state;
    assert_non_null(mkdtemp(outside));
    snprintf(target, sizeof target, "%s/keep", outside);
    assert_int_equal(mkdir(target, 0700), 0);
    subdir("20261203_1-scantemp.abc123");			/* empty */
    subdir("mail.eml-scantemp.9f8e7d");			/* full, nested */
    touch("mail.eml-scantemp.9f8e7d/part1");
    subdir("mail.eml-scantemp.9f8e7d/zip-scantemp.0a0b");
    touch("mail.eml-scantemp.9f8e7d/zip-scantemp.0a0b/member");
    snprintf(path, sizeof path, "%s/mail.eml-scantemp.9f8e7d/link", dir);
    assert_int_equal(symlink(target, path), 0);
    subdir("not-a-scan-dir");
    touch("not-a-scan-dir/file");
    snprintf(path, sizeof path, "%s/linked-scantemp.1", dir);
    assert_int_equal(symlink(target, path), 0);
    touch(SPOOL_PREFIX "stale2");

    assert_int_equal(spool_sweep(dir), 3);
    assert_false(exists("20261203_1-scantemp.abc123"));
    assert_false(exists("mail.eml-scantemp.9f8e7d"));
    assert_false(exists(SPOOL_PREFIX "stale2"));
    assert_true(exists("not-a-scan-dir/file"));
    assert_true(exists("linked-scantemp.1"));
    assert_int_equal(access(target, F_OK), 0);		/* not followed */
    /* a second start finds nothing more */
    assert_int_equal(spool_sweep(dir), 0);

    snprintf(path, sizeof path, "%s/linked-scantemp.1", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/not-a-scan-dir/file", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/not-a-scan-dir", dir);
    rmdir(path);
    rmdir(target);
    rmdir(outside);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_headers),
	cmocka_unit_test(test_sweep_scantemp),
	cmocka_unit_test(test_memory),
	cmocka_unit_test(test_move_fails),
	cmocka_unit_test(test_chunking),
	cmocka_unit_test(test_cr_split),
	cmocka_unit_test(test_cap),
	cmocka_unit_test(test_errors),
	cmocka_unit_test(test_sweep),
    };

    return cmocka_run_group_tests_name("milter_spool", tests, setup, teardown);
}
