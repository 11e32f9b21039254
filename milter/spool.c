/*
 * NAME
 *	spool - the private on-disk copy of one message while it arrives
 * DESCRIPTION
 *	See spool.h. Writes go through a small buffer so that a header
 *	block of many short fields costs few system calls; body chunks
 *	(up to 64 KiB from Postfix) are written straight through once the
 *	buffer is empty. A message starts in an anonymous memory file
 *	(memfd) and moves to the spool directory when it outgrows the
 *	memory allowance: creating and deleting a file in a directory costs
 *	the file system far more than the small message itself.
 */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "milter/spool.h"
#include "sanitizer/limits.h"

/* spool_init - a closed spool */
void spool_init(spool *s)
{
    /* the buffer (the last member) needs no clearing */
    memset(s, 0, offsetof(spool, buf));
    s->fd = -1;
}

/* spool_disk_fd - a new unlinked file in dir, or -1 with errno set */
static int spool_disk_fd(const char *dir)
{
    char path[4096];
    int fd;

    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
	/* no O_TMPFILE here: a named file, unlinked at once */
	if ((size_t)snprintf(path, sizeof path, "%s/" SPOOL_PREFIX "XXXXXX", dir)
	    >= sizeof path) {
	    errno = ENAMETOOLONG;
	    return -1;
	}
	if ((fd = mkostemp(path, O_CLOEXEC)) >= 0 && unlink(path) < 0) {
	    int saved = errno;

	    close(fd);
	    errno = saved;
	    return -1;
	}
    }
    return fd;
}

/* spool_open - a memory file, or the unlinked file in dir */
int spool_open(spool *s, const char *dir, size_t max, size_t mem_max)
{
    int fd = -1;

    spool_init(s);
    s->max = max;
    s->dir = dir;
    if (mem_max > 0 && (fd = memfd_create("mugai-spool", MFD_CLOEXEC)) >= 0) {
	s->in_memory = 1;
	s->mem_max = mem_max;
    }
    if (fd < 0 && (fd = spool_disk_fd(dir)) < 0)
	return -1;
    s->fd = fd;
    return 0;
}

/* spool_flush - write out the buffer */
static int spool_flush(spool *s)
{
    size_t done = 0;
    ssize_t n;

    while (done < s->buffered) {
	n = write(s->fd, s->buf + done, s->buffered - done);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n <= 0) {
	    s->error = n < 0 ? errno : ENOSPC;
	    return -1;
	}
	done += (size_t)n;
    }
    s->buffered = 0;
    return 0;
}

/*
 * spool_to_disk - move what the memory file holds to a file in the spool
 *	directory, which takes its place; 0, or -1 with s->error set
 */
static int spool_to_disk(spool *s)
{
    off_t off = 0, size;
    ssize_t n;
    int fd;

    if (spool_flush(s) < 0)
	return -1;
    /* once flushed, the memory file holds exactly what was counted */
    size = (off_t)s->bytes;
    if ((fd = spool_disk_fd(s->dir)) < 0) {
	s->error = errno;
	return -1;
    }
    while (off < size) {
	n = sendfile(fd, s->fd, &off, (size_t)(size - off));
	if (n < 0 && errno == EINTR)
	    continue;
	if (n <= 0) {
	    s->error = n < 0 ? errno : ENOSPC;
	    close(fd);
	    return -1;
	}
    }
    close(s->fd);
    s->fd = fd;
    s->in_memory = 0;
    return 0;
}

/* spool_write - append bytes, within the cap */
static int spool_write(spool *s, const void *data, size_t len)
{
    const char *p = data;
    ssize_t n;

    if (s->fd < 0 || s->error) {
	if (!s->error)
	    s->error = EBADF;
	return -1;
    }
    if (s->over)
	return 1;
    if (len > s->max - s->bytes) {
	/* the cap is reached: keep nothing more, the message is refused */
	s->over = 1;
	return 1;
    }
    if (s->in_memory && len > s->mem_max - s->bytes && spool_to_disk(s) < 0)
	return -1;
    s->bytes += len;
    if (s->buffered + len <= sizeof s->buf) {
	memcpy(s->buf + s->buffered, p, len);
	s->buffered += len;
	return 0;
    }
    if (spool_flush(s) < 0)
	return -1;
    if (len <= sizeof s->buf) {
	memcpy(s->buf, p, len);
	s->buffered = len;
	return 0;
    }
    while (len > 0) {
	n = write(s->fd, p, len);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n <= 0) {
	    s->error = n < 0 ? errno : ENOSPC;
	    return -1;
	}
	p += n;
	len -= (size_t)n;
    }
    return 0;
}

