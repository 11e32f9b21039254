/*
 * NAME
 *	archive - look inside archives, recursively, within limits
 * DESCRIPTION
 *	The format-independent half: kind detection, limits, member
 *	extraction into a bounded buffer that spills to a private temp file,
 *	member names made valid UTF-8, the visitor call and the recursion.
 *	The readers are archive_zip.c (libzip) and archive_libarchive.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sanitizer/archive.h"
#include "sanitizer/digest.h"
#include "sanitizer/archive_priv.h"
#include "sanitizer/charset.h"
#include "sanitizer/limits.h"
#include "sanitizer/scan_tmpfile.h"

/* archive_limits_defaults - the built-in limits */
void archive_limits_defaults(archive_limits *l)
{
    l->max_depth = LIMITS_ARCHIVE_DEPTH_DEFAULT;
    l->max_members = LIMITS_ARCHIVE_MEMBERS_DEFAULT;
    l->max_total = LIMITS_ARCHIVE_TOTAL_DEFAULT;
    l->max_member_size = LIMITS_ARCHIVE_MEMBER_DEFAULT;
    l->max_ratio = LIMITS_ARCHIVE_RATIO_DEFAULT;
}

/* archive_at - the bytes at off equal sig */
static int archive_at(const unsigned char *h, size_t len, size_t off, const char *sig, size_t n)
{
    return len >= off + n && memcmp(h + off, sig, n) == 0;
}

/* archive_detect - the archive kind of content from its first bytes */
archive_kind archive_detect(const unsigned char *h, size_t len)
{
    if (!h)
        return ARCHIVE_KIND_NONE;
    if (archive_at(h, len, 0, "PK\3\4", 4) || archive_at(h, len, 0, "PK\5\6", 4) ||
        archive_at(h, len, 0, "PK\7\x08", 4))
        return ARCHIVE_KIND_ZIP;
    if (archive_at(h, len, 0, "\x1f\x8b", 2))
        return ARCHIVE_KIND_GZIP;
    if (archive_at(h, len, 0, "BZh", 3) && len > 3 && h[3] >= '1' && h[3] <= '9')
        return ARCHIVE_KIND_BZIP2;
    if (archive_at(h, len, 0, "\xfd" "7zXZ\0", 6))
        return ARCHIVE_KIND_XZ;
    if (archive_at(h, len, 0, "7z\xbc\xaf\x27\x1c", 6))
        return ARCHIVE_KIND_7Z;
    if (archive_at(h, len, 0, "Rar!\x1a\x07", 6))
        return ARCHIVE_KIND_RAR;
    if (archive_at(h, len, 0, "MSCF\0\0\0\0", 8))
        return ARCHIVE_KIND_CAB;
    /* LHA: "-lh5-" (or -lzs-, -lz5-, -lhd-) at offset 2 */
    if (len >= 7 && h[2] == '-' && h[3] == 'l' && (h[4] == 'h' || h[4] == 'z') && h[6] == '-')
        return ARCHIVE_KIND_LZH;
    if (archive_at(h, len, 257, "ustar", 5))
        return ARCHIVE_KIND_TAR;
    return ARCHIVE_KIND_NONE;
}

/* archive_kind_name - the kind as a word */
const char *archive_kind_name(archive_kind k)
{
    static const char *const n[] = { "", "zip", "gzip", "bzip2", "xz", "tar", "7z",
                                     "rar", "lzh", "cab" };
    return (unsigned)k < sizeof(n) / sizeof(*n) ? n[k] : "";
}

/* archive_fail - record the first non-OK status */
int archive_fail(archive_walker *w, archive_status st, const char *fmt, ...)
{
    if (w->res->status == ARCHIVE_WALK_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->res->why, sizeof(w->res->why), fmt, ap);
        va_end(ap);
        w->res->status = st;
    }
    return -1;
}

/* archive_count_member - one more member against the limit */
int archive_count_member(archive_walker *w)
{
    if (++w->res->members > w->lim->max_members)
        return archive_fail(w, ARCHIVE_WALK_LIMIT, "more than %u archive members",
                            w->lim->max_members);
    return 0;
}

/* archive_out_begin - start collecting one member */
int archive_out_begin(archive_out *o, archive_walker *w, unsigned long long comp)
{
    memset(o, 0, sizeof(*o));
    o->w = w;
    o->fd = -1;
    o->comp = comp;
    o->buf = malloc(LIMITS_SCAN_MEM_MEMBER);
    o->sha = EVP_MD_CTX_new();
    if (!o->buf || !o->sha || EVP_DigestInit_ex(o->sha, digest_sha256(), NULL) != 1) {
        archive_out_free(o);
        return archive_fail(w, ARCHIVE_WALK_ERROR, "out of memory");
    }
    return 0;
}

