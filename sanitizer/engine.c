/*
 * NAME
 *	engine - the one entry point that sanitizes a message
 * DESCRIPTION
 *	engine_run parses the message with GMime from a seekable descriptor
 *	(persist mode: part contents stay on disk), walks every node itself
 *	(multiparts, leaves and message/rfc822 parts alike, so forwarded
 *	messages are never skipped), streams each leaf once through the
 *	transfer decoder into SHA-256, a size count, a libmagic sample and,
 *	for body text, a bounded text buffer, and then hands the collected
 *	text to textmail, which builds the output. Every text, and the
 *	collected body once more, has its encoded files cut out (bincut) and
 *	its control characters made visible (textsafe) before it is shown. Limits and the time budget
 *	are checked while walking and streaming; any failure becomes a
 *	TEMPFAIL verdict, so a half-built message is never delivered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <openssl/evp.h>
#include "sanitizer/engine.h"
#include "sanitizer/engine_ctx.h"
#include "sanitizer/decode.h"
#include "sanitizer/digest.h"
#include "sanitizer/fdio.h"
#include "sanitizer/filetype.h"
#include "sanitizer/frame.h"
#include "sanitizer/hdrdecode.h"
#include "sanitizer/htmltext.h"
#include "sanitizer/charset.h"
#include "sanitizer/limits.h"
#include "sanitizer/notice.h"
#include "sanitizer/archive.h"
#include "sanitizer/scan.h"
#include "sanitizer/scan_tmpfile.h"
#include "sanitizer/typerules.h"
#include "sanitizer/textcover.h"
#include "sanitizer/textmail.h"
#include "sanitizer/bincut.h"
#include "sanitizer/textsafe.h"
#include "sanitizer/urlfilter.h"
#include "sanitizer/utf8.h"

/* engine_global_init - once per process, before threads */
void engine_global_init(void)
{
    g_mime_init();
    xmlInitParser();
    (void)scan_global_init();	/* a failure shows when a database is loaded */
    digest_init();
}

/* engine_global_done - undo engine_global_init at exit */
void engine_global_done(void)
{
    /* the current virus engine: libclamav keeps parts of it where a leak
     * checker cannot follow them, so it is freed, not left to the exit */
    scan_install(NULL);
    filetype_done();
    digest_done();
    g_mime_shutdown();
    xmlCleanupParser();
}

/* engine_verdict_name - the verdict as a word */
const char *engine_verdict_name(engine_verdict v)
{
    switch (v) {
    case ENGINE_SANITIZED:	return "sanitized";
    case ENGINE_REJECT:		return "reject";
    case ENGINE_QUARANTINE:	return "quarantine";
    case ENGINE_TEMPFAIL:	return "tempfail";
    }
    return "tempfail";
}

/* engine_now_ms - monotonic milliseconds */
static long long engine_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* engine_fail - record the first failure: a limit or an internal error */
void engine_fail(engine_ctx *e, engine_stop kind, const char *fmt, ...)
{
    if (e->stop)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&e->stop_reason, fmt, ap) < 0)
        e->stop_reason = NULL;
    va_end(ap);
    e->stop = kind;
}

/* engine_check_time - stop when the message's time budget is spent */
int engine_check_time(engine_ctx *e)
{
    if (e->stop)
        return -1;
    if (engine_now_ms() >= e->deadline_ms) {
        engine_fail(e, ENGINE_STOP_TIME, "time limit of %u ms exceeded",
                    e->pol->max_message_time_ms);
        return -1;
    }
    return 0;
}

/* engine_lower - malloc'ed lower-case copy */
static char *engine_lower(const char *s)
{
    char *d = strdup(s ? s : "");
    for (char *p = d; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return d;
}

/* engine_raw_header - raw value of the first header called name, or NULL */
static const char *engine_raw_header(GMimeObject *o, const char *name)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(o);
    GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;
    return h ? g_mime_header_get_raw_value(h) : NULL;
}

/* engine_header_count - how many headers called name the object has */
static int engine_header_count(GMimeObject *o, const char *name)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(o);
    int n = 0, c = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < c; i++)
        if (g_ascii_strcasecmp(g_mime_header_get_name(g_mime_header_list_get_header_at(hl, i)),
                               name) == 0)
            n++;
    return n;
}

/* engine_filename - decoded file name of a part (Content-Disposition, then Content-Type) */
static char *engine_filename(GMimeObject *o)
{
    const char *cd = engine_raw_header(o, "Content-Disposition");
    char *name = cd ? hdrdecode_param(cd, "filename") : NULL;
    if (!name) {
        const char *ct = engine_raw_header(o, "Content-Type");
        name = ct ? hdrdecode_param(ct, "name") : NULL;
    }
    return name;
}

/* engine_is_attachment - Content-Disposition says attachment */
static int engine_is_attachment(GMimeObject *o)
{
    const char *cd = engine_raw_header(o, "Content-Disposition");
    if (!cd)
        return 0;
    while (*cd == ' ' || *cd == '\t' || *cd == '\r' || *cd == '\n')
        cd++;
    return g_ascii_strncasecmp(cd, "attachment", 10) == 0;
}

/*
 * engine_valid_type - the Content-Type value starts with a type/subtype
 * pair of tokens. RFC 2045 5.2: a field that does not (no subtype, an
 * empty or garbage value) means text/plain.
 */
static int engine_valid_type(const char *v)
{
    static const char tspecials[] = "()<>@,;:\\\"/[]?=";
    for (int side = 0; side < 2; side++) {
        size_t n = 0;
        while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
            v++;
        while (v[n] > 32 && v[n] < 127 && !strchr(tspecials, v[n]))
            n++;
        if (!n)
            return 0;
        v += n;
        while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
            v++;
        if (side == 0 && *v++ != '/')
            return 0;
    }
    return 1;	/* what follows the pair is GMime's to read */
}

/* engine_text_fallback - an invalid Content-Type read as text/plain, unless
 *	it names a container: its raw content (boundaries, encoded files) is
 *	not body text */
static int engine_text_fallback(const char *v)
{
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
        v++;
    return !engine_valid_type(v) && g_ascii_strncasecmp(v, "multipart", 9) != 0 &&
           g_ascii_strncasecmp(v, "message", 7) != 0;
}

/*
 * engine_text_kind - 2: HTML; 1: text shown as it is (any other text
 * type (text/...), and the readable parts of bounces and reports); 0: not text.
 */
static int engine_text_kind(const char *type)
{
    static const char *const readable[] = {
        "message/delivery-status", "message/global-delivery-status",
        "message/disposition-notification", "message/global-disposition-notification",
        "message/feedback-report", "message/global-headers",
    };
    if (strcmp(type, "text/html") == 0)
        return 2;
    if (strncmp(type, "text/", 5) == 0)
        return 1;
    for (size_t i = 0; i < sizeof(readable) / sizeof(*readable); i++)
        if (strcmp(type, readable[i]) == 0)
            return 1;
    return 0;
}

/* What one pass over a leaf's decoded content collects. */
typedef struct engine_sink {
    engine_ctx	*e;
    EVP_MD_CTX	*sha;
    unsigned char *magic;	/* first LIMITS_MAGIC_BYTES */
    size_t	magic_len;
    strbuf	*text;		/* body text, or NULL */
    size_t	text_cap;
    int		text_cut;
    unsigned long long size;
    int		tmpfd;		/* content beyond the sample, when spooling; else -1 */
} engine_sink;

/* engine_sink_feed - one decoded chunk */
static int engine_sink_feed(void *ctx, const unsigned char *buf, size_t len)
{
    engine_sink *s = ctx;

    if (engine_check_time(s->e) < 0)
        return -1;
    s->size += len;
    if (EVP_DigestUpdate(s->sha, buf, len) != 1) {
        engine_fail(s->e, ENGINE_STOP_ERROR, "SHA-256 failed");
        return -1;
    }
    if (s->magic_len < LIMITS_MAGIC_BYTES) {
        size_t n = LIMITS_MAGIC_BYTES - s->magic_len;
        if (n > len)
            n = len;
        memcpy(s->magic + s->magic_len, buf, n);
        s->magic_len += n;
    }
    /* The sample holds small parts whole; larger ones go to a private temp file. */
    size_t spill = s->size - len >= LIMITS_MAGIC_BYTES ? len
                 : s->size > LIMITS_MAGIC_BYTES ? (size_t)(s->size - LIMITS_MAGIC_BYTES) : 0;
    if (s->e->spool && spill) {
        if (s->tmpfd < 0 &&
            ((s->tmpfd = scan_tmpfile_open(s->e->tmpdir)) < 0 ||
             scan_tmpfile_write(s->tmpfd, s->magic, s->magic_len) < 0)) {
            engine_fail(s->e, ENGINE_STOP_ERROR, "cannot write temp file in %s: %s",
                        s->e->tmpdir, strerror(errno));
            return -1;
        }
        if (scan_tmpfile_write(s->tmpfd, buf + (len - spill), spill) < 0) {
            engine_fail(s->e, ENGINE_STOP_ERROR, "cannot write temp file in %s: %s",
                        s->e->tmpdir, strerror(errno));
            return -1;
        }
    }
    if (s->text && !s->text_cut) {
        size_t room = s->text_cap - s->text->len;
        if (len > room) {
            len = room;
            s->text_cut = 1;
        }
        if (strbuf_append(s->text, buf, len) < 0) {
            engine_fail(s->e, ENGINE_STOP_ERROR, "out of memory");
            return -1;
        }
    }
    return 0;
}

