/*
 * NAME
 *	fuzz_engine - libFuzzer entry: arbitrary bytes through engine_run
 * DESCRIPTION
 *	The message is put in a memfd (the engine wants a seekable file). A
 *	delivered result must have a body; anything else is a bug worth a
 *	crash report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <glib.h>
#include "sanitizer/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static policy *p;

    if (!p) {
        /* A GLib critical is a misuse of GMime: a bug to report, not noise. */
        g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
        engine_global_init();
        p = policy_defaults();
        free(p->spool_dir);
        p->spool_dir = strdup("/tmp");
    }
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    if (size && write(fd, data, size) != (ssize_t)size)
        abort();
    engine_result res;
    engine_options o = { .crlf = 1 };
    if (engine_run(p, NULL, fd, &o, &res) == 0) {
        if (res.verdict == ENGINE_SANITIZED && (!res.body || !res.nheaders))
            abort();
        if (res.verdict != ENGINE_SANITIZED && res.body)
            abort();
        engine_result_free(&res);
    }
    close(fd);
    return 0;
}
