/*
 * NAME
 *	archive_zip - read zip archives with libzip
 * DESCRIPTION
 *	Opens a duplicate of the descriptor (libzip owns and closes what it
 *	opens) with consistency checks, rejects archives whose entries
 *	claim more compressed data than the file holds (overlapping entries,
 *	the "better zip bomb"), and reads every member through the bounded
 *	extraction of archive.c. A member's name is taken as stored; whether
 *	it is flagged UTF-8 shows in libzip's strict reading (which converts
 *	unflagged names from CP437) differing from the raw bytes.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zip.h>
#include "sanitizer/archive_priv.h"
#include "sanitizer/limits.h"

/* archive_zip_utf8_flag - 1 if the entry's name is flagged UTF-8 (or is ASCII) */
static int archive_zip_utf8_flag(zip_t *za, zip_uint64_t i, const char *raw)
{
    const char *strict = zip_get_name(za, i, ZIP_FL_ENC_STRICT);
    return strict && strcmp(strict, raw) == 0;
}

/* archive_zip_member - extract one entry */
static int archive_zip_member(archive_walker *w, zip_t *za, zip_uint64_t i,
                              const zip_stat_t *st, unsigned depth, const char *prefix)
{
    const char *raw = zip_get_name(za, i, ZIP_FL_ENC_RAW);
    int flag = raw ? archive_zip_utf8_flag(za, i, raw) : 0;
    archive_out o;
    unsigned char buf[LIMITS_IO_CHUNK / 4];

    if (!raw)
        raw = "";
    if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) && st->encryption_method != ZIP_EM_NONE)
        return archive_emit(w, ARCHIVE_KIND_ZIP, depth, prefix, (unsigned)i + 1, raw, flag, 1, NULL);
    if (archive_out_begin(&o, w, (st->valid & ZIP_STAT_COMP_SIZE) ? st->comp_size : 0) < 0)
        return -1;
    zip_file_t *zf = zip_fopen_index(za, i, 0);
    if (!zf) {
        archive_out_free(&o);
        return archive_fail(w, ARCHIVE_WALK_CORRUPT, "zip member %llu cannot be opened: %s",
                            (unsigned long long)i + 1, zip_strerror(za));
    }
    int rc = 0;
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, sizeof(buf));
        if (n < 0) {
            rc = archive_fail(w, ARCHIVE_WALK_CORRUPT, "zip member %llu cannot be read: %s",
                              (unsigned long long)i + 1, zip_file_strerror(zf));
            break;
        }
        if (n == 0)
            break;
        if (archive_out_write(&o, buf, (size_t)n) < 0) {
            rc = -1;
            break;
        }
    }
    zip_fclose(zf);
    if (rc == 0)
        rc = archive_emit(w, ARCHIVE_KIND_ZIP, depth, prefix, (unsigned)i + 1, raw, flag, 0, &o);
    archive_out_free(&o);
    return rc;
}

/* archive_zip_walk - every entry of one zip */
int archive_zip_walk(archive_walker *w, int fd, unsigned depth, const char *prefix)
{
    struct stat sb;
    int err = 0;
    int dfd = dup(fd);

    if (dfd < 0 || fstat(dfd, &sb) < 0 || lseek(dfd, 0, SEEK_SET) < 0) {
        if (dfd >= 0)
            close(dfd);
        return archive_fail(w, ARCHIVE_WALK_ERROR, "cannot read archive: %s", strerror(errno));
    }
    zip_t *za = zip_fdopen(dfd, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!za) {
        close(dfd);	/* on failure libzip leaves it to us */
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        archive_fail(w, err == ZIP_ER_MEMORY ? ARCHIVE_WALK_ERROR : ARCHIVE_WALK_CORRUPT,
                     "zip cannot be opened: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    zip_int64_t n = zip_get_num_entries(za, 0);
    unsigned long long claimed = 0;
    int rc = 0;

    /* Entries own disjoint stretches of the file: more than it holds means overlap. */
    for (zip_int64_t i = 0; i < n && rc == 0; i++) {
        zip_stat_t st;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0) {
            rc = archive_fail(w, ARCHIVE_WALK_CORRUPT, "zip entry %lld unreadable", (long long)i + 1);
            break;
        }
        if (st.valid & ZIP_STAT_COMP_SIZE)
            claimed += st.comp_size + 30;
        if (claimed > (unsigned long long)sb.st_size)
            rc = archive_fail(w, ARCHIVE_WALK_LIMIT, "zip entries overlap (more compressed data "
                              "claimed than the file holds)");
    }
    for (zip_int64_t i = 0; i < n && rc == 0; i++) {
        zip_stat_t st;
        if (archive_count_member(w) < 0 || zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0) {
            rc = archive_fail(w, ARCHIVE_WALK_CORRUPT, "zip entry %lld unreadable", (long long)i + 1);
            break;
        }
        size_t nl = (st.valid & ZIP_STAT_NAME) && st.name ? strlen(st.name) : 0;
        if (nl && st.name[nl - 1] == '/' && st.size == 0)
            continue;	/* a directory */
        rc = archive_zip_member(w, za, (zip_uint64_t)i, &st, depth, prefix);
    }
    zip_discard(za);
    return rc;
}