/*
 * engine_text_like - content that is text in some charset: no NUL, almost
 * no control octets (ESC, TAB, CR, LF, FF allowed), and none of the
 * container signatures that make a file dangerous whatever else it holds.
 */
static int engine_text_like(const char *s, size_t len)
{
    static const char *const sigs[] = { "MZ", "\x7f" "ELF", "PK\x03\x04", "%PDF",
                                        "\xd0\xcf\x11\xe0", "Rar!", "7z\xbc\xaf" };
    size_t ctl = 0;

    for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
        if (len >= strlen(sigs[i]) && memcmp(s, sigs[i], strlen(sigs[i])) == 0)
            return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return 0;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b)
            ctl++;
    }
    return ctl * 100 <= len;
}

/* engine_sink_free - release what engine_content kept for inspection */
static void engine_sink_free(engine_sink *s)
{
    free(s->magic);
    s->magic = NULL;
    if (s->tmpfd >= 0)
        close(s->tmpfd);
    s->tmpfd = -1;
}

/*
 * engine_content - decode a leaf once: hash, size, true type, optional
 * text; the sample (and temp file) stay in *keep for engine_inspect.
 */
static int engine_content(engine_ctx *e, GMimePart *part, report_part *rp,
                          strbuf *text, int *text_cut, engine_sink *keep)
{
    engine_sink s = { .e = e, .text = text, .text_cap = e->text_left, .tmpfd = -1 };
    decode_info info = { 0 };
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    int rc = -1;

    s.sha = EVP_MD_CTX_new();
    s.magic = malloc(LIMITS_MAGIC_BYTES);
    if (!s.sha || !s.magic || EVP_DigestInit_ex(s.sha, digest_sha256(), NULL) != 1) {
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        goto done;
    }
    GMimeDataWrapper *w = g_mime_part_get_content(part);
    GMimeStream *raw = w ? g_mime_data_wrapper_get_stream(w) : NULL;
    if (raw) {
        int d = decode_stream(raw, g_mime_data_wrapper_get_encoding(w),
                              engine_sink_feed, &s, &info);
        if (d == -1)
            engine_fail(e, ENGINE_STOP_ERROR, "cannot read part %s", rp->path);
        if (d < 0)
            goto done;
    }
    if (EVP_DigestFinal_ex(s.sha, md, &mdlen) != 1) {
        engine_fail(e, ENGINE_STOP_ERROR, "SHA-256 failed");
        goto done;
    }
    digest_hex(md, mdlen, rp->sha256);
    rp->size = s.size;
    /* Body text only needs to be shown to be text; attachments get the full rules. */
    int light = text && engine_text_like((const char *)s.magic, s.magic_len);
    if (!(rp->detected_type = filetype_detect_light(s.magic, s.magic_len, light))) {
        engine_fail(e, ENGINE_STOP_ERROR, "libmagic is not usable");
        goto done;
    }
    if (info.after_padding)
        report_add_finding(e->rep, rp->path, "base64-after-padding",
                           "base64 content continues after '=' padding (decoded in full)");
    if (info.invalid)
        report_add_finding(e->rep, rp->path, "invalid-encoding",
                           "%llu octets outside the transfer encoding's alphabet", info.invalid);
    if (text_cut)
        *text_cut = s.text_cut;
    rc = 0;
done:
    EVP_MD_CTX_free(s.sha);
    s.sha = NULL;
    if (rc == 0) {
        *keep = s;
    } else {
        engine_sink_free(&s);
        keep->magic = NULL;
        keep->tmpfd = -1;
    }
    return rc;
}

/* engine_note_rank - which note a part shows when several apply (higher wins) */
static int engine_note_rank(const char *key)
{
    static const char *const order[] = { "suspicious", "spoofed", "archive-corrupt",
                                         "archive-limit", "encrypted-archive", "virus" };
    for (size_t i = 0; key && i < sizeof(order) / sizeof(*order); i++)
        if (strcmp(key, order[i]) == 0)
            return (int)i + 1;
    return 0;
}

/* engine_note - set a part's notice note unless a more important one is there */
static void engine_note(report_part *rp, const char *key, const char *detail)
{
    if (rp->note && engine_note_rank(rp->note) >= engine_note_rank(key))
        return;
    free(rp->note);
    free(rp->note_detail);
    rp->note = strdup(key);
    rp->note_detail = detail ? strdup(detail) : NULL;
}

/*
 * engine_scan_record - act on a scan result of a part or member: a
 * signature is a virus for the whole message, a heuristic makes the
 * content unsafe, an error fails the message. Returns 1 unsafe, 0 clean,
 * -1 error.
 */
static int engine_scan_record(engine_ctx *e, const char *path, const scan_result *r,
                              const char **scan, char **scan_name)
{
    *scan = scan_verdict_name(r->verdict);
    switch (r->verdict) {
    case SCAN_CLEAN:
        return 0;
    case SCAN_VIRUS:
        e->rep->viruses++;
        if (!e->rep->virus && !(e->rep->virus = strdup(r->name)))
            goto oom;
        if (!(*scan_name = strdup(r->name)))
            goto oom;
        report_add_finding(e->rep, path, "virus", "%s", r->name);
        return 1;
    case SCAN_SUSPICIOUS:
        if (!(*scan_name = strdup(r->name)))
            goto oom;
        report_add_finding(e->rep, path, "scan-suspicious", "%s", r->name);
        return 1;
    case SCAN_ERROR:
        engine_fail(e, ENGINE_STOP_ERROR, "virus scan of %s failed: %s",
                    *path ? path : "the message", r->name);
        return -1;
    }
    return -1;
oom:
    engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
    return -1;
}

/* State of one archive part's walk. */
typedef struct engine_arch {
    engine_ctx	*e;
    size_t	part;		/* index of the part in the report */
    const char	*mime_path;
    typerules_action act;	/* strictest over the members */
    int		unsafe;
    unsigned long long budget;	/* member bytes the message may unpack, all levels */
    int		over;		/* the budget stopped the walk */
} engine_arch;

/* engine_member - one archive member: type, rules, name checks, scan */
static int engine_member(void *ctx, const archive_member *m)
{
    engine_arch *a = ctx;
    engine_ctx *e = a->e;
    const typerules *t = &e->scan->rules;
    char path[LIMITS_MIME_PATH * 2];

    if (engine_check_time(e) < 0)
        return -1;
    /* The ratio limit for the message as a whole: nested archives (42.zip)
     * and many small ones keep each member under the per-member ratio,
     * not the sum of all levels and parts. What is read and scanned stays
     * proportional to the mail. */
    if (m->size > a->budget - e->unpacked) {
        a->over = 1;
        return -1;
    }
    e->unpacked += m->size;
    snprintf(path, sizeof(path), "%s:%s", a->mime_path, m->path);
    report_member *rm = report_add_member(e->rep, a->part, path);
    if (!rm || !(rm->name = strdup(m->name))) {
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        return -1;
    }
    rm->depth = m->depth;
    rm->size = m->size;
    rm->encrypted = m->encrypted;
    typerules_class cls = TYPERULES_ENCRYPTED;
    if (!m->encrypted) {
        memcpy(rm->sha256, m->sha256, sizeof(rm->sha256));
        if (!(rm->detected_type = filetype_detect(m->head, m->head_len))) {
            engine_fail(e, ENGINE_STOP_ERROR, "libmagic is not usable");
            return -1;
        }
        cls = typerules_classify(t, rm->detected_type, m->head, m->head_len, m->name);
    }
    typerules_action act = t->action[cls];
    unsigned spoof = typerules_name_spoof(m->name, 1) |
                     (m->encrypted ? 0 : typerules_content_spoof(cls, NULL, m->name));
    if (spoof) {
        char words[128];
        typerules_spoof_describe(spoof, words, sizeof(words));
        report_add_finding(e->rep, path, "spoofing", "%s", words);
        act = typerules_stricter(act, t->spoofed);
        a->unsafe = 1;
    }
    if (m->name_cp932)
        report_add_finding(e->rep, path, "cp932-name", "member name read as CP932");
    rm->type_class = typerules_class_name(cls);
    rm->rule = typerules_action_name(act);
    a->act = typerules_stricter(a->act, act);
    if (e->db && !m->encrypted) {
        /* An archive member is opened by the walk (or stops it at the depth
         * limit, and the part is removed): libclamav reads its bytes, not
         * its members again. */
        scan_depth d = m->kind != ARCHIVE_KIND_NONE ? SCAN_NO_ARCHIVES : SCAN_DEEP;
        scan_result r;
        if (m->fd >= 0)
            scan_fd(e->db, m->fd, m->name, d, &r);
        else
            scan_buf(e->db, m->data, (size_t)m->size, m->name, d, &r);
        int u = engine_scan_record(e, path, &r, &rm->scan, &rm->scan_name);
        if (u < 0)
            return -1;
        a->unsafe |= u;
    }
    return e->stop ? -1 : 0;
}

