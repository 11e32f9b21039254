/*
 * NAME
 *	scantest - helpers shared by the scanner and archive tests
 * DESCRIPTION
 *	Settings built in code around the project's test signatures
 *	(samples/test-signatures, no age check), a private spool directory,
 *	and engine_run on a sample file.
 */
#ifndef MUGAI_SCANTEST_H
#define MUGAI_SCANTEST_H

#include <fcntl.h>
#include <unistd.h>
#include "tests/unit/testutil.h"
#include "sanitizer/engine.h"
#include "sanitizer/filetype.h"
#include "sanitizer/scan.h"

#define SCANTEST_SIGS "samples/test-signatures"

typedef struct scantest {
    policy	*pol;
    scan_settings set;
    scan_db	*db;
    char	spool[64];
} scantest;

/* scantest_setup - policy with a private spool, settings with the test database */
static inline int scantest_setup(void **state)
{
    scantest *t = calloc(1, sizeof(*t));
    char *why = NULL;
    assert_non_null(t);
    engine_global_init();
    snprintf(t->spool, sizeof(t->spool), "/tmp/mugai-test-XXXXXX");
    assert_non_null(mkdtemp(t->spool));
    t->pol = policy_defaults();
    free(t->pol->spool_dir);
    t->pol->spool_dir = strdup(t->spool);
    scan_settings_init(&t->set);
    t->set.database_dir = SCANTEST_SIGS;
    t->set.max_db_age_s = 0;
    assert_int_equal(scan_db_load(&t->set, t->spool, &t->db, &why), 0);
    t->set.db = t->db;
    *state = t;
    return 0;
}

/* scantest_teardown - release everything; the spool must be empty again */
static inline int scantest_teardown(void **state)
{
    scantest *t = *state;
    scan_db_unref(t->db);
    policy_unref(t->pol);
    assert_int_equal(rmdir(t->spool), 0);	/* fails if a temp file was left behind */
    free(t);
    return 0;
}

/* scantest_run - engine_run on a file with settings s (NULL: none) */
static inline void scantest_run(const scantest *t, const scan_settings *s, const char *path,
                                engine_result *res)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    engine_options o = { .crlf = 0, .scan = s };
    assert_int_equal(engine_run(t->pol, NULL, fd, &o, res), 0);
    close(fd);
}

/* scantest_finding - 1 if the report has a finding of this kind */
static inline int scantest_finding(const report *r, const char *kind)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (strcmp(r->findings[i].kind, kind) == 0)
            return 1;
    return 0;
}

#endif
