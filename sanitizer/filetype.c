/*
 * NAME
 *	filetype - the true type of content, from its bytes (libmagic)
 * DESCRIPTION
 *	libmagic cookies are not thread-safe but can move between threads,
 *	so they are pooled: a detection takes one, uses it alone and gives
 *	it back. Loading one costs about two milliseconds, which a thread
 *	per milter connection would pay for every message. magic_open and
 *	magic_load run under a mutex because concurrent cookie creation has
 *	been reported unsafe. The family tables map MIME types and file name
 *	extensions to coarse families so that a mismatch (an executable
 *	named .pdf) can be reported.
 */
#include <magic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sanitizer/filetype.h"
#include "sanitizer/limits.h"

/* Idle cookies, full [0] and light [1]; one lock for both lists. */
static magic_t filetype_idle[2][LIMITS_FILETYPE_IDLE_COOKIES];
static size_t filetype_nidle[2];
static pthread_mutex_t filetype_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t filetype_load_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * filetype_take - an idle cookie, or a new one. The light cookie skips
 * the magic file's text rules (regular expressions over the whole
 * sample), which cost far more than the rest for text content.
 */
static magic_t filetype_take(int light)
{
    magic_t m = NULL;

    pthread_mutex_lock(&filetype_pool_lock);
    if (filetype_nidle[light])
        m = filetype_idle[light][--filetype_nidle[light]];
    pthread_mutex_unlock(&filetype_pool_lock);
    if (m)
        return m;
    pthread_mutex_lock(&filetype_load_lock);
    /* No decompression: archives are opened by our own bounded code. */
    m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS |
                   (light ? MAGIC_NO_CHECK_SOFT : 0));
    if (m && magic_load(m, NULL) != 0) {
        magic_close(m);
        m = NULL;
    }
    pthread_mutex_unlock(&filetype_load_lock);
    return m;
}

/* filetype_give - a cookie back to the pool; closed when the pool is full */
static void filetype_give(magic_t m, int light)
{
    pthread_mutex_lock(&filetype_pool_lock);
    if (filetype_nidle[light] < LIMITS_FILETYPE_IDLE_COOKIES) {
        filetype_idle[light][filetype_nidle[light]++] = m;
        m = NULL;
    }
    pthread_mutex_unlock(&filetype_pool_lock);
    if (m)
        magic_close(m);
}

/* filetype_idle_cookies - idle cookies of a kind (0 full, 1 light) */
size_t filetype_idle_cookies(int light)
{
    pthread_mutex_lock(&filetype_pool_lock);
    size_t n = filetype_nidle[light != 0];
    pthread_mutex_unlock(&filetype_pool_lock);
    return n;
}

/* filetype_done - close the idle cookies */
void filetype_done(void)
{
    pthread_mutex_lock(&filetype_pool_lock);
    for (int k = 0; k < 2; k++)
        while (filetype_nidle[k])
            magic_close(filetype_idle[k][--filetype_nidle[k]]);
    pthread_mutex_unlock(&filetype_pool_lock);
}

/*
 * filetype_textlike - no NUL and almost no control octets in the first
 * LIMITS_FILETYPE_TEXT_PROBE bytes: text in some charset, where only the
 * kind of text is left to tell
 */
static int filetype_textlike(const unsigned char *s, size_t len)
{
    size_t n = len < LIMITS_FILETYPE_TEXT_PROBE ? len : LIMITS_FILETYPE_TEXT_PROBE, ctl = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0)
            return 0;
        if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\f' &&
            s[i] != 0x1b)
            ctl++;
    }
    return ctl * 100 <= n;
}

typedef struct { const char *prefix; const char *mime; } filetype_sniff;

/* Formats that are text underneath and matter for the type rules, by how they begin. */
static const filetype_sniff filetype_sniffs[] = {
    { "%PDF-", "application/pdf" },
    { "<svg", "image/svg+xml" },
    { "<?php", "text/x-php" },
    { "{\\rtf", "text/rtf" },
    { "#!", "text/x-shellscript" },
    { "%!PS", "application/postscript" },
    { "<?xml", "text/xml" },
    { "<!doctype html", "text/html" },
    { "<html", "text/html" },
    { "<head", "text/html" },
    { "<body", "text/html" },
    { "<script", "text/html" },
    { "<hta:", "application/hta" },
};

/* filetype_sniff_text - the kind of text by its first bytes (after a BOM and white space), or NULL */
static const char *filetype_sniff_text(const unsigned char *s, size_t len)
{
    size_t i = 0;

    if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
        i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    for (size_t k = 0; k < sizeof(filetype_sniffs) / sizeof(*filetype_sniffs); k++) {
        size_t n = strlen(filetype_sniffs[k].prefix);
        if (len - i >= n && strncasecmp((const char *)s + i, filetype_sniffs[k].prefix, n) == 0)
            return filetype_sniffs[k].mime;
    }
    return NULL;
}

