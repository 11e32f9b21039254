/*
 * NAME
 *	audit - the append-only, hash-chained log of vault actions
 * DESCRIPTION
 *	See audit.h for the format and guarantees. Verification reports the
 *	first problem and names the record by line and seq: an edited
 *	record fails its own hash; a removed record leaves a gap in seq; a
 *	moved record is out of seq and found later; a record edited with
 *	its hash recomputed breaks the next record's prev.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <syslog.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "sanitizer/strbuf.h"
#include "vault/audit.h"
#include "sanitizer/digest.h"
#include "vault/vault_file.h"

#define AUDIT_ZERO_HASH	"0000000000000000000000000000000000000000000000000000000000000000"
/* ,"prev":"<64>","hash":"<64>"} */
#define AUDIT_TAIL_LEN	149
#define AUDIT_HASH_TAIL	75	/* ,"hash":"<64>"} */

/* audit_sha256 - hex SHA-256 of len octets */
static int audit_sha256(const void *p, size_t len, char hex[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    if (EVP_Digest(p, len, d, &dlen, digest_sha256(), NULL) != 1 || dlen != 32)
        return -1;
    vault_file_hex(d, 32, hex);
    return 0;
}

/* audit_head_mac - hex HMAC-SHA256 under key of the head "seq hash" */
static int audit_head_mac(const unsigned char *key, unsigned long long seq, const char *hash,
                          char hex[65])
{
    char msg[128];
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    int n = snprintf(msg, sizeof(msg), "mugai-audit-head %llu %s", seq, hash);
    if (!HMAC(digest_sha256(), key, AUDIT_KEY_SIZE, (const unsigned char *)msg, (size_t)n, d,
              &dlen) || dlen != 32)
        return -1;
    vault_file_hex(d, 32, hex);
    return 0;
}

/* audit_utf8_len - length of the valid UTF-8 sequence at p (n left), or 0 */
static size_t audit_utf8_len(const unsigned char *p, size_t n)
{
    size_t len;
    unsigned min;
    unsigned cp;
    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0) { len = 2; min = 0x80; cp = p[0] & 0x1f; }
    else if ((p[0] & 0xf0) == 0xe0) { len = 3; min = 0x800; cp = p[0] & 0x0f; }
    else if ((p[0] & 0xf8) == 0xf0) { len = 4; min = 0x10000; cp = p[0] & 0x07; }
    else return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* audit_json_str - append s as a JSON string, escaped, capped */
static void audit_json_str(strbuf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p), start = b->len;
    strbuf_puts(b, "\"");
    while (n > 0) {
        if (b->len - start > AUDIT_FIELD_MAX) {
            strbuf_puts(b, "...");
            break;
        }
        size_t l = audit_utf8_len(p, n);
        if (l == 0) {
            strbuf_puts(b, "\\ufffd");	/* not UTF-8: never copy raw */
            p++, n--;
            continue;
        }
        if (l > 1) {
            strbuf_append(b, p, l);
        } else if (*p == '"' || *p == '\\') {
            strbuf_printf(b, "\\%c", *p);
        } else if (*p == '\n') {
            strbuf_puts(b, "\\n");
        } else if (*p == '\t') {
            strbuf_puts(b, "\\t");
        } else if (*p < 0x20 || *p == 0x7f) {
            strbuf_printf(b, "\\u%04x", *p);
        } else {
            strbuf_append(b, p, 1);
        }
        p += l, n -= l;
    }
    strbuf_puts(b, "\"");
}

/* audit_now - ISO 8601 local time with a "+09:00" style offset */
static void audit_now(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    char z[8];
    clock_gettime(CLOCK_REALTIME, &ts);
    if (!localtime_r(&ts.tv_sec, &tm) ||
        strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
        strftime(z, sizeof(z), "%z", &tm) != 5) {
        snprintf(buf, len, "1970-01-01T00:00:00+00:00");
        return;
    }
    size_t n = strlen(buf);
    snprintf(buf + n, len - n, "%c%c%c:%c%c", z[0], z[1], z[2], z[3], z[4]);
}

