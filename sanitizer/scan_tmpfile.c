/*
 * NAME
 *	scan_tmpfile - private unlinked temporary files in the spool
 * DESCRIPTION
 *	See scan_tmpfile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "sanitizer/scan_tmpfile.h"
#include "sanitizer/fdio.h"

/* scan_tmpfile_open - a new empty private file in dir */
int scan_tmpfile_open(const char *dir)
{
    if (!dir || !*dir) {
        errno = EINVAL;
        return -1;
    }
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
        return fd;
    /* No O_TMPFILE here: a named file that lives only until unlink below. */
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s/mugai-XXXXXX", dir) >= (int)sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (unlink(path) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* scan_tmpfile_write - write all of buf */
int scan_tmpfile_write(int fd, const void *buf, size_t len)
{
    return fdio_write_all(fd, buf, len);
}