/* filetype_detect - MIME type of content, malloc'ed */
char *filetype_detect(const void *buf, size_t len)
{
    return filetype_detect_light(buf, len, 0);
}

/* filetype_detect_light - the same, optionally without the text rules */
char *filetype_detect_light(const void *buf, size_t len, int light)
{
    if (len == 0)
        return strdup("application/x-empty");
    /* Text gets the builtin checks and our own sniffing of its first
     * bytes: libmagic's text rules compile their regular expressions on
     * every call, which costs a millisecond per small file. */
    int text = !light && filetype_textlike(buf, len);
    if (text) {
        const char *k = filetype_sniff_text(buf, len);
        if (k)
            return strdup(k);
    }
    int kind = light || text;
    magic_t m = filetype_take(kind);
    if (!m)
        return NULL;
    const char *t = magic_buffer(m, buf, len);
    char *r = strdup(t && *t ? t : "application/octet-stream");
    filetype_give(m, kind);
    return r;
}

typedef struct { const char *key; filetype_family fam; } filetype_map;

/* Exact MIME types first, then prefixes (ending in '/' or '*'). */
static const filetype_map filetype_mimes[] = {
    { "application/pdf", FILETYPE_PDF },
    { "application/msword", FILETYPE_OFFICE_OLE },
    { "application/vnd.ms-excel", FILETYPE_OFFICE_OLE },
    { "application/vnd.ms-powerpoint", FILETYPE_OFFICE_OLE },
    { "application/vnd.ms-office", FILETYPE_OFFICE_OLE },
    { "application/cdfv2", FILETYPE_OFFICE_OLE },
    { "application/x-ole-storage", FILETYPE_OFFICE_OLE },
    { "application/vnd.ms-outlook", FILETYPE_OFFICE_OLE },
    { "text/rtf", FILETYPE_OFFICE_OLE },
    { "application/rtf", FILETYPE_OFFICE_OLE },
    { "application/vnd.openxmlformats-officedocument.*", FILETYPE_OFFICE_XML },
    { "application/vnd.ms-excel.*", FILETYPE_OFFICE_XML },
    { "application/vnd.ms-word.*", FILETYPE_OFFICE_XML },
    { "application/vnd.ms-powerpoint.*", FILETYPE_OFFICE_XML },
    { "application/vnd.oasis.opendocument.*", FILETYPE_ODF },
    { "application/zip", FILETYPE_ARCHIVE },
    { "application/x-zip-compressed", FILETYPE_ARCHIVE },
    { "application/gzip", FILETYPE_ARCHIVE },
    { "application/x-gzip", FILETYPE_ARCHIVE },
    { "application/x-tar", FILETYPE_ARCHIVE },
    { "application/x-7z-compressed", FILETYPE_ARCHIVE },
    { "application/x-rar", FILETYPE_ARCHIVE },
    { "application/vnd.rar", FILETYPE_ARCHIVE },
    { "application/x-rar-compressed", FILETYPE_ARCHIVE },
    { "application/x-lzh-compressed", FILETYPE_ARCHIVE },
    { "application/x-lha", FILETYPE_ARCHIVE },
    { "application/x-bzip2", FILETYPE_ARCHIVE },
    { "application/x-xz", FILETYPE_ARCHIVE },
    { "application/x-iso9660-image", FILETYPE_ARCHIVE },
    { "application/java-archive", FILETYPE_ARCHIVE },
    { "application/x-dosexec", FILETYPE_EXECUTABLE },
    { "application/vnd.microsoft.portable-executable", FILETYPE_EXECUTABLE },
    { "application/x-msdownload", FILETYPE_EXECUTABLE },
    { "application/x-executable", FILETYPE_EXECUTABLE },
    { "application/x-sharedlib", FILETYPE_EXECUTABLE },
    { "application/x-pie-executable", FILETYPE_EXECUTABLE },
    { "application/x-mach-binary", FILETYPE_EXECUTABLE },
    { "application/x-msi", FILETYPE_EXECUTABLE },
    { "application/x-ms-shortcut", FILETYPE_EXECUTABLE },
    { "application/javascript", FILETYPE_SCRIPT },
    { "application/x-javascript", FILETYPE_SCRIPT },
    { "text/javascript", FILETYPE_SCRIPT },
    { "application/hta", FILETYPE_SCRIPT },
    { "text/x-shellscript", FILETYPE_SCRIPT },
    { "text/x-msdos-batch", FILETYPE_SCRIPT },
    { "text/x-python", FILETYPE_SCRIPT },
    { "text/x-perl", FILETYPE_SCRIPT },
    { "text/html", FILETYPE_HTML },
    { "application/xhtml+xml", FILETYPE_HTML },
    { "message/*", FILETYPE_MESSAGE },
    { "image/*", FILETYPE_IMAGE },
    { "audio/*", FILETYPE_AUDIO },
    { "video/*", FILETYPE_VIDEO },
    { "text/*", FILETYPE_TEXT },
    { "application/x-empty", FILETYPE_EMPTY },
    { "inode/x-empty", FILETYPE_EMPTY },
    { "application/octet-stream", FILETYPE_BINARY },
};

