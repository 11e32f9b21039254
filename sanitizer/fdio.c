/*
 * NAME
 *	fdio - whole writes to a file descriptor
 */
#include <errno.h>
#include <unistd.h>
#include "sanitizer/fdio.h"

/* fdio_write_all - write everything or fail */
int fdio_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = ENOSPC;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