/* archive_out_write - add decompressed bytes, enforcing the limits */
int archive_out_write(archive_out *o, const void *buf, size_t len)
{
    archive_walker *w = o->w;
    const archive_limits *l = w->lim;

    o->size += len;
    w->res->total += len;
    if (o->size > l->max_member_size)
        return archive_fail(w, ARCHIVE_WALK_LIMIT, "archive member larger than %llu bytes",
                            l->max_member_size);
    if (w->res->total > l->max_total)
        return archive_fail(w, ARCHIVE_WALK_LIMIT, "archive content larger than %llu bytes",
                            l->max_total);
    if (o->comp && o->size + o->ratio_base > LIMITS_ARCHIVE_RATIO_FLOOR &&
        (o->size + o->ratio_base) / o->comp >= l->max_ratio)
        return archive_fail(w, ARCHIVE_WALK_LIMIT, "archive member compressed more than %u:1",
                            l->max_ratio);
    if (EVP_DigestUpdate(o->sha, buf, len) != 1)
        return archive_fail(w, ARCHIVE_WALK_ERROR, "SHA-256 failed");
    /* The buffer keeps the first bytes (the type sample); the rest spills to disk. */
    size_t room = LIMITS_SCAN_MEM_MEMBER - o->len;
    size_t n = len < room ? len : room;
    memcpy(o->buf + o->len, buf, n);
    o->len += n;
    if (n == len)
        return 0;
    if (o->fd < 0) {
        if ((o->fd = scan_tmpfile_open(w->tmpdir)) < 0 ||
            scan_tmpfile_write(o->fd, o->buf, o->len) < 0)
            return archive_fail(w, ARCHIVE_WALK_ERROR, "cannot write temp file in %s: %s",
                                w->tmpdir, strerror(errno));
    }
    if (scan_tmpfile_write(o->fd, (const unsigned char *)buf + n, len - n) < 0)
        return archive_fail(w, ARCHIVE_WALK_ERROR, "cannot write temp file in %s: %s",
                            w->tmpdir, strerror(errno));
    return 0;
}

/* archive_out_free - release an extraction */
void archive_out_free(archive_out *o)
{
    free(o->buf);
    o->buf = NULL;
    EVP_MD_CTX_free(o->sha);
    o->sha = NULL;
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
}

/* archive_name - a member name as valid UTF-8 (malloc'ed); *cp932 set when converted */
static char *archive_name(const char *raw, int utf8_flag, int *cp932)
{
    size_t len = strnlen(raw ? raw : "", LIMITS_ARCHIVE_NAME);
    size_t outlen = 0;

    *cp932 = 0;
    if (!raw)
        return strdup("");
    if (charset_is_utf8(raw, len))
        return strndup(raw, len);
    /* Not UTF-8 although flagged: show what can be shown. */
    if (utf8_flag)
        return charset_to_utf8("UTF-8", raw, len, &outlen, NULL);
    *cp932 = 1;
    return charset_to_utf8("CP932", raw, len, &outlen, NULL);
}

/* archive_emit - hand a member to the visitor, then walk into it if it is an archive */
int archive_emit(archive_walker *w, archive_kind container, unsigned depth,
                 const char *prefix, unsigned index, const char *raw_name,
                 int utf8_flag, int encrypted, archive_out *o)
{
    archive_member m = { .depth = depth, .container = container, .encrypted = encrypted,
                         .fd = -1 };
    char path[LIMITS_MIME_PATH];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    int rc = 0;

    snprintf(path, sizeof(path), *prefix ? "%s/%u" : "%s%u", prefix, index);
    m.path = path;
    char *name = archive_name(raw_name, utf8_flag, &m.name_cp932);
    if (!name)
        return archive_fail(w, ARCHIVE_WALK_ERROR, "out of memory");
    m.name = name;
    if (encrypted)
        w->res->encrypted++;
    if (o) {
        if (EVP_DigestFinal_ex(o->sha, md, &mdlen) != 1) {
            free(name);
            return archive_fail(w, ARCHIVE_WALK_ERROR, "SHA-256 failed");
        }
        digest_hex(md, mdlen, m.sha256);
        m.size = o->size;
        m.head = o->buf;
        m.head_len = o->len < LIMITS_MAGIC_BYTES ? o->len : LIMITS_MAGIC_BYTES;
        m.data = o->fd < 0 ? o->buf : NULL;
        if (o->fd >= 0)
            m.fd = o->fd;
        m.kind = archive_detect(m.head, m.head_len);
    }
    if (depth > w->res->depth)
        w->res->depth = depth;
    if (w->visit(w->ctx, &m) < 0) {
        free(name);
        return archive_fail(w, ARCHIVE_WALK_STOPPED, "stopped");
    }
    if (m.kind != ARCHIVE_KIND_NONE) {
        if (depth + 1 > w->lim->max_depth) {
            rc = archive_fail(w, ARCHIVE_WALK_LIMIT, "archives nested deeper than %u",
                              w->lim->max_depth);
        } else {
            int fd = o->fd;
            if (fd < 0 && ((fd = scan_tmpfile_open(w->tmpdir)) < 0 ||
                           scan_tmpfile_write(fd, o->buf, o->len) < 0)) {
                if (fd >= 0)
                    close(fd);
                free(name);
                return archive_fail(w, ARCHIVE_WALK_ERROR, "cannot write temp file in %s: %s",
                                    w->tmpdir, strerror(errno));
            }
            rc = archive_walk_level(w, fd, m.kind, depth + 1, path);
            if (fd != o->fd)
                close(fd);
        }
    }
    free(name);
    return rc;
}

/* archive_walk_level - one archive of any kind */
int archive_walk_level(archive_walker *w, int fd, archive_kind kind, unsigned depth,
                       const char *prefix)
{
    if (kind == ARCHIVE_KIND_ZIP)
        return archive_zip_walk(w, fd, depth, prefix);
    return archive_libarchive_walk(w, fd, kind, depth, prefix);
}

/* archive_walk - visit every member, recursively */
int archive_walk(int fd, archive_kind kind, const archive_limits *lim,
                 const char *tmpdir, archive_visit visit, void *ctx,
                 archive_result *res)
{
    archive_walker w = { .lim = lim, .tmpdir = tmpdir, .visit = visit, .ctx = ctx, .res = res };

    memset(res, 0, sizeof(*res));
    if (kind == ARCHIVE_KIND_NONE) {
        archive_fail(&w, ARCHIVE_WALK_CORRUPT, "not an archive");
        return 0;
    }
    archive_walk_level(&w, fd, kind, 1, "");
    return res->status == ARCHIVE_WALK_ERROR ? -1 : 0;
}
