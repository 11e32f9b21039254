/*
 * NAME
 *	fdio - whole writes to a file descriptor
 */
#ifndef MUGAI_FDIO_H
#define MUGAI_FDIO_H

#include <stddef.h>

/*
 * fdio_write_all - write len octets, retrying short writes and EINTR;
 * 0, or -1 with errno set (a write of 0 octets counts as ENOSPC).
 */
int fdio_write_all(int fd, const void *buf, size_t len);

#endif