/* engine_scan_part - scan a decoded part; a virus or heuristic makes it unsafe */
static int engine_scan_part(engine_ctx *e, size_t part, const engine_sink *s, scan_depth d,
                            int *unsafe)
{
    report_part *rp = &e->rep->parts[part];
    scan_result r;

    if (s->tmpfd >= 0)
        scan_fd(e->db, s->tmpfd, rp->filename, d, &r);
    else
        scan_buf(e->db, s->magic, s->magic_len, rp->filename, d, &r);
    int u = engine_scan_record(e, rp->path, &r, &rp->scan, &rp->scan_name);
    if (u < 0)
        return -1;
    if (u) {
        *unsafe = 1;
        engine_note(rp, r.verdict == SCAN_VIRUS ? "virus" : "suspicious", r.name);
    }
    return 0;
}

/* engine_archive - look into an archive part */
static int engine_archive(engine_ctx *e, size_t part, engine_sink *s, archive_kind kind,
                          typerules_action *act, int *unsafe)
{
    report_part *rp = &e->rep->parts[part];
    const archive_limits *lim = &e->scan->archives;
    engine_arch a = { .e = e, .part = part, .mime_path = rp->path, .act = TYPERULES_KEEP,
                      .budget = e->rep->bytes_in * lim->max_ratio + LIMITS_ARCHIVE_RATIO_FLOOR };
    archive_result res;
    int fd = s->tmpfd;

    rp->archive = archive_kind_name(kind);
    if (fd < 0) {
        /* A small archive is still only in the sample: archives are read from files. */
        if ((fd = scan_tmpfile_open(e->tmpdir)) < 0 ||
            scan_tmpfile_write(fd, s->magic, s->magic_len) < 0) {
            if (fd >= 0)
                close(fd);
            engine_fail(e, ENGINE_STOP_ERROR, "cannot write temp file in %s: %s",
                        e->tmpdir, strerror(errno));
            return -1;
        }
        s->tmpfd = fd;
    }
    if (archive_walk(fd, kind, lim, e->tmpdir, engine_member, &a,
                     &res) < 0) {
        engine_fail(e, ENGINE_STOP_ERROR, "archive in part %s: %s", rp->path, res.why);
        return -1;
    }
    if (e->stop)
        return -1;
    if (a.over) {
        res.status = ARCHIVE_WALK_LIMIT;
        snprintf(res.why, sizeof(res.why),
                 "archives unpack to more than %u times the message size (%llu bytes)",
                 lim->max_ratio, a.budget);
    }
    rp = &e->rep->parts[part];
    if (e->db) {
        /* The part itself, after its walk: libclamav reads the bytes (its
         * members were scanned one by one), or, when a limit stopped the
         * walk, the whole part once with its own archive parsers within its
         * own limits, so that what the walk did not reach is still scanned
         * and a virus in it named, although the part is removed anyway. */
        int stopped = res.status == ARCHIVE_WALK_LIMIT || res.status == ARCHIVE_WALK_CORRUPT;
        if (engine_scan_part(e, part, s, stopped ? SCAN_DEEP : SCAN_NO_ARCHIVES, unsafe) < 0)
            return -1;
        rp = &e->rep->parts[part];
    }
    *act = typerules_stricter(*act, a.act);
    *unsafe |= a.unsafe;
    if (res.encrypted) {
        *act = typerules_stricter(*act, e->scan->rules.action[TYPERULES_ENCRYPTED]);
        *unsafe = 1;
        report_add_finding(e->rep, rp->path, "encrypted-archive",
                           "%u encrypted member%s cannot be inspected", res.encrypted,
                           res.encrypted == 1 ? "" : "s");
        engine_note(rp, "encrypted-archive", NULL);
    }
    if (res.status == ARCHIVE_WALK_LIMIT || res.status == ARCHIVE_WALK_CORRUPT) {
        *act = typerules_stricter(*act, e->scan->rules.archive_limit);
        *unsafe = 1;
        const char *key = res.status == ARCHIVE_WALK_LIMIT ? "archive-limit" : "archive-corrupt";
        report_add_finding(e->rep, rp->path, key, "%s", res.why);
        engine_note(rp, key, res.why);
    }
    return 0;
}

/*
 * engine_inspect - scan a decoded part, classify it under the type rules,
 * check its name and look into it if it is an archive. *unsafe is set
 * when the content must not be delivered even as text (virus, heuristic,
 * spoofing, archive trouble).
 */
static int engine_inspect(engine_ctx *e, size_t part, engine_sink *s, int body, int *unsafe)
{
    report_part *rp = &e->rep->parts[part];
    const typerules *t = &e->scan->rules;
    typerules_class cls = typerules_classify(t, rp->detected_type, s->magic, s->magic_len,
                                             rp->filename);
    archive_kind kind = archive_detect(s->magic, s->magic_len);
    int walk = e->archives && cls == TYPERULES_ARCHIVE && kind != ARCHIVE_KIND_NONE;

    /* an archive the engine walks is scanned after its walk (engine_archive) */
    if (e->db && !walk && engine_scan_part(e, part, s, SCAN_DEEP, unsafe) < 0)
        return -1;
    /* Body text is shown as text, which is safe whatever libmagic calls it. */
    typerules_action act = body ? TYPERULES_KEEP : t->action[cls];
    unsigned spoof = typerules_name_spoof(rp->filename, 0) |
                     typerules_content_spoof(cls, rp->declared_type, rp->filename);
    if (spoof) {
        char words[128];
        typerules_spoof_describe(spoof, words, sizeof(words));
        report_add_finding(e->rep, rp->path, "spoofing", "%s", words);
        act = typerules_stricter(act, t->spoofed);
        *unsafe = 1;
        engine_note(rp, "spoofed", words);
    }
    if (walk && engine_archive(e, part, s, kind, &act, unsafe) < 0)
        return -1;
    rp = &e->rep->parts[part];
    rp->type_class = typerules_class_name(cls);
    rp->rule = typerules_action_name(act);
    if (act == TYPERULES_QUARANTINE && !e->quarantine) {
        e->quarantine = 1;
        if (asprintf(&e->quarantine_reason, "part %s (%s) is withheld by the type rules",
                     rp->path, typerules_class_name(cls)) < 0)
            e->quarantine_reason = NULL;
    }
    return e->stop ? -1 : 0;
}

/* engine_type_findings - report names and declared types that lie about the content */
static void engine_type_findings(engine_ctx *e, const report_part *rp)
{
    filetype_family det = filetype_family_of(rp->detected_type);
    filetype_family byname = filetype_family_of_name(rp->filename);
    filetype_family decl = filetype_family_of(rp->declared_type);

    if (det == FILETYPE_UNKNOWN || det == FILETYPE_BINARY || det == FILETYPE_EMPTY)
        return;
    /* OOXML and ODF files are zip archives underneath; libmagic may say either. */
    int zipish = det == FILETYPE_ARCHIVE || det == FILETYPE_OFFICE_XML || det == FILETYPE_ODF;
    if (byname != FILETYPE_UNKNOWN && byname != det &&
        !(zipish && (byname == FILETYPE_OFFICE_XML || byname == FILETYPE_ODF ||
                     byname == FILETYPE_ARCHIVE)) &&
        !(det == FILETYPE_TEXT && (byname == FILETYPE_SCRIPT || byname == FILETYPE_HTML)))
        report_add_finding(e->rep, rp->path, "name-mismatch",
                           "name claims %s but content is %s (%s)",
                           filetype_family_name(byname), filetype_family_name(det),
                           rp->detected_type);
    if (decl != FILETYPE_UNKNOWN && decl != FILETYPE_BINARY && decl != det &&
        !(zipish && (decl == FILETYPE_OFFICE_XML || decl == FILETYPE_ODF ||
                     decl == FILETYPE_ARCHIVE)) &&
        !(decl == FILETYPE_TEXT && det == FILETYPE_HTML) &&
        !(decl == FILETYPE_HTML && det == FILETYPE_TEXT))
        report_add_finding(e->rep, rp->path, "type-mismatch",
                           "declared %s but content is %s",
                           rp->declared_type, rp->detected_type);
}

