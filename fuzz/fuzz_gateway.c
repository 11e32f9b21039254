/*
 * NAME
 *	fuzz_gateway - libFuzzer entry: arbitrary bytes through engine_run as the gateway runs it
 * DESCRIPTION
 *	Like fuzz_engine, but with what mugai-milter turns on: virus scanning
 *	with libclamav and the project's test signatures
 *	(samples/test-signatures, or $MUGAI_FUZZ_SIGS; loaded once), the
 *	default archive limits and type rules, temporary files in a private
 *	directory. So archives, their members and the scanner are reached.
 *	A delivered result must have a body and headers; a refused one none;
 *	a scanner error is a bug (the signatures are there).
 *
 *	Leaks: libclamav 1.4 leaks a little inside its own parsers on some
 *	inputs (cli_max_malloc, cli_max_realloc). libclamav is built without
 *	frame pointers, so LeakSanitizer's stack of such an allocation ends
 *	in libclamav and cannot name the scan call above it: what is
 *	suppressed is an allocation made by libclamav itself ("leak:
 *	libclamav.so", __lsan_default_suppressions below, built into the
 *	target so that the libFuzzer build and the ASan replay of make check
 *	both use it). An allocation of our own code that leaks is still
 *	reported; the one libclamav engine is loaded once and kept.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <glib.h>
#include "sanitizer/engine.h"
#include "sanitizer/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* __lsan_default_suppressions - what libclamav allocated, nothing else */
const char *__lsan_default_suppressions(void)
{
    return "leak:libclamav.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static policy *p;
    static scan_settings s;
    static char tmp[] = "/tmp/mugai-fuzz-XXXXXX";

    if (!p) {
        /* A GLib critical is a misuse of GMime: a bug to report, not noise. */
        g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
        engine_global_init();
        if (!mkdtemp(tmp))
            abort();
        p = policy_defaults();
        free(p->spool_dir);
        p->spool_dir = strdup(tmp);
        scan_settings_init(&s);
        s.database_dir = getenv("MUGAI_FUZZ_SIGS") ? getenv("MUGAI_FUZZ_SIGS")
                                                   : "samples/test-signatures";
        s.max_db_age_s = 0;
        s.tmpdir = tmp;
        char *why = NULL;
        if (scan_db_load(&s, tmp, &s.db, &why) < 0) {
            fprintf(stderr, "fuzz_gateway: %s\n", why ? why : "no signatures");
            abort();
        }
    }
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    if (size && write(fd, data, size) != (ssize_t)size)
        abort();
    engine_result res;
    engine_options o = { .crlf = 1, .scan = &s, .vault_id = "FUZZ-0001" };
    if (engine_run(p, NULL, fd, &o, &res) == 0) {
        if (res.verdict == ENGINE_SANITIZED && (!res.body || !res.nheaders))
            abort();
        if (res.verdict != ENGINE_SANITIZED && res.body)
            abort();
        if (res.reason && strstr(res.reason, "virus scan of"))
            abort();
        engine_result_free(&res);
    }
    close(fd);
    return 0;
}
