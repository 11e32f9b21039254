/*
 * NAME
 *	archive_libarchive - read the other archive kinds with libarchive
 * DESCRIPTION
 *	gzip, bzip2 and xz holding a single file are read as one member (the
 *	"raw" format); tar (compressed or not), 7z, rar, lzh and cab member
 *	by member. Entry names are taken as stored bytes (LZH and old zip
 *	tools write CP932). Compressed sizes per member are not known to
 *	libarchive, so the ratio is judged on the whole archive: bytes
 *	decompressed so far against the archive's size.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <archive.h>
#include <archive_entry.h>
#include "sanitizer/archive_priv.h"
#include "sanitizer/limits.h"

/* archive_libarchive_member - extract the current entry */
static int archive_libarchive_member(archive_walker *w, struct archive *a,
                                     struct archive_entry *ent, archive_kind kind,
                                     unsigned long long archive_size, unsigned depth,
                                     const char *prefix, unsigned index)
{
    const char *raw = archive_entry_pathname(ent);
    archive_out o;
    unsigned char buf[LIMITS_IO_CHUNK / 4];

    if (!raw)
        raw = "";
    if (archive_entry_is_encrypted(ent))
        return archive_emit(w, kind, depth, prefix, index, raw, 0, 1, NULL);
    /* The whole archive's size: the ratio check then bounds the total. */
    if (archive_out_begin(&o, w, archive_size) < 0)
        return -1;
    o.ratio_base = w->res->total;
    int rc = 0;
    for (;;) {
        la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
        if (n < 0) {
            rc = archive_fail(w, ARCHIVE_WALK_CORRUPT, "%s member %u cannot be read: %s",
                              archive_kind_name(kind), index, archive_error_string(a));
            break;
        }
        if (n == 0)
            break;
        if (archive_out_write(&o, buf, (size_t)n) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0)
        rc = archive_emit(w, kind, depth, prefix, index, raw, 0, 0, &o);
    archive_out_free(&o);
    return rc;
}

/* archive_libarchive_walk - every entry of one archive */
int archive_libarchive_walk(archive_walker *w, int fd, archive_kind kind, unsigned depth,
                            const char *prefix)
{
    struct stat sb;
    int dfd = dup(fd);

    if (dfd < 0 || fstat(dfd, &sb) < 0 || lseek(dfd, 0, SEEK_SET) < 0) {
        if (dfd >= 0)
            close(dfd);
        return archive_fail(w, ARCHIVE_WALK_ERROR, "cannot read archive: %s", strerror(errno));
    }
    struct archive *a = archive_read_new();
    if (!a) {
        close(dfd);
        return archive_fail(w, ARCHIVE_WALK_ERROR, "out of memory");
    }
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    /* A lone compressed file is one member; "raw" bids last, after tar. */
    if (kind == ARCHIVE_KIND_GZIP || kind == ARCHIVE_KIND_BZIP2 || kind == ARCHIVE_KIND_XZ)
        archive_read_support_format_raw(a);
    int rc = 0;
    if (archive_read_open_fd(a, dfd, LIMITS_IO_CHUNK) != ARCHIVE_OK) {
        rc = archive_fail(w, ARCHIVE_WALK_CORRUPT, "%s cannot be opened: %s",
                          archive_kind_name(kind), archive_error_string(a));
    }
    for (unsigned index = 1; rc == 0; index++) {
        struct archive_entry *ent;
        int r = archive_read_next_header(a, &ent);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            rc = archive_fail(w, ARCHIVE_WALK_CORRUPT, "%s is corrupt: %s",
                              archive_kind_name(kind), archive_error_string(a));
            break;
        }
        if (archive_count_member(w) < 0) {
            rc = -1;
            break;
        }
        if (archive_entry_filetype(ent) != AE_IFREG && archive_entry_filetype(ent) != 0) {
            archive_read_data_skip(a);
            continue;	/* directories, links, devices: nothing to read */
        }
        rc = archive_libarchive_member(w, a, ent, kind, (unsigned long long)sb.st_size,
                                       depth, prefix, index);
    }
    archive_read_free(a);
    close(dfd);
    return rc;
}