/*
 * engine_bin_block - a file encoded in body text: listed as removed,
 * scanned and judged by the type rules like an attachment
 */
static int engine_bin_block(void *ctx, const bincut_block *b)
{
    static const char *const suffix[] = { "uu", "xx", "uu", "yenc", "hqx", "b64" };
    engine_ctx *e = ctx;
    char path[LIMITS_MIME_PATH + 16];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    int unsafe = 0;

    snprintf(path, sizeof(path), "%s.%s%u", e->cur_path, suffix[b->kind], ++e->bin_count);
    report_part *rp = report_add_part(e->rep, path);
    if (!rp || (*b->name && !(rp->filename = strdup(b->name))) ||
        !(rp->declared_type = strdup(bincut_kind_type(b->kind))) ||
        !(rp->reason = strdup(bincut_kind_name(b->kind))) ||
        EVP_Digest(b->data, b->len, md, &mdlen, digest_sha256(), NULL) != 1 ||
        !(rp->detected_type = filetype_detect(b->data, b->len < LIMITS_MAGIC_BYTES ? b->len
                                                                                : LIMITS_MAGIC_BYTES))) {
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        return -1;
    }
    digest_hex(md, mdlen, rp->sha256);
    rp->size = b->len;
    rp->action = REPORT_REMOVED;
    engine_type_findings(e, rp);
    /* the decoded content is all in memory: it is its own sample */
    engine_sink sink = { .e = e, .magic = (unsigned char *)b->data, .magic_len = b->len,
                         .tmpfd = -1 };
    int rc = engine_inspect(e, (size_t)(rp - e->rep->parts), &sink, 0, &unsafe);
    if (sink.tmpfd >= 0)
        close(sink.tmpfd);
    return rc;
}

/*
 * engine_clean_text - the text as it may be shown: encoded files cut out
 * and reported under path, controls made visible, links filtered (again:
 * the filter leaves its own output as it is). NULL after engine_fail.
 */
static char *engine_clean_text(engine_ctx *e, const char *path, const char *text, size_t len,
                               size_t *outlen)
{
    strbuf cut = { 0 };
    char *vis = NULL, *res = NULL;
    size_t vlen = 0;

    snprintf(e->cur_path, sizeof(e->cur_path), "%s", path);
    if (bincut(text, len, &cut, engine_bin_block, e) < 0 || cut.oom) {
        strbuf_free(&cut);
        if (!e->stop)
            engine_fail(e, ENGINE_STOP_ERROR, "cannot cut encoded files out of the text");
        return NULL;
    }
    if ((vis = textsafe_visible(cut.s ? cut.s : "", cut.len, &vlen)) != NULL)
        res = urlfilter_text(&e->urls, vis, vlen, outlen);
    strbuf_free(&cut);
    free(vis);
    if (!res)
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
    return res;
}

/* engine_text_to_body - convert a body text part to UTF-8 text and append it */
static int engine_text_to_body(engine_ctx *e, report_part *rp, const char *charset,
                               int html, strbuf *raw, strbuf *out)
{
    char *decl = charset ? strdup(charset) : NULL;
    if (html && !decl)
        decl = charset_html_declared(raw->s ? raw->s : "", raw->len);
    size_t ulen = 0;
    const char *used = NULL;
    char *utf8 = charset_to_utf8(decl, raw->s ? raw->s : "", raw->len, &ulen, &used);
    free(decl);
    if (!utf8) {
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        return -1;
    }
    rp->charset = used ? strdup(used) : NULL;
    /* Judged after conversion: ISO-2022-JP is ESC sequences, UTF-16 is NULs. */
    if (textsafe_binary(utf8, ulen)) {
        free(utf8);
        rp->action = REPORT_REMOVED;
        free(rp->reason);
        rp->reason = strdup("not-text");
        report_add_finding(e->rep, rp->path, "binary-text",
                           "text part whose content is binary (read as %s)", used ? used : "-");
        return 0;
    }
    if (charset && used && g_ascii_strcasecmp(charset, used) != 0 &&
        !(g_ascii_strcasecmp(used, "US-ASCII") == 0) &&
        !(g_ascii_strcasecmp(used, "CP932") == 0 &&
          (g_ascii_strcasecmp(charset, "shift_jis") == 0 || g_ascii_strcasecmp(charset, "sjis") == 0 ||
           g_ascii_strcasecmp(charset, "x-sjis") == 0 || g_ascii_strcasecmp(charset, "windows-31j") == 0 ||
           g_ascii_strcasecmp(charset, "cp932") == 0 || g_ascii_strcasecmp(charset, "shift-jis") == 0)) &&
        !(g_ascii_strcasecmp(used, "EUC-JP-MS") == 0 && g_ascii_strcasecmp(charset, "euc-jp") == 0) &&
        !(g_ascii_strcasecmp(used, "UTF-8") == 0 && g_ascii_strcasecmp(charset, "utf8") == 0))
        report_add_finding(e->rep, rp->path, "charset-mislabel",
                           "declared %s, read as %s", charset, used);

    /* Plain text beyond the budget is never shown: cut it before the copies
     * that follow (a charset can triple the octets, half-width kana to UTF-8). */
    if (!html && ulen > e->text_left) {
        ulen = utf8_cut(utf8, e->text_left);
        e->text_cut = 1;
    }
    char *text = utf8;
    size_t tlen = ulen;
    char *conv = NULL, *clean = NULL;
    if (html) {
        htmltext_options ho = { .urls = &e->urls, .language = e->pol->language,
                                .max_out = e->text_left ? e->text_left : 1 };
        int cut = 0;
        conv = htmltext_convert(utf8, ulen, &ho, &tlen, &cut);
        if (!conv) {
            free(utf8);
            engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
            return -1;
        }
        if (cut)
            e->text_cut = 1;
        e->html_converted = 1;
        text = conv;
    }
    /* The final text of the part, HTML after conversion as well. */
    if (!(clean = engine_clean_text(e, rp->path, text, tlen, &tlen))) {
        free(conv);
        free(utf8);
        return -1;
    }
    text = clean;
    /* Trim blank lines at both ends; separate consecutive texts by one blank line. */
    const char *t = text, *end = text + tlen;
    while (t < end && (*t == '\n' || *t == '\r' || *t == ' ' || *t == '\t')) {
        const char *nl = memchr(t, '\n', (size_t)(end - t));
        const char *q = t;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < end && *q != '\n')
            break;
        t = nl ? nl + 1 : end;
    }
    while (end > t && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    /* The text budget is for the whole message: what is over it is cut. */
    if ((size_t)(end - t) > e->text_left) {
        end = t + utf8_cut(t, e->text_left);
        e->text_cut = 1;
    }
    if (end > t) {
        if (out->len)
            strbuf_puts(out, "\n\n");
        strbuf_append(out, t, (size_t)(end - t));
        e->text_left -= (size_t)(end - t);
    }
    free(clean);
    free(conv);
    free(utf8);
    if (out->oom) {
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        return -1;
    }
    return 0;
}

/* engine_attached_text - the text of a text attachment, headed by its name, for after the body */
static int engine_attached_text(engine_ctx *e, report_part *rp, const char *charset,
                                strbuf *raw)
{
    strbuf tmp = { 0 };
    int rc = engine_text_to_body(e, rp, charset, 0, raw, &tmp);
    if (rc == 0 && tmp.len) {
        int en = e->pol->language == POLICY_LANG_EN;
        char *name = notice_visible(rp->filename ? rp->filename
                                    : en ? "(no name)" : "（名前なし）");
        if (e->after.len)
            strbuf_puts(&e->after, "\n\n");
        strbuf_printf(&e->after, en ? "-------- Text of the attachment \"%s\" --------\n"
                                    : "-------- 添付ファイル「%s」の内容 --------\n",
                      name ? name : "");
        strbuf_append(&e->after, tmp.s, tmp.len);
        if (!name || e->after.oom) {
            engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
            rc = -1;
        }
        free(name);
    }
    strbuf_free(&tmp);
    return rc;
}

