/*
 * NAME
 *	fault_engine - engine_run that fails on request, for fault tests
 * DESCRIPTION
 *	Linked into build/tests/mugai-milter-fault with
 *	-Wl,--wrap=engine_run; never part of the installed daemon. The
 *	fault comes from the environment variable MUGAI_FAULT, or from the
 *	first word of the file named by MUGAI_FAULT_FILE (so a running
 *	daemon can be switched):
 *	  tempfail   the engine reports an internal error (verdict TEMPFAIL)
 *	  oom        engine_run returns -1 (result not filled)
 *	  slow:MS    sleep MS milliseconds, then run the real engine
 *	anything else, or nothing, runs the real engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sanitizer/engine.h"

int __real_engine_run(const policy *p, const engine_envelope *env, int fd,
		      const engine_options *o, engine_result *res);
int __wrap_engine_run(const policy *p, const engine_envelope *env, int fd,
		      const engine_options *o, engine_result *res);

/* fault_engine_mode - the requested fault into buf, "" for none */
static void fault_engine_mode(char *buf, size_t len)
{
    const char *env = getenv("MUGAI_FAULT"), *file = getenv("MUGAI_FAULT_FILE");
    FILE *fp;

    buf[0] = '\0';
    if (env) {
	snprintf(buf, len, "%s", env);
	return;
    }
    if (file && (fp = fopen(file, "re")) != NULL) {
	if (fscanf(fp, "%31s", buf) != 1)
	    buf[0] = '\0';
	fclose(fp);
    }
}

/* __wrap_engine_run - the fault, or the real engine */
int __wrap_engine_run(const policy *p, const engine_envelope *env, int fd,
		      const engine_options *o, engine_result *res)
{
    char mode[32];
    struct timespec ts;
    long ms;

    fault_engine_mode(mode, sizeof mode);
    if (strcmp(mode, "tempfail") == 0) {
	memset(res, 0, sizeof *res);
	res->verdict = ENGINE_TEMPFAIL;
	res->reason = strdup("injected engine failure");
	res->smtp_code = "451";
	res->smtp_xcode = "4.3.0";
	res->report = report_new();
	return 0;
    }
    if (strcmp(mode, "oom") == 0) {
	memset(res, 0, sizeof *res);
	return -1;
    }
    if (strncmp(mode, "slow:", 5) == 0 && (ms = atol(mode + 5)) > 0) {
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
    }
    return __real_engine_run(p, env, fd, o, res);
}
