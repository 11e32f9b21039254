/*
 * NAME
 *	archive - look inside archives, recursively, within limits
 * DESCRIPTION
 *	zip is read with libzip (member names: UTF-8 when flagged, otherwise
 *	UTF-8 if valid, else CP932 converted, as Japanese archivers write
 *	them); gzip, bzip2, xz, tar, 7z, rar, lzh and cab with libarchive.
 *	Every member is decompressed once into a bounded buffer or a private
 *	unlinked temp file, hashed, and handed to a visitor (which detects
 *	its type and scans it); a member that is itself an archive is walked
 *	in turn. Limits count the bytes actually decompressed, never the
 *	sizes the archive claims: depth, members, total bytes, bytes per
 *	member and compression ratio. Encrypted members are reported, not
 *	read. The archive descriptor given is never closed or moved for the
 *	caller's other uses (a duplicate is read).
 */
#ifndef MUGAI_ARCHIVE_H
#define MUGAI_ARCHIVE_H

#include <stddef.h>

typedef struct archive_limits {
    unsigned	max_depth;		/* 1 = members of the part itself only */
    unsigned	max_members;		/* all levels of one part */
    unsigned long long max_total;	/* decompressed bytes of one part */
    unsigned long long max_member_size;	/* decompressed bytes of one member */
    unsigned	max_ratio;		/* decompressed : compressed */
} archive_limits;

typedef enum {
    ARCHIVE_KIND_NONE = 0, ARCHIVE_KIND_ZIP, ARCHIVE_KIND_GZIP, ARCHIVE_KIND_BZIP2,
    ARCHIVE_KIND_XZ, ARCHIVE_KIND_TAR, ARCHIVE_KIND_7Z, ARCHIVE_KIND_RAR,
    ARCHIVE_KIND_LZH, ARCHIVE_KIND_CAB
} archive_kind;

typedef enum {
    ARCHIVE_WALK_OK = 0,		/* every member visited */
    ARCHIVE_WALK_LIMIT,		/* a limit stopped the walk (why says which) */
    ARCHIVE_WALK_CORRUPT,		/* the archive (or a nested one) cannot be read */
    ARCHIVE_WALK_STOPPED,		/* the visitor asked to stop */
    ARCHIVE_WALK_ERROR		/* I/O error or out of memory: fail the message */
} archive_status;

typedef struct archive_member {
    const char	*name;		/* valid UTF-8 for display (converted if needed) */
    const char	*path;		/* position: "3", "3/1" (1-based, per level) */
    unsigned	depth;		/* 1 = directly inside the part */
    archive_kind container;	/* the archive it came from */
    unsigned long long size;	/* octets actually decompressed */
    int		encrypted;	/* not read: size is 0, no content */
    int		name_cp932;	/* the name was converted from CP932 */
    char	sha256[65];	/* of the content ("" when encrypted) */
    const unsigned char *data;	/* whole content when small, else NULL */
    int		fd;		/* temp file with the content when large, else -1 */
    const unsigned char *head;	/* first bytes, for type detection */
    size_t	head_len;
    archive_kind kind;		/* the member is itself an archive of this kind */
} archive_member;

/* archive_visit - called for each member; return 0 to go on, -1 to stop */
typedef int (*archive_visit)(void *ctx, const archive_member *m);

typedef struct archive_result {
    archive_status status;
    char	why[256];	/* limit or corruption, one line; "" when OK */
    unsigned	members;	/* members seen (directories included) */
    unsigned	encrypted;	/* members that are encrypted */
    unsigned	depth;		/* deepest level reached */
    unsigned long long total;	/* octets decompressed */
} archive_result;

/* archive_limits_defaults - the built-in limits (sanitizer/limits.h) */
void archive_limits_defaults(archive_limits *l);

/* archive_detect - the archive kind of content from its first bytes */
archive_kind archive_detect(const unsigned char *head, size_t len);

/* archive_kind_name - "zip", "gzip", "7z", ... ("" for none) */
const char *archive_kind_name(archive_kind k);

/*
 * archive_walk - visit every member of the archive of the given kind in
 * fd (read from offset 0 through a duplicate), recursing into nested
 * archives, within lim. Temp files go to tmpdir. Fills *res and returns
 * 0, or -1 when res->status is ARCHIVE_WALK_ERROR.
 */
int archive_walk(int fd, archive_kind kind, const archive_limits *lim,
                 const char *tmpdir, archive_visit visit, void *ctx,
                 archive_result *res);

#endif