/* engine_leaf - account for one leaf; use it as body text when its role allows */
static int engine_leaf(engine_ctx *e, GMimePart *part, const char *path,
                       engine_role role, const char *why, strbuf *out)
{
    GMimeObject *o = GMIME_OBJECT(part);
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    const char *rawct = engine_raw_header(o, "Content-Type");
    int badct = rawct && engine_text_fallback(rawct);
    char *mime = badct || !ct ? g_strdup("text/plain") : g_mime_content_type_get_mime_type(ct);
    report_part *rp = report_add_part(e->rep, path);
    char *cs = NULL;
    int rc = -1;

    if (!rp || !mime) {
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        g_free(mime);
        return -1;
    }
    rp->declared_type = engine_lower(mime);
    g_free(mime);
    rp->filename = engine_filename(o);
    if (badct)
        report_add_finding(e->rep, path, "invalid-content-type",
                           "Content-Type without a type/subtype read as text/plain");
    if (engine_header_count(o, "Content-Type") > 1 ||
        engine_header_count(o, "Content-Transfer-Encoding") > 1)
        report_add_finding(e->rep, path, "conflicting-headers",
                           "more than one Content-Type or Content-Transfer-Encoding");

    /* Inline text is body text whatever its file name; a text attachment is
     * shown after the body and listed. */
    int kind = engine_text_kind(rp->declared_type);
    int is_html = kind == 2;
    int attached = engine_is_attachment(o);
    int want_text = role == ENGINE_ROLE_BODY && kind && !(attached && is_html);
    strbuf raw = { 0 };
    int cut = 0, unsafe = 0;
    engine_sink sink = { .tmpfd = -1 };
    size_t idx = (size_t)(rp - e->rep->parts);

    if (engine_content(e, part, rp, want_text ? &raw : NULL, &cut, &sink) < 0)
        goto done;
    engine_type_findings(e, rp);

    if (want_text) {
        filetype_family det = filetype_family_of(rp->detected_type);
        if (det != FILETYPE_TEXT && det != FILETYPE_HTML && det != FILETYPE_EMPTY &&
            det != FILETYPE_BINARY && det != FILETYPE_UNKNOWN && det != FILETYPE_MESSAGE) {
            if (engine_text_like(raw.s ? raw.s : "", raw.len)) {
                /* libmagic's weak rules (DOS .COM by first byte) fire on CP932 text. */
                report_add_finding(e->rep, path, "weak-magic",
                                   "libmagic said %s for text content", rp->detected_type);
                free(rp->detected_type);
                rp->detected_type = strdup("text/plain");
            } else {
                want_text = 0;
                if (!attached)
                    why = "not-text";
            }
        }
    }
    if (engine_inspect(e, idx, &sink, want_text, &unsafe) < 0)
        goto done;
    rp = &e->rep->parts[idx];
    if (want_text && unsafe) {
        want_text = 0;
        if (!attached)
            why = "unsafe-text";
    }
    if (badct)
        cs = rawct ? hdrdecode_param(rawct, "charset") : NULL;
    else if (ct && g_mime_content_type_get_parameter(ct, "charset"))
        cs = strdup(g_mime_content_type_get_parameter(ct, "charset"));
    if (want_text) {
        if (cut)
            e->text_cut = 1;
        if (attached) {
            rp->action = REPORT_REMOVED;
            rp->reason = strdup("text-attachment");
            if (engine_attached_text(e, rp, cs, &raw) < 0)
                goto done;
        } else {
            rp->action = REPORT_BODY;
            rp->reason = strdup(is_html ? "html body" : "text body");
            if (engine_text_to_body(e, rp, cs, is_html, &raw, out) < 0)
                goto done;
        }
    } else if (role == ENGINE_ROLE_ALTERNATIVE &&
               kind) {
        rp->action = REPORT_ALTERNATIVE;
        rp->reason = strdup("alternative");
    } else {
        rp->action = REPORT_REMOVED;
        if (!why)
            why = strcmp(rp->declared_type, "application/ms-tnef") == 0 ||
                          (rp->filename && strcasecmp(rp->filename, "winmail.dat") == 0)
                      ? "tnef"
                  : (!rp->filename && !attached &&
                     g_mime_object_get_header(o, "Content-ID"))
                      ? "inline"
                      : "attachment";
        rp->reason = strdup(why);
    }
    rc = e->stop ? -1 : 0;
done:
    free(cs);
    engine_sink_free(&sink);
    strbuf_free(&raw);
    return rc;
}

static int engine_walk(engine_ctx *e, GMimeObject *o, const char *path, int depth,
                       engine_role role, const char *why, strbuf *out);

/* engine_alt_rank - how well an alternative serves as the body text */
static int engine_alt_rank(GMimeObject *o)
{
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    if (!ct)
        return 0;
    if (g_mime_content_type_is_type(ct, "text", "plain"))
        return 3;
    if (g_mime_content_type_is_type(ct, "text", "html"))
        return 2;
    if (g_mime_content_type_is_type(ct, "multipart", "*"))
        return 1;
    return 0;
}

/* engine_has_text - the text holds something besides white space */
static int engine_has_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 1;
    return 0;
}

/* engine_weight - significant octets of a rendering: what is not white space */
static size_t engine_weight(const strbuf *t)
{
    size_t w = 0;
    for (size_t i = 0; i < t->len; i++)
        w += t->s[i] != ' ' && t->s[i] != '\t' && t->s[i] != '\r' && t->s[i] != '\n';
    return w;
}

/* A rendering of a multipart/alternative, as text. */
typedef struct engine_render {
    strbuf	text;
    strbuf	after;		/* texts of its text attachments */
    size_t	first, end;	/* its parts in the report */
    size_t	used;		/* text budget it took */
    int		html, cut;	/* what it did to the notice flags */
} engine_render;

/* engine_render_one - render alternative i as body text, restoring the flags it set */
static int engine_render_one(engine_ctx *e, GMimeMultipart *mp, const char *path, int i,
                             int depth, const char *why, engine_render *r)
{
    char sub[LIMITS_MIME_PATH];
    int html = e->html_converted, cut = e->text_cut;
    size_t left = e->text_left, after = e->after.len;

    memset(r, 0, sizeof(*r));
    r->first = e->rep->nparts;
    snprintf(sub, sizeof(sub), "%s.%d", path, i + 1);
    int rc = engine_walk(e, g_mime_multipart_get_part(mp, i), sub, depth + 1,
                         ENGINE_ROLE_BODY, why, &r->text);
    r->end = e->rep->nparts;
    r->used = left - e->text_left;
    /* Its attachments' texts follow the body only if it is the one shown. */
    strbuf_append(&r->after, e->after.s + after, e->after.len - after);
    e->after.len = after;
    if (e->after.s)
        e->after.s[after] = 0;
    r->html = e->html_converted;
    r->cut = e->text_cut;
    e->html_converted = html;
    e->text_cut = cut;
    e->text_left = left;
    if (rc == 0 && (r->text.oom || r->after.oom)) {
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        rc = -1;
    }
    return rc;
}

/* engine_render_free - release a rendering's texts */
static void engine_render_free(engine_render *r)
{
    strbuf_free(&r->text);
    strbuf_free(&r->after);
}

/* engine_unchosen - a rendering not shown: its body parts become alternatives */
static void engine_unchosen(engine_ctx *e, const engine_render *r, int lost)
{
    for (size_t k = r->first; k < r->end; k++) {
        report_part *rp = &e->rep->parts[k];
        /* its text attachments are not shown after the body either */
        if (rp->action == REPORT_REMOVED && rp->reason &&
            strcmp(rp->reason, "text-attachment") == 0) {
            free(rp->reason);
            rp->reason = strdup("attachment");
        }
        if (e->rep->parts[k].action == REPORT_BODY) {
            e->rep->parts[k].action = REPORT_ALTERNATIVE;
            free(e->rep->parts[k].reason);
            e->rep->parts[k].reason = strdup("alternative");
            e->rep->parts[k].alt_lost = lost;
            e->alt_lost += (unsigned)lost;
        }
    }
}

/*
 * engine_alternative - show the rendering that carries the content: the
 * plain one unless it is (nearly) empty, then the HTML one, then a nested
 * multipart; every other rendering is compared with the one shown, and
 * listed as not shown, with whether it says more.
 */
