/*
 * NAME
 *	archive_priv - what the archive readers share (not for other modules)
 * DESCRIPTION
 *	A walker holds the limits and the running totals of one part; an
 *	extraction (archive_out) collects one member's bytes, enforcing the
 *	member, total and ratio limits as they are written.
 */
#ifndef MUGAI_ARCHIVE_PRIV_H
#define MUGAI_ARCHIVE_PRIV_H

#include <openssl/evp.h>
#include "sanitizer/archive.h"

typedef struct archive_walker {
    const archive_limits *lim;
    const char	*tmpdir;
    archive_visit visit;
    void	*ctx;
    archive_result *res;
} archive_walker;

typedef struct archive_out {
    archive_walker *w;
    unsigned char *buf;		/* content while small */
    size_t	len;
    int		fd;		/* temp file once larger than the buffer */
    EVP_MD_CTX	*sha;
    unsigned long long size;
    unsigned long long comp;	/* compressed size for the ratio, 0 = unknown */
    unsigned long long ratio_base;	/* earlier output judged against the same comp */
} archive_out;

/* archive_fail - record the first non-OK status and its reason; returns -1 */
int archive_fail(archive_walker *w, archive_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* archive_count_member - count one more member against max_members; -1 when over */
int archive_count_member(archive_walker *w);

/* archive_out_begin - start collecting one member */
int archive_out_begin(archive_out *o, archive_walker *w, unsigned long long comp);

/* archive_out_write - add decompressed bytes; -1 (status set) at a limit or error */
int archive_out_write(archive_out *o, const void *buf, size_t len);

/* archive_out_free - release an extraction */
void archive_out_free(archive_out *o);

/*
 * archive_emit - hand a finished member (o may be NULL for an encrypted
 * one) to the visitor and walk into it if it is an archive. raw_name is
 * the name's bytes as stored; utf8_flag says the archive marked it UTF-8.
 */
int archive_emit(archive_walker *w, archive_kind container, unsigned depth,
                 const char *prefix, unsigned index, const char *raw_name,
                 int utf8_flag, int encrypted, archive_out *o);

/* archive_walk_level - walk one archive of any kind at a depth */
int archive_walk_level(archive_walker *w, int fd, archive_kind kind, unsigned depth,
                       const char *prefix);

/* archive_zip_walk - the libzip reader */
int archive_zip_walk(archive_walker *w, int fd, unsigned depth, const char *prefix);

/* archive_libarchive_walk - the libarchive reader (every kind but zip) */
int archive_libarchive_walk(archive_walker *w, int fd, archive_kind kind, unsigned depth,
                            const char *prefix);

#endif
