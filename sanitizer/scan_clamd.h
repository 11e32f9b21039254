/*
 * NAME
 *	scan_clamd - scan through a shared clamd (INSTREAM)
 * DESCRIPTION
 *	For sites that run one clamd for several gateways. Content is sent
 *	with the INSTREAM command over a unix or TCP socket; the signature
 *	version and date come from VERSION, so the same age rules apply as
 *	for the in-process engine. Every failure to get a clear answer is an
 *	error (the message is tempfailed), and clamd's own limits (an
 *	INSTREAM size limit) make the content suspicious, never clean.
 */
#ifndef MUGAI_SCAN_CLAMD_H
#define MUGAI_SCAN_CLAMD_H

#include <stddef.h>
#include <time.h>
#include "sanitizer/scan.h"

/*
 * scan_clamd_version - ask clamd for its signature version and build
 * date. addr is unix:PATH, inet:PORT@HOST or inet6:PORT@HOST. Returns 0,
 * or -1 with a reason in why.
 */
int scan_clamd_version(const char *addr, unsigned timeout_ms, unsigned *version,
                       time_t *db_time, char *why, size_t size);

/* scan_clamd_fd - scan the whole file fd (from offset 0) */
void scan_clamd_fd(const char *addr, unsigned timeout_ms, int fd, scan_result *r);

/* scan_clamd_buf - scan len bytes in memory */
void scan_clamd_buf(const char *addr, unsigned timeout_ms, const void *buf, size_t len,
                    scan_result *r);

/* scan_clamd_reply - turn one INSTREAM reply line into a result (exported for tests) */
void scan_clamd_reply(const char *line, scan_result *r);

#endif