static int engine_alternative(engine_ctx *e, GMimeMultipart *mp, const char *path,
                              int depth, engine_role role, const char *why, strbuf *out)
{
    int n = g_mime_multipart_get_count(mp);
    char sub[LIMITS_MIME_PATH];
    engine_render best = { 0 }, cand;
    int chosen = -1, rc = -1;
    size_t best_w = 0;
    unsigned char *tried = calloc((size_t)n + 1, 1);

    if (!tried) {
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        return -1;
    }
    if (role != ENGINE_ROLE_BODY) {
        for (int i = 0; i < n; i++) {
            snprintf(sub, sizeof(sub), "%s.%d", path, i + 1);
            if (engine_walk(e, g_mime_multipart_get_part(mp, i), sub, depth + 1,
                            role, why, out) < 0)
                goto done;
        }
        rc = 0;
        goto done;
    }
    /* Candidates in order of preference: text/plain, text/html, multipart. */
    for (int rank = 3; rank >= 1 && best_w < LIMITS_ALT_TRIVIAL; rank--) {
        for (int i = 0; i < n && best_w < LIMITS_ALT_TRIVIAL; i++) {
            if (engine_alt_rank(g_mime_multipart_get_part(mp, i)) != rank)
                continue;
            tried[i] = 1;
            if (engine_render_one(e, mp, path, i, depth, why, &cand) < 0) {
                engine_render_free(&cand);
                goto done;
            }
            size_t w = engine_weight(&cand.text);
            engine_render *lose = w > best_w ? &best : &cand;
            const engine_render *win = w > best_w ? &cand : &best;
            if (lose != &best || chosen >= 0) {
                int cover = textcover(win->text.s ? win->text.s : "", win->text.len,
                                      lose->text.s ? lose->text.s : "", lose->text.len);
                if (cover < 0) {
                    engine_render_free(&cand);
                    engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
                    goto done;
                }
                engine_unchosen(e, lose, !cover || lose->cut);
            }
            engine_render_free(lose);
            if (w > best_w) {
                best = cand;
                best_w = w;
                chosen = i;
            }
        }
    }
    if (chosen >= 0) {
        e->html_converted |= best.html;
        e->text_cut |= best.cut;
        e->text_left -= best.used < e->text_left ? best.used : e->text_left;
        if (out->len)
            strbuf_puts(out, "\n\n");
        strbuf_append(out, best.text.s, best.text.len);
        if (best.after.len) {
            if (e->after.len)
                strbuf_puts(&e->after, "\n\n");
            strbuf_append(&e->after, best.after.s, best.after.len);
        }
    }
    /* The others: rendered only to be compared with what is shown. */
    for (int i = 0; i < n; i++) {
        if (tried[i])
            continue;
        if (engine_render_one(e, mp, path, i, depth, why, &cand) < 0) {
            engine_render_free(&cand);
            goto done;
        }
        int cover = textcover(best.text.s ? best.text.s : "", best.text.len,
                              cand.text.s ? cand.text.s : "", cand.text.len);
        if (cover < 0) {
            engine_render_free(&cand);
            engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
            goto done;
        }
        engine_unchosen(e, &cand, !cover || cand.cut);
        engine_render_free(&cand);
    }
    rc = 0;
done:
    engine_render_free(&best);
    free(tried);
    return rc;
}

/* engine_forwarded - the visible headers of a forwarded message, as text */
static void engine_forwarded(engine_ctx *e, GMimeMessage *m, strbuf *out)
{
    static const char *const names[] = { "From", "Date", "Subject", "To", "Cc" };
    int en = e->pol->language == POLICY_LANG_EN;

    if (out->len)
        strbuf_puts(out, "\n\n");
    strbuf_puts(out, en ? "-------- Forwarded message --------"
                        : "-------- 転送されたメッセージ --------");
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        const char *raw = engine_raw_header(GMIME_OBJECT(m), names[i]);
        if (!raw)
            continue;
        char *d = hdrdecode_text(raw, strlen(raw));
        char *v = d ? textsafe_visible(d, strlen(d), NULL) : NULL;
        free(d);
        if (!v) {
            out->oom = 1;
            return;
        }
        strbuf_printf(out, "\n%s: %s", names[i], v);
        free(v);
    }
}

/* engine_unparsed - a multipart with no parts: its raw content is listed as removed */
static int engine_unparsed(engine_ctx *e, GMimeObject *o, const char *path, const char *raw)
{
    size_t len = strlen(raw);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    report_part *rp = report_add_part(e->rep, path);
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    char *mime = ct ? g_mime_content_type_get_mime_type(ct) : NULL;

    if (!rp || !(rp->declared_type = engine_lower(mime ? mime : "multipart/mixed")) ||
        !(rp->reason = strdup("unparsed")) ||
        EVP_Digest(raw, len, md, &mdlen, digest_sha256(), NULL) != 1 ||
        !(rp->detected_type = filetype_detect(raw, len < LIMITS_MAGIC_BYTES ? len : LIMITS_MAGIC_BYTES))) {
        g_free(mime);
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        return -1;
    }
    g_free(mime);
    digest_hex(md, mdlen, rp->sha256);
    rp->size = len;
    rp->action = REPORT_REMOVED;
    rp->filename = engine_filename(o);
    return report_add_finding(e->rep, path, "unparsed-multipart",
                              "multipart without usable boundary; its content was removed");
}

/* engine_walk - visit one node of the MIME tree */
static int engine_walk(engine_ctx *e, GMimeObject *o, const char *path, int depth,
                       engine_role role, const char *why, strbuf *out)
{
    char sub[LIMITS_MIME_PATH];

    if (engine_check_time(e) < 0)
        return -1;
    if (++e->nodes > e->pol->max_parts) {
        engine_fail(e, ENGINE_STOP_LIMIT, "more than %zu MIME parts", e->pol->max_parts);
        return -1;
    }
    if ((size_t)depth > e->pol->max_mime_depth) {
        engine_fail(e, ENGINE_STOP_LIMIT, "MIME nesting deeper than %zu", e->pol->max_mime_depth);
        return -1;
    }
    if (strlen(path) > sizeof(sub) - 12) {
        engine_fail(e, ENGINE_STOP_LIMIT, "MIME path too long");
        return -1;
    }
    GMimeHeaderList *hl = g_mime_object_get_header_list(o);
    if (hl && (size_t)g_mime_header_list_get_count(hl) > e->pol->max_header_count) {
        engine_fail(e, ENGINE_STOP_LIMIT, "more than %zu header fields in part %s",
                    e->pol->max_header_count, path);
        return -1;
    }

    if (GMIME_IS_MESSAGE_PART(o)) {
        GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
        if (!m || !m->mime_part)
            return 0;
        if (role == ENGINE_ROLE_BODY)
            engine_forwarded(e, m, out);
        /* Files inside a forwarded message are listed as such. */
        snprintf(sub, sizeof(sub), "%s.1", path);
        return engine_walk(e, m->mime_part, sub, depth + 1, role,
                           role == ENGINE_ROLE_BODY ? "forwarded" : why, out);
    }
    if (GMIME_IS_MULTIPART(o)) {
        GMimeMultipart *mp = GMIME_MULTIPART(o);
        GMimeContentType *ct = g_mime_object_get_content_type(o);
        int n = g_mime_multipart_get_count(mp);
        const char *pre = g_mime_multipart_get_prologue(mp);

        if (n == 0 && pre && engine_has_text(pre, strlen(pre)))
            return engine_unparsed(e, o, path, pre);
        if (ct && g_mime_content_type_is_type(ct, "multipart", "alternative"))
            return engine_alternative(e, mp, path, depth, role, why, out);
        int root = 0;
        const char *sub_role_why = why;
        if (ct && g_mime_content_type_is_type(ct, "multipart", "related")) {
            const char *start = g_mime_content_type_get_parameter(ct, "start");
            for (int i = 0; start && i < n; i++) {
                const char *cid = g_mime_object_get_content_id(g_mime_multipart_get_part(mp, i));
                if (cid && strstr(start, cid))
                    root = i;
            }
            sub_role_why = "inline";
        } else if (ct && g_mime_content_type_is_type(ct, "multipart", "signed")) {
            sub_role_why = "signature";
        } else if (ct && g_mime_content_type_is_type(ct, "multipart", "encrypted")) {
            for (int i = 0; i < n; i++) {
                snprintf(sub, sizeof(sub), "%s.%d", path, i + 1);
                if (engine_walk(e, g_mime_multipart_get_part(mp, i), sub, depth + 1,
                                ENGINE_ROLE_REMOVE, "encrypted", out) < 0)
                    return -1;
            }
            return 0;
        } else {
            for (int i = 0; i < n; i++) {
                snprintf(sub, sizeof(sub), "%s.%d", path, i + 1);
                if (engine_walk(e, g_mime_multipart_get_part(mp, i), sub, depth + 1,
                                role, why, out) < 0)
                    return -1;
            }
            return 0;
        }
        /* related/signed: one part is the content, the others go. */
        for (int i = 0; i < n; i++) {
            snprintf(sub, sizeof(sub), "%s.%d", path, i + 1);
            int is_root = i == root;
            if (engine_walk(e, g_mime_multipart_get_part(mp, i), sub, depth + 1,
                            is_root ? role : ENGINE_ROLE_REMOVE,
                            is_root ? why : sub_role_why, out) < 0)
                return -1;
        }
        return 0;
    }
    if (GMIME_IS_PART(o))
        return engine_leaf(e, GMIME_PART(o), path,
                           role == ENGINE_ROLE_REMOVE ? ENGINE_ROLE_REMOVE : role,
                           role == ENGINE_ROLE_BODY && why && strcmp(why, "forwarded") != 0 ? NULL : why,
                           out);
    report_add_finding(e->rep, path, "unknown-node", "MIME node of unknown kind dropped");
    return 0;
}