/* spool_header - one rebuilt header field */
int spool_header(spool *s, const char *name, const char *value, int leadspc)
{
    const char *p, *nl;
    int rc;

    if ((rc = spool_write(s, name, strlen(name))) != 0)
	return rc;
    if ((rc = spool_write(s, leadspc ? ":" : ": ", leadspc ? 1 : 2)) != 0)
	return rc;
    for (p = value; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
	size_t n = (size_t)(nl - p);

	if (n > 0 && p[n - 1] == '\r')
	    n--;
	if ((rc = spool_write(s, p, n)) != 0
	    || (rc = spool_write(s, "\r\n", 2)) != 0)
	    return rc;
    }
    if ((rc = spool_write(s, p, strlen(p))) != 0
	|| (rc = spool_write(s, "\r\n", 2)) != 0)
	return rc;
    s->headers++;
    return 0;
}

/* spool_end_headers - the separator line */
int spool_end_headers(spool *s)
{
    return spool_write(s, "\r\n", 2);
}

/* spool_body - one body chunk */
int spool_body(spool *s, const unsigned char *data, size_t len)
{
    size_t i;
    int rc;

    /* findings are counted on what arrived, the cap or not */
    for (i = 0; i < len; i++) {
	if (s->last_cr && data[i] != '\n')
	    s->bare_cr++;
	s->last_cr = data[i] == '\r';
	if (data[i] == '\0')
	    s->nul++;
    }
    if ((rc = spool_write(s, data, len)) == 0)
	s->body_bytes += len;
    return rc;
}

/* spool_finish - flush and rewind */
int spool_finish(spool *s)
{
    if (s->fd < 0 || s->error || spool_flush(s) < 0)
	return -1;
    if (lseek(s->fd, 0, SEEK_SET) < 0) {
	s->error = errno;
	return -1;
    }
    return s->fd;
}

/* spool_close - close and forget */
void spool_close(spool *s)
{
    if (s->fd >= 0)
	close(s->fd);
    s->fd = -1;
    s->buffered = 0;
}

/* spool_remove_tree - remove directory name in dirfd with all it
 *	holds, never following a link; 0, or -1 if anything stays */
static int spool_remove_tree(int dirfd, const char *name, int depth)
{
    struct dirent *de;
    struct stat st;
    int fd, rc = 0;
    DIR *d;

    if (depth > LIMITS_SWEEP_DEPTH)
	return -1;
    fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || (d = fdopendir(fd)) == NULL) {
	if (fd >= 0)
	    close(fd);
	return -1;
    }
    while ((de = readdir(d)) != NULL) {
	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
	    continue;
	if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
	    rc = -1;
	else if (S_ISDIR(st.st_mode))
	    rc |= spool_remove_tree(fd, de->d_name, depth + 1);
	else if (unlinkat(fd, de->d_name, 0) < 0)
	    rc = -1;
    }
    closedir(d);
    if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
	rc = -1;
    return rc;
}

/* spool_is_scantemp - a directory of libclamav's, "NAME-scantemp.XXX",
 *	owned by this process's user */
static int spool_is_scantemp(int dirfd, const char *name)
{
    struct stat st;

    return strstr(name, SPOOL_SCANTEMP) != NULL
	&& fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
	&& S_ISDIR(st.st_mode) && st.st_uid == geteuid();
}

/* spool_sweep - remove stale named spool files and scan directories */
int spool_sweep(const char *dir)
{
    struct dirent *de;
    DIR *d;
    int n = 0;

    if ((d = opendir(dir)) == NULL)
	return -1;
    while ((de = readdir(d)) != NULL) {
	if (strncmp(de->d_name, SPOOL_PREFIX, sizeof SPOOL_PREFIX - 1) == 0) {
	    if (unlinkat(dirfd(d), de->d_name, 0) == 0)
		n++;
	} else if (spool_is_scantemp(dirfd(d), de->d_name)
		   && spool_remove_tree(dirfd(d), de->d_name, 0) == 0) {
	    n++;
	}
    }
    closedir(d);
    return n;
}
