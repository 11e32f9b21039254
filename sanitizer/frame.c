/*
 * NAME
 *	frame - find where the top-level header block really ends
 * DESCRIPTION
 *	One bounded read of the start of the message (the header size limit
 *	and a little more for a byte order mark and an mbox line), one pass
 *	over its lines. A line is a field when a name of printable ASCII is
 *	followed, after optional white space, by a colon (RFC 5322 and its
 *	obsolete syntax); a name alone on its line whose next line starts
 *	with white space and a colon is joined to it; any other line that is
 *	neither empty nor a continuation ends the header block, as in Postfix.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sanitizer/frame.h"
#include "sanitizer/strbuf.h"

/* Room beyond the header size limit for a byte order mark and an mbox line. */
#define FRAME_PREFIX_ROOM	2048

/* frame_name_len - octets of a field name at s (printable ASCII but colon) */
static size_t frame_name_len(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] > 32 && s[n] < 127 && s[n] != ':')
        n++;
    return n;
}

/* frame_skip_wsp - past spaces and tabs */
static size_t frame_skip_wsp(const char *s, size_t i, size_t len)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* frame_fill - read up to cap octets from offset 0; returns the count or -1 */
static ssize_t frame_fill(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    if (lseek(fd, 0, SEEK_SET) < 0)
        return -1;
    while (len < cap) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        len += (size_t)n;
    }
    return (ssize_t)len;
}

/* frame_read - see frame.h */
frame_status frame_read(int fd, size_t max_size, size_t max_fields, frame *f)
{
    size_t cap = max_size + FRAME_PREFIX_ROOM;
    char *buf = malloc(cap);
    strbuf out = { 0 };
    frame_status st = FRAME_OK;

    memset(f, 0, sizeof(*f));
    if (!buf)
        return FRAME_OUT_OF_MEMORY;
    ssize_t got = frame_fill(fd, buf, cap);
    if (got < 0) {
        free(buf);
        return FRAME_READ_ERROR;
    }
    size_t n = (size_t)got, p = 0, fields = 0;
    int eof = n < cap;
    if (n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        p = 3;
        f->bom = 1;
    }
    const char *nl = n - p >= 5 && memcmp(buf + p, "From ", 5) == 0
                         ? memchr(buf + p, '\n', n - p) : NULL;
    if (nl) {
        p = (size_t)(nl - buf) + 1;
        f->mbox = 1;
    }
    size_t hstart = p;
    for (;;) {
        if (p - hstart > max_size) {
            st = FRAME_TOO_LARGE;
            break;
        }
        if (p >= n) {
            if (!eof)
                st = FRAME_TOO_LARGE;
            f->body = (off_t)n;	/* a message of header fields only */
            if (out.len && out.s[out.len - 1] != '\n')
                strbuf_puts(&out, "\n");
            strbuf_puts(&out, "\n");
            break;
        }
        const char *e = memchr(buf + p, '\n', n - p);
        if (!e && !eof) {
            st = FRAME_TOO_LARGE;
            break;
        }
        size_t next = e ? (size_t)(e - buf) + 1 : n;
        size_t end = e ? (size_t)(e - buf) : n;
        if (end > p && buf[end - 1] == '\r')
            end--;
        if (end == p) {			/* the empty line */
            strbuf_append(&out, buf + p, next - p);
            f->body = (off_t)next;
            break;
        }
        if (buf[p] == ' ' || buf[p] == '\t') {	/* continuation */
            strbuf_append(&out, buf + p, next - p);
            p = next;
            continue;
        }
        size_t name = frame_name_len(buf + p, end - p);
        size_t q = frame_skip_wsp(buf, p + name, end);
        if (name && q < end && buf[q] == ':') {
            if (++fields > max_fields) {
                st = FRAME_TOO_MANY_FIELDS;
                break;
            }
            strbuf_append(&out, buf + p, next - p);
            p = next;
            continue;
        }
        /* A name alone, its colon on the next (folded) line. */
        if (name && q == end && next < n && (buf[next] == ' ' || buf[next] == '\t')) {
            size_t c = frame_skip_wsp(buf, next, n);
            const char *e2 = memchr(buf + next, '\n', n - next);
            if (c < n && buf[c] == ':' && (e2 || eof)) {
                size_t next2 = e2 ? (size_t)(e2 - buf) + 1 : n;
                if (++fields > max_fields) {
                    st = FRAME_TOO_MANY_FIELDS;
                    break;
                }
                strbuf_append(&out, buf + p, name);
                strbuf_append(&out, buf + c, next2 - c);
                f->folded_name = 1;
                p = next2;
                continue;
            }
        }
        /* Not a field: the body starts here, after an empty line. */
        strbuf_puts(&out, "\n");
        f->unterminated = 1;
        f->body = (off_t)p;
        break;
    }
    free(buf);
    if (st == FRAME_OK && out.oom)
        st = FRAME_OUT_OF_MEMORY;
    if (st == FRAME_OK && (f->bom || f->mbox || f->unterminated || f->folded_name))
        f->head = strbuf_steal(&out, &f->head_len);
    strbuf_free(&out);
    return st;
}

/* frame_free - release f->head */
void frame_free(frame *f)
{
    free(f->head);
    f->head = NULL;
}