/* engine_parser_warning - GMime's own diagnostics become findings */
static void engine_parser_warning(gint64 offset, GMimeParserWarning code,
                                  const gchar *item, gpointer data)
{
    report *r = data;
    int critical = code == GMIME_CRIT_INVALID_HEADER_NAME ||
                   code == GMIME_CRIT_CONFLICTING_HEADER ||
                   code == GMIME_CRIT_CONFLICTING_PARAMETER ||
                   code == GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY ||
                   code == GMIME_CRIT_NESTING_OVERFLOW ||
                   code == GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT;
    /* Only a bounded number: a hostile message can trigger thousands. */
    if (r->nfindings < 200)
        report_add_finding(r, "", critical ? "mime-critical" : "mime-warning",
                           "GMime warning %d at offset %lld%s%.80s", (int)code,
                           (long long)offset, item ? ": " : "", item ? item : "");
}

/*
 * engine_frame - check the top-level header block and open the stream to
 * parse: the input itself, or, when its framing needed repair (a byte
 * order mark, an mbox line, no empty line after the fields), the repaired
 * header block followed by the input from where the body starts.
 */
static GMimeStream *engine_frame(engine_ctx *e, int fd)
{
    frame f;
    GMimeStream *s = NULL;

    switch (frame_read(fd, e->pol->max_header_size, e->pol->max_header_count, &f)) {
    case FRAME_OK:
        break;
    case FRAME_READ_ERROR:
        engine_fail(e, ENGINE_STOP_ERROR, "cannot read message: %s", strerror(errno));
        return NULL;
    case FRAME_OUT_OF_MEMORY:
        engine_fail(e, ENGINE_STOP_ERROR, "out of memory");
        return NULL;
    case FRAME_TOO_LARGE:
        engine_fail(e, ENGINE_STOP_LIMIT, "header block larger than %zu bytes",
                    e->pol->max_header_size);
        return NULL;
    case FRAME_TOO_MANY_FIELDS:
        engine_fail(e, ENGINE_STOP_LIMIT, "more than %zu header fields",
                    e->pol->max_header_count);
        return NULL;
    }
    if (f.bom)
        report_add_finding(e->rep, "", "byte-order-mark", "UTF-8 byte order mark before the header");
    if (f.mbox)
        report_add_finding(e->rep, "", "mbox-separator", "mbox \"From \" line before the header");
    if (f.folded_name)
        report_add_finding(e->rep, "", "folded-field-name",
                           "a field name folded away from its colon was joined to it");
    if (f.unterminated)
        report_add_finding(e->rep, "", "header-not-terminated",
                           "a line that is not a header field ends the header block; "
                           "the body starts there");
    int pfd = dup(fd);
    if (pfd < 0 || lseek(pfd, 0, SEEK_SET) < 0) {
        if (pfd >= 0)
            close(pfd);
        frame_free(&f);
        engine_fail(e, ENGINE_STOP_ERROR, "cannot open message: %s", strerror(errno));
        return NULL;
    }
    s = g_mime_stream_fs_new(pfd);	/* owns pfd */
    if (f.head) {
        GMimeStream *cat = g_mime_stream_cat_new();
        GMimeStream *head = g_mime_stream_mem_new_with_buffer(f.head, f.head_len);
        GMimeStream *body = g_mime_stream_substream(s, f.body, -1);
        g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), head);
        g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), body);
        g_object_unref(head);
        g_object_unref(body);
        g_object_unref(s);
        s = cat;
    }
    frame_free(&f);
    return s;
}

