/*
 * NAME
 *	vault_file - careful file operations for the vault and exports
 * DESCRIPTION
 *	Whole files are written to a temporary name in the target directory,
 *	fsync'ed, then renamed (or linked, to refuse overwriting) and the
 *	directory fsync'ed, so a reader never sees half a file. Errors
 *	return -1 with errno set (ENOSPC, EFBIG and EDQUOT mean a full disk).
 */
#ifndef MUGAI_VAULT_FILE_H
#define MUGAI_VAULT_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* A temporary file that becomes final by vault_file_commit. */
typedef struct vault_file_tmp {
    int		fd;
    char	path[4096];
} vault_file_tmp;

/* vault_file_tmp_open - a new private (0600) temporary file in dir */
int vault_file_tmp_open(vault_file_tmp *t, const char *dir);

/*
 * vault_file_commit - fsync and close t, then give it its final name:
 *	rename (replace) or, with no_replace, link (EEXIST if the name is
 *	taken). The temporary name is removed either way.
 */
int vault_file_commit(vault_file_tmp *t, const char *final, int no_replace);

/* vault_file_tmp_discard - close and remove an uncommitted temporary file */
void vault_file_tmp_discard(vault_file_tmp *t);

/* vault_file_sync_dir - fsync the directory holding path (or path itself if a dir) */
int vault_file_sync_dir(const char *dir);

/*
 * vault_file_copy - copy all of in (pread from offset 0) to out, with its
 *	SHA-256 (hex) and size; out may be -1 to only hash
 */
int vault_file_copy(int in, int out, char sha256[65], unsigned long long *size);

/* vault_file_write_all - write len octets, retrying short writes */
int vault_file_write_all(int fd, const void *buf, size_t len);

/* vault_file_mkdir - create dir (mode, group gid or -1) if missing; EEXIST is fine */
int vault_file_mkdir(const char *dir, mode_t mode, gid_t gid);

/* vault_file_shred - overwrite a file with zeros, fsync, remove it */
int vault_file_shred(const char *path);

/* vault_file_hex - lower-case hex of n octets into out (2n + 1) */
void vault_file_hex(const unsigned char *d, size_t n, char *out);

/* vault_file_disk_full - 1 when errno e means the disk or quota is full */
int vault_file_disk_full(int e);

#endif
