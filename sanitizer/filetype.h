/*
 * NAME
 *	filetype - the true type of content, from its bytes (libmagic)
 * DESCRIPTION
 *	Names and declared types are hints an attacker writes; the type that
 *	counts is the one libmagic finds in the content. libmagic cookies are
 *	not thread-safe: each detection has one to itself, from a pool.
 */
#ifndef MUGAI_FILETYPE_H
#define MUGAI_FILETYPE_H

#include <stddef.h>

typedef enum {
    FILETYPE_UNKNOWN = 0, FILETYPE_TEXT, FILETYPE_HTML, FILETYPE_IMAGE,
    FILETYPE_PDF, FILETYPE_OFFICE_OLE, FILETYPE_OFFICE_XML, FILETYPE_ODF,
    FILETYPE_ARCHIVE, FILETYPE_EXECUTABLE, FILETYPE_SCRIPT, FILETYPE_MESSAGE,
    FILETYPE_AUDIO, FILETYPE_VIDEO, FILETYPE_EMPTY, FILETYPE_BINARY
} filetype_family;

/*
 * filetype_detect - MIME type of the first len bytes of some content,
 * malloc'ed ("application/octet-stream" when libmagic cannot tell), or
 * NULL when libmagic is unusable (the caller fails closed).
 */
char *filetype_detect(const void *buf, size_t len);

/*
 * filetype_detect_light - filetype_detect, but with light set the magic
 * file's text rules are skipped: for content already known to be text
 * (no NUL, no binary signature) that is to be shown as text anyway, where
 * those rules would only name the kind of text at many times the cost.
 */
char *filetype_detect_light(const void *buf, size_t len, int light);

/* filetype_family_of - the family of a MIME type (detected or declared) */
filetype_family filetype_family_of(const char *mime);

/* filetype_family_of_name - the family a file name's extension claims */
filetype_family filetype_family_of_name(const char *name);

/* filetype_family_name - a short word for a family, for findings */
const char *filetype_family_name(filetype_family f);

/*
 * filetype_idle_cookies - cookies of a kind (0 full, 1 light) waiting in
 * the pool: at most as many as detections ever ran at once
 */
size_t filetype_idle_cookies(int light);

/* filetype_done - close the pooled libmagic cookies (at exit) */
void filetype_done(void);

#endif