/* audit_parse - seq, prev and hash of one line (no newline); 0 or -1 */
static int audit_parse(const char *line, size_t len, unsigned long long *seq,
                       char prev[65], char hash[65])
{
    static const char head[] = "{\"seq\":";
    if (len < sizeof(head) - 1 + AUDIT_TAIL_LEN || memcmp(line, head, sizeof(head) - 1) != 0)
        return -1;
    const char *p = line + sizeof(head) - 1;
    unsigned long long v = 0;
    if (*p < '1' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (*p != ',')
        return -1;
    const char *t = line + len - AUDIT_TAIL_LEN;
    if (memcmp(t, ",\"prev\":\"", 9) != 0 || memcmp(t + 73, "\",\"hash\":\"", 10) != 0 ||
        memcmp(t + 147, "\"}", 2) != 0)
        return -1;
    for (int i = 0; i < 64; i++) {
        char a = t[9 + i], c = t[83 + i];
        if (!((a >= '0' && a <= '9') || (a >= 'a' && a <= 'f')) ||
            !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return -1;
    }
    memcpy(prev, t + 9, 64);
    prev[64] = 0;
    memcpy(hash, t + 83, 64);
    hash[64] = 0;
    *seq = v;
    return 0;
}

/* audit_lock - flock with a bounded wait */
static int audit_lock(int fd, int how, unsigned ms)
{
    for (unsigned waited = 0;; waited += 10) {
        if (flock(fd, how | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        if (waited >= ms) {
            errno = EWOULDBLOCK;
            return -1;
        }
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
}

/* audit_last - seq and hash of the last record of an open log of size sz */
static int audit_last(int fd, off_t sz, unsigned long long *seq, char hash[65],
                      char *err, size_t errlen, const char *path)
{
    if (sz == 0) {
        *seq = 0;
        memcpy(hash, AUDIT_ZERO_HASH, 65);
        return 0;
    }
    size_t want = sz < (off_t)AUDIT_LINE_MAX + 1 ? (size_t)sz : AUDIT_LINE_MAX + 1;
    char *buf = malloc(want);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    ssize_t n = pread(fd, buf, want, sz - (off_t)want);
    if (n != (ssize_t)want) {
        snprintf(err, errlen, "audit log %s: cannot read its last record: %s", path,
                 n < 0 ? strerror(errno) : "short read");
        free(buf);
        return -1;
    }
    if (buf[want - 1] != '\n') {
        snprintf(err, errlen, "audit log %s ends with an incomplete record: "
                 "run 'mugai audit verify'", path);
        free(buf);
        return -1;
    }
    size_t end = want - 1, start = end;
    while (start > 0 && buf[start - 1] != '\n')
        start--;
    char prev[65];
    if ((start == 0 && (off_t)want < sz) ||
        audit_parse(buf + start, end - start, seq, prev, hash) < 0) {
        snprintf(err, errlen, "audit log %s: its last record is malformed: "
                 "run 'mugai audit verify'", path);
        free(buf);
        return -1;
    }
    free(buf);
    return 0;
}

/* audit_head_path - PATH.head */
static int audit_head_path(const char *path, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s.head", path);
    return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

/* audit_dir - directory of path */
static void audit_dir(const char *path, char *buf, size_t len)
{
    snprintf(buf, len, "%s", path);
    char *s = strrchr(buf, '/');
    if (!s)
        snprintf(buf, len, ".");
    else if (s == buf)
        buf[1] = 0;
    else
        *s = 0;
}

/* audit_write_head - replace PATH.head with "seq hash[ mac]\n" */
static int audit_write_head(const char *path, unsigned long long seq, const char *hash,
                            const unsigned char *key)
{
    char hp[4096], dir[4096], line[256], mac[65];
    vault_file_tmp t;
    if (audit_head_path(path, hp, sizeof(hp)) < 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    audit_dir(path, dir, sizeof(dir));
    if (vault_file_tmp_open(&t, dir) < 0)
        return -1;
    int n;
    if (!key)
        n = snprintf(line, sizeof(line), "%llu %s\n", seq, hash);
    else if (audit_head_mac(key, seq, hash, mac) == 0)
        n = snprintf(line, sizeof(line), "%llu %s %s\n", seq, hash, mac);
    else {
        vault_file_tmp_discard(&t);
        errno = ENOMEM;
        return -1;
    }
    /* Readable like the log itself, so an auditor in the group can verify. */
    if (fchmod(t.fd, 0640) < 0 || vault_file_write_all(t.fd, line, (size_t)n) < 0) {
        vault_file_tmp_discard(&t);
        return -1;
    }
    return vault_file_commit(&t, hp, 0);
}

/* audit_append - add one record at the end of the chain */
int audit_append(const char *path, gid_t gid, const unsigned char *key,
                 const char *actor, unsigned long uid,
                 const char *action, const char *id, const char *detail,
                 unsigned lock_ms, char *err, size_t errlen)
{
    strbuf b = { 0 };
    char now[64], last[65], hash[65];
    unsigned long long seq;
    int rc = -1;
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) {
        snprintf(err, errlen, "audit log %s: %s", path, strerror(errno));
        return -1;
    }
    if (audit_lock(fd, LOCK_EX, lock_ms) < 0) {
        snprintf(err, errlen, "audit log %s: cannot lock it: %s", path,
                 errno == EWOULDBLOCK ? "held by another process" : strerror(errno));
        close(fd);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "audit log %s is not a regular file", path);
        goto done;
    }
    if (st.st_size == 0 && gid != (gid_t)-1 && st.st_uid == geteuid())
        if (fchown(fd, (uid_t)-1, gid) < 0) {	/* readable by the vault group */
            snprintf(err, errlen, "audit log %s: cannot set its group: %s", path, strerror(errno));
            goto done;
        }
    if (audit_last(fd, st.st_size, &seq, last, err, errlen, path) < 0)
        goto done;

    audit_now(now, sizeof(now));
    strbuf_printf(&b, "{\"seq\":%llu,\"time\":\"%s\",\"actor\":", seq + 1, now);
    audit_json_str(&b, actor);
    strbuf_printf(&b, ",\"uid\":%lu,\"action\":", uid);
    audit_json_str(&b, action);
    strbuf_puts(&b, ",\"id\":");
    audit_json_str(&b, id);
    strbuf_puts(&b, ",\"detail\":");
    audit_json_str(&b, detail);
    strbuf_printf(&b, ",\"prev\":\"%s\"", last);
    if (b.oom || audit_sha256(b.s, b.len, hash) < 0) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    strbuf_printf(&b, ",\"hash\":\"%s\"}\n", hash);
    if (b.oom) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    /* One write: a reader or a crash sees the record whole or not at all;
     * a partial one is cut off again below. */
    ssize_t w = write(fd, b.s, b.len);
    if (w != (ssize_t)b.len || fsync(fd) < 0) {
        int e = w < 0 ? errno : (errno ? errno : ENOSPC);
        snprintf(err, errlen, "audit log %s: cannot append: %s%s", path, strerror(e),
                 vault_file_disk_full(e) ? " (disk full)" : "");
        if (ftruncate(fd, st.st_size) < 0 || fsync(fd) < 0)
            snprintf(err, errlen, "audit log %s: cannot append (%s) nor cut back a partial record: "
                     "run 'mugai audit verify'", path, strerror(e));
        goto done;
    }
    if (audit_write_head(path, seq + 1, hash, key) < 0) {
        int e = errno;
        snprintf(err, errlen, "audit log %s: cannot update its head: %s", path, strerror(e));
        if (ftruncate(fd, st.st_size) < 0 || fsync(fd) < 0)
            snprintf(err, errlen, "audit log %s: head not updated (%s) and record not removed: "
                     "run 'mugai audit verify'", path, strerror(e));
        goto done;
    }
    /* The head off the host: a rollback to an earlier, authentic chain
     * shows against what the log host received. */
    syslog(LOG_AUTHPRIV | LOG_NOTICE, "mugai audit head: log=%s seq=%llu hash=%s action=%s",
           path, seq + 1, hash, action);
    rc = 0;
done:
    strbuf_free(&b);
    flock(fd, LOCK_UN);
    close(fd);
    return rc;
}

/* audit_problem_name - the problem as a word */
const char *audit_problem_name(audit_problem p)
{
    switch (p) {
    case AUDIT_INTACT: return "intact";
    case AUDIT_EDITED: return "edited";
    case AUDIT_DELETED: return "deleted";
    case AUDIT_REORDERED: return "reordered";
    case AUDIT_CHAIN: return "chain broken";
    case AUDIT_MALFORMED: return "malformed";
    case AUDIT_TRUNCATED: return "truncated";
    case AUDIT_HEAD: return "head";
    case AUDIT_FORGED: return "not authenticated";
    }
    return "unknown";
}

/* audit_find_seq - 1 if a record with this seq occurs in f (rewound) */
static int audit_find_seq(FILE *f, unsigned long long want)
{
    char *line = NULL, prev[65], hash[65];
    size_t cap = 0;
    ssize_t n;
    int found = 0;
    unsigned long long seq;
    rewind(f);
    while (!found && (n = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)n - (line[n - 1] == '\n');
        if (audit_parse(line, len, &seq, prev, hash) == 0 && seq == want)
            found = 1;
    }
    free(line);
    return found;
}

/* audit_fail - record the first problem */
static int audit_fail(audit_report *rep, audit_problem p, unsigned long long line,
                      unsigned long long seq, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int audit_fail(audit_report *rep, audit_problem p, unsigned long long line,
                      unsigned long long seq, const char *fmt, ...)
{
    va_list ap;
    rep->problem = p;
    rep->line = line;
    rep->seq = seq;
    va_start(ap, fmt);
    vsnprintf(rep->what, sizeof(rep->what), fmt, ap);
    va_end(ap);
    return 1;
}

/* audit_check_head - compare PATH.head with the last record read */
static int audit_check_head(const char *path, const unsigned char *key, audit_report *rep,
                            unsigned long long seq, const char *hash, unsigned long long lines)
{
    char hp[4096], want[65], mac[65] = "", calc[65];
    unsigned long long hseq;
    if (audit_head_path(path, hp, sizeof(hp)) < 0)
        return audit_fail(rep, AUDIT_HEAD, 0, 0, "head file name too long");
    FILE *h = fopen(hp, "re");
    if (!h) {
        if (errno == ENOENT && lines == 0 && !key)
            return 0;
        return audit_fail(rep, AUDIT_HEAD, 0, seq, "head file %s: %s: removal of "
                          "records at the end cannot be ruled out", hp, strerror(errno));
    }
    int nf = fscanf(h, "%llu %64[0-9a-f] %64[0-9a-f]", &hseq, want, mac);
    int ok = nf >= 2;
    fclose(h);
    if (!ok)
        return audit_fail(rep, AUDIT_HEAD, 0, seq, "head file %s is malformed", hp);
    if (hseq > seq)
        return audit_fail(rep, AUDIT_TRUNCATED, lines + 1, seq + 1,
                          "record %llu (expected after line %llu) is missing: records "
                          "%llu..%llu deleted at the end", seq + 1, lines, seq + 1, hseq);
    if (hseq < seq)
        return audit_fail(rep, AUDIT_HEAD, lines, seq, "head file records seq %llu but the "
                          "log goes to %llu: head replaced", hseq, seq);
    if (strcmp(want, hash) != 0)
        return audit_fail(rep, AUDIT_EDITED, lines, seq, "record %llu (line %llu) differs "
                          "from the head's hash: edited", seq, lines);
    if (!key)
        return 0;
    if (nf < 3 || audit_head_mac(key, hseq, want, calc) < 0 || strcmp(calc, mac) != 0)
        return audit_fail(rep, AUDIT_FORGED, lines, seq, "head file %s is %s by the vault's "
                          "key: the chain was rewritten without it", hp,
                          nf < 3 ? "not authenticated" : "not authenticated (wrong MAC)");
    rep->authenticated = 1;
    return 0;
}

/* audit_verify - walk the whole chain */
int audit_verify(const char *path, const unsigned char *key, audit_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(rep->what, sizeof(rep->what), "audit log %s: %s", path, strerror(errno));
        return -1;
    }
    if (audit_lock(fileno(f), LOCK_SH, AUDIT_LOCK_MS_DEFAULT) < 0) {
        snprintf(rep->what, sizeof(rep->what), "audit log %s: cannot lock it: %s", path,
                 strerror(errno));
        fclose(f);
        return -1;
    }
    char *line = NULL, prev[65], hash[65], calc[65], last[65];
    size_t cap = 0;
    ssize_t n;
    unsigned long long lineno = 0, expect = 1, seq = 0;
    int rc = 0;
    memcpy(last, AUDIT_ZERO_HASH, 65);
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[n - 1] != '\n') {
            rc = audit_fail(rep, AUDIT_MALFORMED, lineno, expect,
                            "line %llu: incomplete record at the end of the log", lineno);
            break;
        }
        size_t len = (size_t)n - 1;
        if (len > AUDIT_LINE_MAX || audit_parse(line, len, &seq, prev, hash) < 0) {
            rc = audit_fail(rep, AUDIT_MALFORMED, lineno, expect,
                            "line %llu: not a well-formed record (expected seq %llu): edited",
                            lineno, expect);
            break;
        }
        if (audit_sha256(line, len - AUDIT_HASH_TAIL, calc) < 0) {
            snprintf(rep->what, sizeof(rep->what), "out of memory");
            rc = -1;
            break;
        }
        if (strcmp(calc, hash) != 0) {
            rc = audit_fail(rep, AUDIT_EDITED, lineno, seq, "record %llu (line %llu): "
                            "content does not match its hash: edited", seq, lineno);
            break;
        }
        if (seq != expect) {
            long pos = ftell(f);
            int later = seq > expect && audit_find_seq(f, expect);
            if (pos >= 0)
                fseek(f, pos, SEEK_SET);
            if (seq > expect && !later)
                rc = audit_fail(rep, AUDIT_DELETED, lineno, expect, "record %llu is missing "
                                "(line %llu holds record %llu): deleted", expect, lineno, seq);
            else
                rc = audit_fail(rep, AUDIT_REORDERED, lineno, seq, "record %llu (line %llu) "
                                "is out of order, expected record %llu: reordered",
                                seq, lineno, expect);
            break;
        }
        if (strcmp(prev, last) != 0) {
            rc = audit_fail(rep, AUDIT_CHAIN, lineno, seq, "record %llu (line %llu): previous-"
                            "record hash does not match record %llu: record %llu was edited "
                            "or replaced", seq, lineno, seq - 1, seq - 1);
            break;
        }
        /* One key per chain: a second audit-key record means the key was
         * replaced (deleted, then made anew), and a new key could vouch
         * for a rewritten chain. Escaped values cannot hold this text. */
        if (strstr(line, ",\"action\":\"audit-key\"")) {
            if (rep->key_seq) {
                rc = audit_fail(rep, AUDIT_FORGED, lineno, seq, "record %llu (line %llu): a "
                                "second audit key (the first is record %llu): the key was "
                                "replaced", seq, lineno, rep->key_seq);
                break;
            }
            rep->key_seq = seq;
        }
        memcpy(last, hash, 65);
        rep->records++;
        expect++;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(rep->what, sizeof(rep->what), "audit log %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc == 0)
        rc = audit_check_head(path, key, rep, expect - 1, last, lineno);
    if (rc == 0)
        snprintf(rep->what, sizeof(rep->what), "%llu records, chain intact%s", rep->records,
                 rep->authenticated ? ", head authenticated by the vault's key" : "");
    free(line);
    fclose(f);
    return rc;
}

/* audit_hex4 - value of 4 hex digits, or -1 */
static long audit_hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = (unsigned char)p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* audit_field - after the literal key at *p, a JSON string written by
 *	audit_json_str, unescaped in place into out (as long as the line);
 *	*p moves past it. 0 or -1. */
static int audit_field(char **p, const char *key, char *out)
{
    size_t kl = strlen(key);
    if (strncmp(*p, key, kl) != 0 || (*p)[kl] != '"')
        return -1;
    char *s = *p + kl + 1, *o = out;
    for (; *s && *s != '"'; s++) {
        if (*s != '\\') {
            *o++ = *s;
            continue;
        }
        s++;
        if (*s == 'n') *o++ = '\n';
        else if (*s == 't') *o++ = '\t';
        else if (*s == '"' || *s == '\\') *o++ = *s;
        else if (*s == 'u') {
            long v = audit_hex4(s + 1);
            if (v < 0)
                return -1;
            if (v < 0x80) {
                *o++ = (char)v;
            } else {	/* only U+FFFD is written this way */
                *o++ = (char)(0xe0 | (v >> 12));
                *o++ = (char)(0x80 | ((v >> 6) & 0x3f));
                *o++ = (char)(0x80 | (v & 0x3f));
            }
            s += 4;
        } else
            return -1;
    }
    if (*s != '"')
        return -1;
    *o = 0;
    *p = s + 1;
    return 0;
}

/* audit_split - the fields of one record line (no newline), into buf
 *	(4 times as long as the line) */
static int audit_split(char *line, char *buf, audit_record *r)
{
    char *p = line, *end;
    size_t len = strlen(line);
    char *actor = buf, *action = buf + len + 1, *id = action + len + 1, *detail = id + len + 1;
    char time[128];
    if (strncmp(p, "{\"seq\":", 7) != 0)
        return -1;
    r->seq = strtoull(p + 7, &end, 10);
    p = end;
    if (strncmp(p, ",\"time\":\"", 9) != 0 || !(end = strchr(p + 9, '"')) ||
        (size_t)(end - p - 9) >= sizeof(time))
        return -1;
    p = end + 1;
    if (audit_field(&p, ",\"actor\":", actor) < 0 || strncmp(p, ",\"uid\":", 7) != 0)
        return -1;
    r->uid = strtoul(p + 7, &end, 10);
    p = end;
    if (audit_field(&p, ",\"action\":", action) < 0 || audit_field(&p, ",\"id\":", id) < 0 ||
        audit_field(&p, ",\"detail\":", detail) < 0)
        return -1;
    r->actor = actor;
    r->action = action;
    r->id = id;
    r->detail = detail;
    return 0;
}

/* audit_walk - each record to cb */
int audit_walk(const char *path, audit_record_cb cb, void *arg)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    if (audit_lock(fileno(f), LOCK_SH, AUDIT_LOCK_MS_DEFAULT) < 0) {
        fclose(f);
        return -1;
    }
    char *line = NULL, *buf = NULL;
    size_t cap = 0, bcap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = 0;
        if ((size_t)n * 4 + 4 > bcap) {
            char *nb = realloc(buf, (size_t)n * 4 + 4);
            if (!nb) {
                rc = -1;
                break;
            }
            buf = nb;
            bcap = (size_t)n * 4 + 4;
        }
        audit_record r;
        if (audit_split(line, buf, &r) == 0)
            rc = cb(&r, arg);
    }
    if (rc == 0 && ferror(f))
        rc = -1;
    free(line);
    free(buf);
    fclose(f);
    return rc;
}
