/*
 * NAME
 *	scan_tmpfile - private unlinked temporary files in the spool
 * DESCRIPTION
 *	Decoded parts and archive members that are scanned or opened as
 *	archives live in files nobody else can open: O_TMPFILE (no name at
 *	any time), or on file systems without it a mkstemp file unlinked at
 *	once. Closing the descriptor frees the space.
 */
#ifndef MUGAI_SCAN_TMPFILE_H
#define MUGAI_SCAN_TMPFILE_H

#include <stddef.h>

/* scan_tmpfile_open - a new empty private file in dir (mode 0600), or -1 with errno */
int scan_tmpfile_open(const char *dir);

/* scan_tmpfile_write - write all of buf; 0, or -1 with errno */
int scan_tmpfile_write(int fd, const void *buf, size_t len);

#endif
