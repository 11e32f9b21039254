/*
 * NAME
 *	vault_file - careful file operations for the vault and exports
 * DESCRIPTION
 *	See vault_file.h. Durability follows the usual recipe: data fsync,
 *	then rename, then directory fsync.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include "vault/vault_file.h"
#include "sanitizer/digest.h"
#include "sanitizer/fdio.h"

#define VAULT_FILE_CHUNK	(64u * 1024)

/* vault_file_tmp_open - a new private (0600) temporary file in dir */
int vault_file_tmp_open(vault_file_tmp *t, const char *dir)
{
    int n = snprintf(t->path, sizeof(t->path), "%s/.tmp.XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof(t->path)) {
        errno = ENAMETOOLONG;
        t->fd = -1;
        return -1;
    }
    t->fd = mkostemp(t->path, O_CLOEXEC);
    if (t->fd < 0)
        return -1;
    /* mkostemp uses 0600 already; make it explicit against odd umasks. */
    if (fchmod(t->fd, 0600) < 0) {
        vault_file_tmp_discard(t);
        return -1;
    }
    return 0;
}

/* vault_file_tmp_discard - close and remove an uncommitted temporary file */
void vault_file_tmp_discard(vault_file_tmp *t)
{
    int e = errno;
    if (t->fd >= 0) {
        close(t->fd);
        t->fd = -1;
        unlink(t->path);
    }
    errno = e;
}

/* vault_file_parent - the directory part of path into buf */
static void vault_file_parent(const char *path, char *buf, size_t len)
{
    snprintf(buf, len, "%s", path);
    char *s = strrchr(buf, '/');
    if (!s)
        snprintf(buf, len, ".");
    else if (s == buf)
        buf[1] = 0;
    else
        *s = 0;
}

/* vault_file_sync_dir - fsync a directory so a rename in it is durable */
int vault_file_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* vault_file_commit - fsync, close and name the temporary file */
int vault_file_commit(vault_file_tmp *t, const char *final, int no_replace)
{
    if (fsync(t->fd) < 0) {
        vault_file_tmp_discard(t);
        return -1;
    }
    if (close(t->fd) < 0) {
        t->fd = -1;
        int e = errno;
        unlink(t->path);
        errno = e;
        return -1;
    }
    t->fd = -1;
    int rc;
    if (no_replace) {
        rc = link(t->path, final);
        int e = errno;
        unlink(t->path);
        errno = e;
    } else {
        rc = rename(t->path, final);
        if (rc < 0) {
            int e = errno;
            unlink(t->path);
            errno = e;
        }
    }
    if (rc < 0)
        return -1;
    char dir[4096];
    vault_file_parent(final, dir, sizeof(dir));
    return vault_file_sync_dir(dir);
}

/* vault_file_write_all - write len octets, retrying short writes */
int vault_file_write_all(int fd, const void *buf, size_t len)
{
    return fdio_write_all(fd, buf, len);
}

/* vault_file_hex - lower-case hex of n octets */
void vault_file_hex(const unsigned char *d, size_t n, char *out)
{
    digest_hex(d, n, out);
}

/* vault_file_copy - copy in to out (or only hash when out < 0) */
int vault_file_copy(int in, int out, char sha256[65], unsigned long long *size)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char *buf = malloc(VAULT_FILE_CHUNK);
    int rc = -1;
    off_t off = 0;
    if (!md || !buf || EVP_DigestInit_ex(md, digest_sha256(), NULL) != 1) {
        errno = ENOMEM;
        goto done;
    }
    for (;;) {
        ssize_t n = pread(in, buf, VAULT_FILE_CHUNK, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto done;
        if (n == 0)
            break;
        if (EVP_DigestUpdate(md, buf, (size_t)n) != 1) {
            errno = EIO;
            goto done;
        }
        if (out >= 0 && vault_file_write_all(out, buf, (size_t)n) < 0)
            goto done;
        off += n;
    }
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    if (EVP_DigestFinal_ex(md, d, &dlen) != 1 || dlen != 32) {
        errno = EIO;
        goto done;
    }
    vault_file_hex(d, 32, sha256);
    if (size)
        *size = (unsigned long long)off;
    rc = 0;
done:
    {
        int e = errno;
        EVP_MD_CTX_free(md);
        free(buf);
        errno = e;
    }
    return rc;
}

/* vault_file_mkdir - create dir with mode and group if missing */
int vault_file_mkdir(const char *dir, mode_t mode, gid_t gid)
{
    if (mkdir(dir, mode & 0777) < 0)
        return errno == EEXIST ? 0 : -1;
    /* mkdir honours the umask and ignores set-gid: set both explicitly. */
    if (gid != (gid_t)-1 && chown(dir, (uid_t)-1, gid) < 0)
        return -1;
    if (chmod(dir, mode) < 0)
        return -1;
    char parent[4096];
    vault_file_parent(dir, parent, sizeof(parent));
    return vault_file_sync_dir(parent);
}

/* vault_file_shred - overwrite with zeros, fsync, remove */
int vault_file_shred(const char *path)
{
    int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    struct stat st;
    int rc = fstat(fd, &st);
    if (rc == 0 && S_ISREG(st.st_mode)) {
        /* Best effort on journaling filesystems and SSDs: see mugai-quarantine(1). */
        unsigned char *zero = calloc(1, VAULT_FILE_CHUNK);
        if (!zero)
            rc = -1;
        for (off_t off = 0; rc == 0 && off < st.st_size; ) {
            size_t n = (size_t)(st.st_size - off) < VAULT_FILE_CHUNK
                       ? (size_t)(st.st_size - off) : VAULT_FILE_CHUNK;
            ssize_t w = pwrite(fd, zero, n, off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                rc = -1;
            else
                off += w;
        }
        free(zero);
        if (rc == 0)
            rc = fsync(fd);
    }
    int e = errno;
    close(fd);
    if (rc == 0 && unlink(path) < 0)
        return -1;
    errno = e;
    return rc;
}

/* vault_file_disk_full - errno values that mean "no room" */
int vault_file_disk_full(int e)
{
    return e == ENOSPC || e == EFBIG || e == EDQUOT;
}