/* engine_message_sha256 - hash of the message as received */
static int engine_message_sha256(engine_ctx *e, int fd)
{
    unsigned char *buf = malloc(LIMITS_IO_CHUNK);
    EVP_MD_CTX *sha = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    int rc = -1;

    if (!buf || !sha || EVP_DigestInit_ex(sha, digest_sha256(), NULL) != 1 ||
        lseek(fd, 0, SEEK_SET) < 0)
        goto done;
    for (;;) {
        ssize_t n = read(fd, buf, LIMITS_IO_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto done;
        if (n == 0)
            break;
        if (EVP_DigestUpdate(sha, buf, (size_t)n) != 1)
            goto done;
    }
    if (EVP_DigestFinal_ex(sha, md, &mdlen) != 1 || !(e->rep->sha256 = malloc(2 * mdlen + 1)))
        goto done;
    digest_hex(md, mdlen, e->rep->sha256);
    rc = 0;
done:
    if (rc < 0)
        engine_fail(e, ENGINE_STOP_ERROR, "cannot hash message");
    EVP_MD_CTX_free(sha);
    free(buf);
    return rc;
}

/* engine_set_verdict - map the outcome onto the verdict and SMTP reply */
static void engine_set_verdict(engine_ctx *e, engine_result *res)
{
    switch (e->stop) {
    case ENGINE_STOP_NONE:
        if (e->rep->virus) {
            int q = e->scan->on_virus == SCAN_ON_VIRUS_QUARANTINE;
            res->verdict = q ? ENGINE_QUARANTINE : ENGINE_REJECT;
            res->smtp_code = q ? NULL : "550";
            res->smtp_xcode = q ? NULL : "5.7.1";
            if (asprintf(&res->reason, "virus found: %s", e->rep->virus) < 0)
                res->reason = NULL;
            return;
        }
        if (e->quarantine) {
            res->verdict = ENGINE_QUARANTINE;
            res->reason = strdup(e->quarantine_reason ? e->quarantine_reason
                                                      : "withheld by the type rules");
            return;
        }
        res->verdict = ENGINE_SANITIZED;
        return;
    case ENGINE_STOP_SCANNER:
        res->verdict = e->scan->on_no_database == SCAN_ON_NODB_REJECT ? ENGINE_REJECT
                                                                       : ENGINE_TEMPFAIL;
        res->smtp_code = res->verdict == ENGINE_REJECT ? "554" : "451";
        res->smtp_xcode = res->verdict == ENGINE_REJECT ? "5.3.0" : "4.3.0";
        break;
    case ENGINE_STOP_SIZE:
        res->verdict = e->pol->on_limit == POLICY_LIMIT_TEMPFAIL ? ENGINE_TEMPFAIL : ENGINE_REJECT;
        res->smtp_code = res->verdict == ENGINE_REJECT ? "552" : "452";
        res->smtp_xcode = res->verdict == ENGINE_REJECT ? "5.3.4" : "4.3.4";
        break;
    case ENGINE_STOP_LIMIT:
        res->verdict = e->pol->on_limit == POLICY_LIMIT_TEMPFAIL ? ENGINE_TEMPFAIL : ENGINE_REJECT;
        res->smtp_code = res->verdict == ENGINE_REJECT ? "554" : "451";
        res->smtp_xcode = res->verdict == ENGINE_REJECT ? "5.6.0" : "4.6.0";
        break;
    case ENGINE_STOP_TIME:
    case ENGINE_STOP_ERROR:
        res->verdict = ENGINE_TEMPFAIL;
        res->smtp_code = "451";
        res->smtp_xcode = "4.3.0";
        break;
    }
    res->reason = e->stop_reason ? strdup(e->stop_reason) : strdup("internal error");
}

/*
 * engine_scan_message - take the virus database for this message (the
 * settings' own, else the process's current one, loaded on first use),
 * check it is fresh, and scan the message as received: libclamav's own
 * MIME parser is a second reading of the structure. Its archive parsers
 * stay off here: every part the engine decodes is scanned with them (or,
 * when the engine opens it, member by member), and the output and the
 * notice are built from that reading only; unpacking every archive of the
 * mail once more here cost as much as the rest of the mail.
 */
static int engine_scan_message(engine_ctx *e, int fd)
{
    char why[512];

    e->db = e->scan->db ? scan_db_ref(e->scan->db) : scan_current();
    if (!e->db) {
        char *err = NULL;
        if (scan_reload_if_changed(e->scan, e->tmpdir, &err) < 0)
            snprintf(why, sizeof(why), "%s", err ? err : "cannot load the virus database");
        free(err);
        e->db = scan_current();
    }
    if (!scan_db_usable(e->db, e->scan, why, sizeof(why))) {
        engine_fail(e, ENGINE_STOP_SCANNER, "VIRUS SCANNER UNAVAILABLE: %s", why);
        return -1;
    }
    char day[32] = "";
    time_t t = scan_db_time(e->db);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    if (asprintf(&e->rep->av_database, "%s (version %u, built %s, %u signatures)",
                 e->scan->database_dir, scan_db_version(e->db), day,
                 scan_db_signatures(e->db)) < 0)
        e->rep->av_database = NULL;

    scan_result r;
    const char *scan = NULL;
    char *name = NULL;
    scan_fd(e->db, fd, "message", SCAN_NO_ARCHIVES, &r);
    int u = engine_scan_record(e, "", &r, &scan, &name);
    e->rep->message_scan = scan;
    free(name);
    return u < 0 ? -1 : 0;
}

/* engine_run - judge and sanitize one message */
int engine_run(const policy *p, const engine_envelope *env, int fd,
               const engine_options *o, engine_result *res)
{
    engine_ctx e = { 0 };
    struct stat st;
    GMimeStream *stream = NULL;
    GMimeParser *parser = NULL;
    GMimeParserOptions *popts = NULL;
    GMimeMessage *msg = NULL;
    strbuf body = { 0 };
    engine_options defopts = { 0 };
    scan_settings builtin;

    memset(res, 0, sizeof(*res));
    if (!(res->report = e.rep = report_new()))
        return -1;
    if (!o)
        o = &defopts;
    e.pol = p;
    e.deadline_ms = engine_now_ms() + p->max_message_time_ms;
    e.text_left = p->max_text_size;
    e.urls.web = p->urls;
    e.urls.mailto = p->mailto_links;
    e.urls.tel = p->tel_links;
    e.urls.language = p->language;
    e.rep->mode = p->mode == POLICY_MODE_CDR ? "cdr" : "text";
    e.env_sender = env ? env->sender : NULL;
    e.now = o->now ? o->now : (long long)time(NULL);
    e.vault_id = o->vault_id && *o->vault_id ? o->vault_id : NULL;
    if (o->scan) {
        e.scan = o->scan;
        e.archives = e.spool = 1;
        e.tmpdir = o->scan->tmpdir;
    } else {
        /* No scanner configured: the built-in rules, without scanning or archives. */
        scan_settings_init(&builtin);
        builtin.av = SCAN_AV_OFF;
        e.scan = &builtin;
    }

    if (!e.tmpdir)
        e.tmpdir = p->spool_dir;
    if (fstat(fd, &st) < 0) {
        engine_fail(&e, ENGINE_STOP_ERROR, "cannot stat message: %s", strerror(errno));
        goto out;
    }
    e.rep->bytes_in = (unsigned long long)st.st_size;
    if ((size_t)st.st_size > p->max_message_size) {
        engine_fail(&e, ENGINE_STOP_SIZE, "message size %lld exceeds the limit of %zu bytes",
                    (long long)st.st_size, p->max_message_size);
        goto out;
    }
    if (p->mode != POLICY_MODE_TEXT) {
        engine_fail(&e, ENGINE_STOP_ERROR, "mode %s is not available", e.rep->mode);
        goto out;
    }
    if (engine_message_sha256(&e, fd) < 0 || !(stream = engine_frame(&e, fd)))
        goto out;
    if (e.scan->av != SCAN_AV_OFF && engine_scan_message(&e, fd) < 0)
        goto out;
    parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_persist_stream(parser, TRUE);
    popts = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(popts, engine_parser_warning, e.rep);
    msg = g_mime_parser_construct_message(parser, popts);
    if (!msg) {
        engine_fail(&e, ENGINE_STOP_LIMIT, "not a parsable message");
        goto out;
    }
    if (msg->mime_part)
        engine_walk(&e, msg->mime_part, "1", 1, ENGINE_ROLE_BODY, NULL, &body);
    if (e.after.len) {
        if (body.len)
            strbuf_puts(&body, "\n\n");
        strbuf_append(&body, e.after.s, e.after.len);
    }
    if (!e.stop && body.oom)
        engine_fail(&e, ENGINE_STOP_ERROR, "out of memory");
    if (!e.stop) {
        /* Once more over the whole body: whatever put text there, nothing
         * encoded, no control and no live link reaches the output. */
        size_t clen = 0;
        char *clean = engine_clean_text(&e, "1", body.s ? body.s : "", body.len, &clen);
        strbuf_free(&body);
        if (clean) {
            body.s = clean;
            body.len = clen;
            body.alloc = clen + 1;
        }
    }
    if (!e.stop)
        textmail_build(&e, msg, &body, o->crlf, res);
out:
    engine_set_verdict(&e, res);
    e.rep->verdict = engine_verdict_name(res->verdict);
    if (res->verdict == ENGINE_REJECT || res->verdict == ENGINE_QUARANTINE) {
        res->keep_original = 1;
        e.rep->keep_reason = e.rep->virus && !e.stop ? "virus" : e.rep->verdict;
    } else if (res->verdict == ENGINE_SANITIZED && e.rep->removed > 0) {
        res->keep_original = 1;
        e.rep->keep_reason = "removed";
    } else if (res->verdict == ENGINE_SANITIZED && (e.text_cut || e.alt_lost)) {
        /* Text the recipient does not get is kept as well. */
        res->keep_original = 1;
        e.rep->keep_reason = "text-not-delivered";
    }
    e.rep->keep_original = res->keep_original;
    if (res->reason && !e.rep->reason)
        e.rep->reason = strdup(res->reason);
    if (res->verdict != ENGINE_SANITIZED) {
        /* Nothing of a refused message may be delivered. */
        for (size_t i = 0; i < res->nheaders; i++) {
            free(res->headers[i].name);
            free(res->headers[i].value);
        }
        free(res->headers);
        res->headers = NULL;
        res->nheaders = 0;
        free(res->body);
        res->body = NULL;
        res->body_len = 0;
    }
    strbuf_free(&body);
    strbuf_free(&e.after);
    free(e.stop_reason);
    free(e.quarantine_reason);
    scan_db_unref(e.db);
    /* The message goes before the options: header lists hold clones of them. */
    if (msg)
        g_object_unref(msg);
    if (parser)
        g_object_unref(parser);
    if (stream)
        g_object_unref(stream);
    if (popts)
        g_mime_parser_options_free(popts);
    return 0;
}

/* engine_write_eol - write text converting LF to the chosen line end */
static int engine_write_eol(int fd, const char *s, size_t len, int crlf)
{
    if (!crlf)
        return fdio_write_all(fd, s, len);
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (fdio_write_all(fd, p, n) < 0 || (nl && fdio_write_all(fd, "\r\n", 2) < 0))
            return -1;
        p += n + (nl != NULL);
    }
    return 0;
}

/* engine_write - write the sanitized message to fd */
int engine_write(const engine_result *res, int fd, int crlf)
{
    if (res->verdict != ENGINE_SANITIZED)
        return -1;
    strbuf h = { 0 };
    for (size_t i = 0; i < res->nheaders; i++)
        strbuf_printf(&h, "%s: %s\n", res->headers[i].name, res->headers[i].value);
    strbuf_puts(&h, "\n");
    int rc = h.oom ? -1 : engine_write_eol(fd, h.s, h.len, crlf);
    strbuf_free(&h);
    if (rc == 0)
        rc = fdio_write_all(fd, res->body, res->body_len);
    return rc;
}

/* engine_result_free - release everything engine_run put into res */
void engine_result_free(engine_result *res)
{
    for (size_t i = 0; i < res->nheaders; i++) {
        free(res->headers[i].name);
        free(res->headers[i].value);
    }
    free(res->headers);
    for (size_t i = 0; i < res->ndelete; i++)
        free(res->delete_headers[i]);
    free(res->delete_headers);
    free(res->body);
    free(res->reason);
    report_free(res->report);
    memset(res, 0, sizeof(*res));
}