static const filetype_map filetype_exts[] = {
    { "pdf", FILETYPE_PDF },
    { "doc", FILETYPE_OFFICE_OLE }, { "xls", FILETYPE_OFFICE_OLE },
    { "ppt", FILETYPE_OFFICE_OLE }, { "msg", FILETYPE_OFFICE_OLE },
    { "docx", FILETYPE_OFFICE_XML }, { "xlsx", FILETYPE_OFFICE_XML },
    { "pptx", FILETYPE_OFFICE_XML }, { "docm", FILETYPE_OFFICE_XML },
    { "xlsm", FILETYPE_OFFICE_XML }, { "pptm", FILETYPE_OFFICE_XML },
    { "odt", FILETYPE_ODF }, { "ods", FILETYPE_ODF }, { "odp", FILETYPE_ODF },
    { "zip", FILETYPE_ARCHIVE }, { "gz", FILETYPE_ARCHIVE }, { "tgz", FILETYPE_ARCHIVE },
    { "tar", FILETYPE_ARCHIVE }, { "7z", FILETYPE_ARCHIVE }, { "rar", FILETYPE_ARCHIVE },
    { "lzh", FILETYPE_ARCHIVE }, { "lha", FILETYPE_ARCHIVE }, { "bz2", FILETYPE_ARCHIVE },
    { "xz", FILETYPE_ARCHIVE }, { "iso", FILETYPE_ARCHIVE }, { "img", FILETYPE_ARCHIVE },
    { "jar", FILETYPE_ARCHIVE },
    { "exe", FILETYPE_EXECUTABLE }, { "dll", FILETYPE_EXECUTABLE },
    { "scr", FILETYPE_EXECUTABLE }, { "com", FILETYPE_EXECUTABLE },
    { "msi", FILETYPE_EXECUTABLE }, { "lnk", FILETYPE_EXECUTABLE },
    { "cpl", FILETYPE_EXECUTABLE }, { "sys", FILETYPE_EXECUTABLE },
    { "js", FILETYPE_SCRIPT }, { "jse", FILETYPE_SCRIPT }, { "vbs", FILETYPE_SCRIPT },
    { "vbe", FILETYPE_SCRIPT }, { "ps1", FILETYPE_SCRIPT }, { "hta", FILETYPE_SCRIPT },
    { "wsf", FILETYPE_SCRIPT }, { "bat", FILETYPE_SCRIPT }, { "cmd", FILETYPE_SCRIPT },
    { "sh", FILETYPE_SCRIPT },
    { "htm", FILETYPE_HTML }, { "html", FILETYPE_HTML },
    { "jpg", FILETYPE_IMAGE }, { "jpeg", FILETYPE_IMAGE }, { "png", FILETYPE_IMAGE },
    { "gif", FILETYPE_IMAGE }, { "bmp", FILETYPE_IMAGE }, { "tif", FILETYPE_IMAGE },
    { "tiff", FILETYPE_IMAGE }, { "webp", FILETYPE_IMAGE },
    { "txt", FILETYPE_TEXT }, { "csv", FILETYPE_TEXT },
    { "eml", FILETYPE_MESSAGE },
    { "mp3", FILETYPE_AUDIO }, { "wav", FILETYPE_AUDIO },
    { "mp4", FILETYPE_VIDEO }, { "mov", FILETYPE_VIDEO },
};

/* filetype_family_of - the family of a MIME type */
filetype_family filetype_family_of(const char *mime)
{
    if (!mime)
        return FILETYPE_UNKNOWN;
    for (size_t i = 0; i < sizeof(filetype_mimes) / sizeof(*filetype_mimes); i++) {
        const char *k = filetype_mimes[i].key;
        size_t kl = strlen(k);
        if (k[kl - 1] == '*') {
            if (strncasecmp(mime, k, kl - 1) == 0)
                return filetype_mimes[i].fam;
        } else if (strcasecmp(mime, k) == 0) {
            return filetype_mimes[i].fam;
        }
    }
    return FILETYPE_UNKNOWN;
}

/* filetype_family_of_name - the family a file name's extension claims */
filetype_family filetype_family_of_name(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot || !dot[1])
        return FILETYPE_UNKNOWN;
    for (size_t i = 0; i < sizeof(filetype_exts) / sizeof(*filetype_exts); i++)
        if (strcasecmp(dot + 1, filetype_exts[i].key) == 0)
            return filetype_exts[i].fam;
    return FILETYPE_UNKNOWN;
}

/* filetype_family_name - a short word for a family */
const char *filetype_family_name(filetype_family f)
{
    static const char *const names[] = {
        "unknown", "text", "html", "image", "pdf", "office-ole", "office-xml",
        "odf", "archive", "executable", "script", "message", "audio", "video",
        "empty", "binary",
    };
    return (size_t)f < sizeof(names) / sizeof(*names) ? names[f] : "unknown";
}
