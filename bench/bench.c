/*
 * NAME
 *	bench - engine throughput per message class, one core
 * DESCRIPTION
 *	Generates the corpus (4 KB plain text; 60 KB HTML+text alternative;
 *	1 MB and 10 MB base64 attachments) in private files, runs engine_run
 *	on each class for a fixed time and prints messages/s and MB/s. The
 *	baseline, measured in the same run on the same files, is reading the
 *	file and hashing it with SHA-256 once: the floor of any engine that
 *	must hash what it removes. Peak RSS is reported per class, so growth
 *	with attachment size (which must stay flat) is visible.
 *
 *	Three more classes run with virus scanning and archive walking on,
 *	as the gateway does: a 1 MB .docx (a real OOXML zip with media), a
 *	5 MB PDF of text pages and a zip of 100 small files, each a base64
 *	attachment. They scan with the project's test signatures
 *	(samples/test-signatures, loaded once) and write their temporary
 *	files in a private directory under /tmp, removed at exit. Each of
 *	their runs gets a new message (libclamav would skip files it has
 *	already found clean); only engine time is counted, and peak RSS is
 *	the highest of single runs.
 *	Usage: mugai-bench [seconds-per-class]
 *	       mugai-bench -w DIR   writes those three messages as
 *	                            DIR/docx.eml, pdf.eml, zip.eml (bench/smtp.sh)
 * ENVIRONMENT
 *	BENCH_CLASS  run only this class (0..6), for profiling
 *	BENCH_DB     signature directory (default: samples/test-signatures
 *	             of the source tree the binary was built in)
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <openssl/evp.h>
#include <zip.h>
#include "sanitizer/engine.h"
#include "sanitizer/scan.h"
#include "sanitizer/strbuf.h"

/* bench_now - seconds, monotonic */
static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bench_rss_mb - peak resident set since the last reset (VmHWM), MB */
static double bench_rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = 0;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "VmHWM: %lf", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb / 1024.0;
}

/* bench_reset_peak - start a new peak-RSS measurement (Linux clear_refs "5") */
static void bench_reset_peak(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    if (fd >= 0) {
        if (write(fd, "5", 1) != 1)
            perror("clear_refs");
        close(fd);
    }
}

/* bench_b64 - append base64 of n pseudo-random octets in 76-column lines */
static void bench_b64(strbuf *b, size_t n, unsigned seed)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char line[78];
    size_t l = 0;
    unsigned x = seed;
    for (size_t i = 0; i < n; i += 3) {
        x = x * 1103515245u + 12345u;
        unsigned v = x >> 8;
        line[l++] = al[(v >> 18) & 63];
        line[l++] = al[(v >> 12) & 63];
        line[l++] = al[(v >> 6) & 63];
        line[l++] = al[v & 63];
        if (l == 76) {
            line[l++] = '\n';
            strbuf_append(b, line, l);
            l = 0;
        }
    }
    line[l++] = '\n';
    strbuf_append(b, line, l);
}

static const char *BENCH_HDR =
    "From: =?ISO-2022-JP?B?GyRCRURDZhsoQg==?= <tanaka@example.co.jp>\n"
    "To: soumu@city.example.lg.jp\nDate: Thu, 26 Nov 2026 09:00:00 +0900\n"
    "Message-ID: <bench@example.co.jp>\nSubject: =?UTF-8?B?5L6L44Gu5Lu2?=\nMIME-Version: 1.0\n";

/* bench_text - Japanese-and-ASCII prose of about n octets */
static void bench_text(strbuf *b, size_t n)
{
    const char *para = "いつもお世話になっております。来週の打合せの件でご連絡します。"
                       "Agenda: https://www.example.com/agenda?id=7 please review.\n";
    while (b->len < n)
        strbuf_puts(b, para);
}

/* bench_mail - build one message of a class into a private file */
static int bench_mail(int cls, size_t *size)
{
    strbuf b = { 0 };
    strbuf_puts(&b, BENCH_HDR);
    if (cls == 0) {
        strbuf_puts(&b, "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n");
        bench_text(&b, 4096);
    } else if (cls == 1) {
        strbuf_puts(&b, "Content-Type: multipart/alternative; boundary=\"a\"\n\n--a\n"
                        "Content-Type: text/plain; charset=UTF-8\n\n");
        bench_text(&b, 20000);
        strbuf_puts(&b, "\n--a\nContent-Type: text/html; charset=UTF-8\n\n<html><body>");
        while (b.len < 60000)
            strbuf_puts(&b, "<p>お知らせ <a href=\"https://example.com/x\">リンク</a></p>"
                            "<table><tr><td>項目</td><td>値</td></tr></table>\n");
        strbuf_puts(&b, "</body></html>\n--a--\n");
    }
    int fd = memfd_create("bench", MFD_CLOEXEC);
    if (fd < 0 || write(fd, b.s, b.len) != (ssize_t)b.len) {
        perror("bench");
        exit(1);
    }
    *size = b.len;
    if (cls >= 2) {
        /* Written a slice at a time: the bench's own buffer must not count as the engine's memory. */
        size_t n = cls == 2 ? 1u << 20 : 10u << 20;
        strbuf_free(&b);
        strbuf_puts(&b, "Content-Type: multipart/mixed; boundary=\"m\"\n\n--m\n"
                        "Content-Type: text/plain; charset=UTF-8\n\n添付します。\n--m\n"
                        "Content-Type: application/octet-stream; name=\"data.bin\"\n"
                        "Content-Transfer-Encoding: base64\n\n");
        for (size_t done = 0; done < n; done += 57 * 1024) {
            bench_b64(&b, 57 * 1024, (unsigned)(cls + done));
            if (write(fd, b.s, b.len) != (ssize_t)b.len) {
                perror("bench");
                exit(1);
            }
            *size += b.len;
            b.len = 0;
        }
        strbuf_puts(&b, "--m--\n");
        if (write(fd, b.s, b.len) != (ssize_t)b.len) {
            perror("bench");
            exit(1);
        }
        *size += b.len;
    }
    strbuf_free(&b);
    return fd;
}

/* bench_die - the bench cannot go on */
static void bench_die(const char *what)
{
    perror(what);
    exit(1);
}

/* bench_put - write all of buf to fd */
static void bench_put(int fd, const void *buf, size_t len)
{
    if (write(fd, buf, len) != (ssize_t)len)
        bench_die("bench: write");
}

/* bench_rand - the next pseudo-random 32 bits of *x: the corpus is the same every run */
static unsigned bench_rand(unsigned *x)
{
    *x = *x * 1103515245u + 12345u;
    return *x >> 8 ^ *x << 13;
}

/* bench_words - append pseudo-random prose of about n octets, lines of cols octets */
static void bench_words(strbuf *b, size_t n, size_t cols, unsigned *x)
{
    static const char *const w[] = {
        "the", "municipal", "network", "budget", "report", "meeting", "schedule",
        "residents", "office", "approval", "request", "document", "section",
        "annual", "plan", "review", "committee", "service", "public", "notice",
        "department", "system", "update", "contract", "payment", "invoice",
        "quarter", "summary", "project", "survey", "results", "attached",
        "please", "confirm", "by", "Friday", "and", "of", "to", "for", "with",
        "in", "on", "data", "record", "total", "2026", "April", "city", "ward"
    };
    size_t end = b->len + n, line = 0;
    while (b->len < end) {
        const char *s = w[bench_rand(x) % (sizeof(w) / sizeof(w[0]))];
        size_t l = strlen(s);
        if (line && line + 1 + l > cols) {
            strbuf_puts(b, "\n");
            line = 0;
        } else if (line) {
            strbuf_puts(b, " ");
            line++;
        }
        strbuf_append(b, s, l);
        line += l;
    }
}

/* bench_crc32 - CRC-32 (ISO 3309) as PNG chunks need it, continued from c */
static unsigned long bench_crc32(unsigned long c, const unsigned char *p, size_t n)
{
    c ^= 0xffffffffUL;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320UL ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffUL;
}

/* bench_be32 - append v as 4 big-endian octets */
static void bench_be32(strbuf *b, unsigned long v)
{
    unsigned char o[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 8), (unsigned char)v };
    strbuf_append(b, (const char *)o, 4);
}

/* bench_png_chunk - append one PNG chunk with its CRC */
static void bench_png_chunk(strbuf *b, const char *type, const unsigned char *data, size_t n)
{
    bench_be32(b, n);
    size_t at = b->len;
    strbuf_append(b, type, 4);
    strbuf_append(b, (const char *)data, n);
    bench_be32(b, bench_crc32(0, (const unsigned char *)b->s + at, n + 4));
}

/*
 * bench_png - a valid side x side RGB PNG of noise: photographs do not
 * compress, so the media of the docx weigh what real ones do, and
 * libclamav's PNG parser sees a well-formed file.
 */
static void bench_png(strbuf *png, unsigned side, unsigned *x)
{
    strbuf raw = { 0 }, z = { 0 };
    for (unsigned y = 0; y < side; y++) {
        strbuf_append(&raw, "", 1);	/* filter type 0 */
        for (unsigned i = 0; i < side * 3; i++) {
            char c = (char)bench_rand(x);
            strbuf_append(&raw, &c, 1);
        }
    }
    /* zlib stream of stored blocks, with its Adler-32 */
    unsigned long a = 1, bb = 0;
    strbuf_append(&z, "\x78\x01", 2);
    for (size_t off = 0; off < raw.len;) {
        size_t n = raw.len - off > 65535 ? 65535 : raw.len - off;
        unsigned char h[5] = { off + n == raw.len, (unsigned char)n, (unsigned char)(n >> 8),
                               (unsigned char)~n, (unsigned char)(~n >> 8) };
        strbuf_append(&z, (const char *)h, 5);
        strbuf_append(&z, raw.s + off, n);
        for (size_t i = 0; i < n; i++) {
            a = (a + (unsigned char)raw.s[off + i]) % 65521;
            bb = (bb + a) % 65521;
        }
        off += n;
    }
    bench_be32(&z, bb << 16 | a);
    unsigned char ihdr[13] = { 0, 0, (unsigned char)(side >> 8), (unsigned char)side,
                               0, 0, (unsigned char)(side >> 8), (unsigned char)side,
                               8, 2, 0, 0, 0 };
    strbuf_append(png, "\x89PNG\r\n\x1a\n", 8);
    bench_png_chunk(png, "IHDR", ihdr, sizeof(ihdr));
    bench_png_chunk(png, "IDAT", (const unsigned char *)z.s, z.len);
    bench_png_chunk(png, "IEND", NULL, 0);
    strbuf_free(&raw);
    strbuf_free(&z);
}

/* bench_zip_add - add a copy of data as name; store: already compressed media */
static void bench_zip_add(zip_t *za, const char *name, const char *data, size_t n, int store)
{
    void *copy = malloc(n ? n : 1);
    if (!copy)
        bench_die("bench: malloc");
    memcpy(copy, data, n);
    zip_source_t *zs = zip_source_buffer(za, copy, n, 1);
    zip_int64_t i = zs ? zip_file_add(za, name, zs, ZIP_FL_ENC_UTF_8) : -1;
    if (i < 0 || (store && zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0) < 0)) {
        fprintf(stderr, "bench: zip %s: %s\n", name, zip_strerror(za));
        exit(1);
    }
}

/* bench_zip_open - a new zip archive written into memory */
static zip_t *bench_zip_open(zip_source_t **src)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_t *za = NULL;
    if (!(*src = zip_source_buffer_create(NULL, 0, 0, &err)) ||
        !(za = zip_open_from_source(*src, ZIP_TRUNCATE, &err))) {
        fprintf(stderr, "bench: zip: %s\n", zip_error_strerror(&err));
        exit(1);
    }
    zip_source_keep(*src);	/* zip_close would free it, and it holds the archive */
    return za;
}

/* bench_zip_close - finish the archive; its octets into out */
static void bench_zip_close(zip_t *za, zip_source_t *src, strbuf *out)
{
    char buf[65536];
    zip_int64_t n;
    if (zip_close(za) < 0) {
        fprintf(stderr, "bench: zip: %s\n", zip_strerror(za));
        exit(1);
    }
    if (zip_source_open(src) < 0)
        bench_die("bench: zip_source_open");
    while ((n = zip_source_read(src, buf, sizeof(buf))) > 0)
        strbuf_append(out, buf, (size_t)n);
    zip_source_close(src);
    zip_source_free(src);
}

/*
 * bench_docx - a WordprocessingML document: about 1 MB of body text in
 * word/document.xml and three photographs, about 1 MB as a file
 */
static void bench_docx(strbuf *out, unsigned seed)
{
    static const char ct[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Default Extension=\"png\" ContentType=\"image/png\"/>"
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
        "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/"
        "vnd.openxmlformats-package.core-properties+xml\"/></Types>";
    static const char rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/officeDocument\" Target=\"word/document.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/"
        "relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>";
    static const char core[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
        "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<dc:title>Annual report</dc:title><dc:creator>Bench</dc:creator></cp:coreProperties>";
    strbuf doc = { 0 }, drels = { 0 }, png = { 0 };
    unsigned x = 7 + seed * 2654435761u;
    zip_source_t *src;
    zip_t *za = bench_zip_open(&src);

    strbuf_puts(&drels, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                        "relationships\">");
    strbuf_puts(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/"
                      "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/"
                      "2006/relationships\"><w:body>");
    for (int i = 1; i <= 3; i++) {
        char name[64], rel[320];
        png.len = 0;
        bench_png(&png, 300, &x);
        snprintf(name, sizeof(name), "word/media/image%d.png", i);
        bench_zip_add(za, name, png.s, png.len, 1);
        snprintf(rel, sizeof(rel),
                 "<Relationship Id=\"rIdImg%d\" Type=\"http://schemas.openxmlformats.org/"
                 "officeDocument/2006/relationships/image\" Target=\"media/image%d.png\"/>", i, i);
        strbuf_puts(&drels, rel);
    }
    strbuf_puts(&drels, "</Relationships>");
    while (doc.len < 1024 * 1024) {
        strbuf_puts(&doc, "<w:p><w:r><w:t xml:space=\"preserve\">");
        bench_words(&doc, 600, 100000, &x);
        strbuf_puts(&doc, "</w:t></w:r></w:p>");
    }
    strbuf_puts(&doc, "<w:sectPr/></w:body></w:document>");
    bench_zip_add(za, "[Content_Types].xml", ct, strlen(ct), 0);
    bench_zip_add(za, "_rels/.rels", rels, strlen(rels), 0);
    bench_zip_add(za, "docProps/core.xml", core, strlen(core), 0);
    bench_zip_add(za, "word/document.xml", doc.s, doc.len, 0);
    bench_zip_add(za, "word/_rels/document.xml.rels", drels.s, drels.len, 0);
    bench_zip_close(za, src, out);
    strbuf_free(&doc);
    strbuf_free(&drels);
    strbuf_free(&png);
}

/* bench_pdf - a PDF 1.4 of A4 pages of text, uncompressed streams, about 5 MB */
static void bench_pdf(strbuf *out, unsigned seed)
{
    enum { PAGES_MAX = 4096 };
    static size_t off[2 * PAGES_MAX + 4];
    strbuf line = { 0 };
    unsigned x = 11 + seed * 2654435761u;
    int pages = 0;
    char tmp[256];

    strbuf_puts(out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
    off[1] = out->len;
    strbuf_puts(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[3] = out->len;
    strbuf_puts(out, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
    while (out->len < 5u * 1024 * 1024 && pages < PAGES_MAX) {
        int po = 4 + 2 * pages, co = po + 1;
        off[po] = out->len;
        snprintf(tmp, sizeof(tmp), "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
                 " /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>\nendobj\n", po, co);
        strbuf_puts(out, tmp);
        line.len = 0;
        strbuf_puts(&line, "BT /F1 9 Tf 11 TL 40 800 Td\n");
        for (int l = 0; l < 70; l++) {
            strbuf_puts(&line, "(");
            bench_words(&line, 90, 1000, &x);
            strbuf_puts(&line, ") '\n");
        }
        strbuf_puts(&line, "ET\n");
        off[co] = out->len;
        snprintf(tmp, sizeof(tmp), "%d 0 obj\n<< /Length %zu >>\nstream\n", co, line.len);
        strbuf_puts(out, tmp);
        strbuf_append(out, line.s, line.len);
        strbuf_puts(out, "\nendstream\nendobj\n");
        pages++;
    }
    off[2] = out->len;
    strbuf_puts(out, "2 0 obj\n<< /Type /Pages /Kids [");
    for (int i = 0; i < pages; i++) {
        snprintf(tmp, sizeof(tmp), "%s%d 0 R", i ? " " : "", 4 + 2 * i);
        strbuf_puts(out, tmp);
    }
    snprintf(tmp, sizeof(tmp), "] /Count %d >>\nendobj\n", pages);
    strbuf_puts(out, tmp);
    size_t xref = out->len;
    int nobj = 4 + 2 * pages;
    snprintf(tmp, sizeof(tmp), "xref\n0 %d\n0000000000 65535 f \n", nobj);
    strbuf_puts(out, tmp);
    for (int i = 1; i < nobj; i++) {
        snprintf(tmp, sizeof(tmp), "%010zu 00000 n \n", off[i]);
        strbuf_puts(out, tmp);
    }
    snprintf(tmp, sizeof(tmp), "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
             nobj, xref);
    strbuf_puts(out, tmp);
    strbuf_free(&line);
}

/* bench_zip100 - a zip of 100 small text and CSV files, deflated */
static void bench_zip100(strbuf *out, unsigned seed)
{
    strbuf f = { 0 };
    unsigned x = 13 + seed * 2654435761u;
    zip_source_t *src;
    zip_t *za = bench_zip_open(&src);
    for (int i = 0; i < 100; i++) {
        char name[64];
        f.len = 0;
        snprintf(name, sizeof(name), i % 4 ? "資料/memo-%03d.txt" : "資料/table-%03d.csv", i);
        bench_words(&f, 1000 + bench_rand(&x) % 3000, 72, &x);
        strbuf_puts(&f, "\n");
        bench_zip_add(za, name, f.s, f.len, 0);
    }
    bench_zip_close(za, src, out);
    strbuf_free(&f);
}

/*
 * bench_attach_mail - write to fd a message carrying data as a base64
 * attachment of type ctype named fname
 */
static void bench_attach_mail(int fd, const char *ctype, const char *fname, const strbuf *data,
                              size_t *size)
{
    strbuf b = { 0 };
    unsigned char line[80];
    strbuf_puts(&b, BENCH_HDR);
    strbuf_puts(&b, "Content-Type: multipart/mixed; boundary=\"m\"\n\n--m\n"
                    "Content-Type: text/plain; charset=UTF-8\n\n資料を添付します。\n--m\n"
                    "Content-Type: ");
    strbuf_puts(&b, ctype);
    strbuf_puts(&b, "; name=\"");
    strbuf_puts(&b, fname);
    strbuf_puts(&b, "\"\nContent-Disposition: attachment; filename=\"");
    strbuf_puts(&b, fname);
    strbuf_puts(&b, "\"\nContent-Transfer-Encoding: base64\n\n");
    for (size_t i = 0; i < data->len; i += 57) {
        size_t n = data->len - i < 57 ? data->len - i : 57;
        int l = EVP_EncodeBlock(line, (const unsigned char *)data->s + i, (int)n);
        line[l++] = '\n';
        strbuf_append(&b, (const char *)line, (size_t)l);
    }
    strbuf_puts(&b, "--m--\n");
    bench_put(fd, b.s, b.len);
    *size = b.len;
    strbuf_free(&b);
}

/* Private spool of the scanning classes: libclamav's and the archive walk's temporary files. */
static char bench_spool[] = "/tmp/mugai-bench-XXXXXX";

/* bench_rm - nftw callback: remove one entry of the spool */
static int bench_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 ? -1 : 0;
}

static volatile sig_atomic_t bench_child;

/* bench_forward - pass a stop signal on to the measuring process */
static void bench_forward(int sig)
{
    if (bench_child > 0)
        kill((pid_t)bench_child, sig);
}

/*
 * bench_guard - make the spool, then split: the child measures and
 * returns from here; the parent waits for it and removes the spool
 * however the child ended (error exit, signal, crash in the engine),
 * then exits with its status.
 */
static void bench_guard(void)
{
    int status;
    if (!mkdtemp(bench_spool))
        bench_die("bench: mkdtemp");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        bench_die("bench: fork");
    if (pid == 0)
        return;
    bench_child = pid;
    struct sigaction sa = { .sa_handler = bench_forward };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            status = 1 << 8;
            break;
        }
    if (nftw(bench_spool, bench_rm, 16, FTW_DEPTH | FTW_PHYS) < 0)
        fprintf(stderr, "bench: cannot remove %s: %s\n", bench_spool, strerror(errno));
    if (WIFSIGNALED(status))
        exit(128 + WTERMSIG(status));
    exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* bench_db_dir - the signature directory: BENCH_DB, else the source tree's test signatures */
static const char *bench_db_dir(void)
{
    static char path[PATH_MAX];
    const char *env = getenv("BENCH_DB");
    if (env && *env)
        return env;
    if (access("samples/test-signatures/mugai-test.ndb", R_OK) == 0)
        return "samples/test-signatures";
    /* run from elsewhere: the binary lives in BUILD/ of the source tree */
    char exe[PATH_MAX - 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = 0;
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = 0;
        }
        snprintf(path, sizeof(path), "%s/samples/test-signatures", exe);
        return path;
    }
    return "samples/test-signatures";
}

/* bench_baseline - read and SHA-256 the file once; returns seconds */
static double bench_baseline(int fd)
{
    static unsigned char buf[65536];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen;
    double t0 = bench_now();
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    lseek(fd, 0, SEEK_SET);
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        EVP_DigestUpdate(c, buf, (size_t)n);
    EVP_DigestFinal_ex(c, md, &mdlen);
    EVP_MD_CTX_free(c);
    return bench_now() - t0;
}

/*
 * bench_scan_mail - write to fd variant seed of the message of a
 * scanning class (4..6): the variants share size and structure, but
 * no file inside them is the same
 */
static void bench_scan_mail(int cls, unsigned seed, int fd, size_t *size, size_t *att)
{
    strbuf data = { 0 };
    if (cls == 4) {
        bench_docx(&data, seed);
        bench_attach_mail(fd, "application/vnd.openxmlformats-officedocument."
                          "wordprocessingml.document", "報告書.docx", &data, size);
    } else if (cls == 5) {
        bench_pdf(&data, seed);
        bench_attach_mail(fd, "application/pdf", "report.pdf", &data, size);
    } else {
        bench_zip100(&data, seed);
        bench_attach_mail(fd, "application/zip", "files.zip", &data, size);
    }
    *att = data.len;
    strbuf_free(&data);
}

/* bench_write_mails - the scanning classes' messages as DIR/{docx,pdf,zip}.eml, for bench/smtp.sh */
static int bench_write_mails(const char *dir)
{
    static const char *const files[] = { "docx", "pdf", "zip" };
    for (int cls = 4; cls <= 6; cls++) {
        char path[PATH_MAX];
        size_t size, att;
        snprintf(path, sizeof(path), "%s/%s.eml", dir, files[cls - 4]);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            bench_die(path);
        bench_scan_mail(cls, 0, fd, &size, &att);
        if (close(fd) < 0)
            bench_die(path);
    }
    return 0;
}

/*
 * bench_scan_class - run a scanning class for secs of engine time;
 * *n messages, *bytes their size, *peak the highest VmHWM of one run
 * (MB). Every run gets a new variant, written between the timed runs:
 * libclamav remembers the hashes of clean files and skips them, so
 * the same message twice would measure that cache, not a scan of new
 * mail. Returns the engine's seconds, or -1 when a message is not
 * sanitized; fd is left holding the last variant.
 */
static double bench_scan_class(const policy *p, const engine_options *o, int cls, int fd,
                               double secs, unsigned long *n, double *bytes, double *peak,
                               size_t *att)
{
    double el = 0;
    *n = 0;
    *bytes = 0;
    *peak = 0;
    do {
        size_t size;
        engine_result r;
        if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
            bench_die("bench: ftruncate");
        bench_scan_mail(cls, (unsigned)*n, fd, &size, att);
        bench_reset_peak();
        double t0 = bench_now();
        if (engine_run(p, NULL, fd, o, &r) < 0 || r.verdict != ENGINE_SANITIZED) {
            fprintf(stderr, "bench: class %d not sanitized: %s\n", cls, r.reason ? r.reason : "?");
            return -1;
        }
        engine_result_free(&r);
        el += bench_now() - t0;
        double rss = bench_rss_mb();
        if (rss > *peak)
            *peak = rss;
        *bytes += (double)size;
        (*n)++;
    } while (el < secs);
    return el;
}

int main(int argc, char **argv)
{
    enum { CLASSES = 7, FIRST_SCAN = 4 };
    static const char *names[CLASSES] = {
        "4KB text", "60KB HTML+text", "1MB attachment", "10MB attachment",
        "1MB docx", "5MB PDF", "zip 100 files"
    };
    double secs = argc > 1 ? atof(argv[1]) : 2.0;
    const char *only = getenv("BENCH_CLASS");	/* profile one class: 0..6 */
    int scanning = !only || atoi(only) >= FIRST_SCAN;
    scan_settings ss;
    char att_sz[CLASSES][32] = { { 0 } };

    if (argc == 3 && strcmp(argv[1], "-w") == 0)
        return bench_write_mails(argv[2]);
    if (scanning)
        bench_guard();
    policy *p = policy_defaults();
    engine_global_init();
    scan_settings_init(&ss);
    if (scanning) {
        char *why = NULL;
        ss.database_dir = bench_db_dir();
        ss.max_db_age_s = 0;	/* plain signature files: their age is their mtime */
        free(p->spool_dir);
        if (!(p->spool_dir = strdup(bench_spool)))
            bench_die("bench: strdup");
        if (scan_db_load(&ss, bench_spool, &ss.db, &why) < 0) {
            fprintf(stderr, "bench: cannot load %s: %s\n", ss.database_dir, why ? why : "?");
            return 1;
        }
    }
    printf("%-16s %10s %10s %12s %12s %10s\n", "class", "msgs/s", "MB/s",
           "baseline MB/s", "ratio", "peak RSS MB");
    for (int cls = 0; cls < CLASSES; cls++) {
        if (only && atoi(only) != cls)
            continue;
        size_t size, att = 0;
        unsigned long n = 0;
        double el, bytes, peak;
        int fd;
        engine_options o = { .crlf = 1, .scan = cls < FIRST_SCAN ? NULL : &ss };
        if (cls >= FIRST_SCAN) {
            if (cls == FIRST_SCAN || only)
                printf("with virus scan (%u test signatures) and archive walk, a new message"
                       " each run; attachment size:\n", scan_db_signatures(ss.db));
            if ((fd = memfd_create("bench", MFD_CLOEXEC)) < 0)
                bench_die("bench: memfd_create");
            if ((el = bench_scan_class(p, &o, cls, fd, secs, &n, &bytes, &peak, &att)) < 0)
                return 1;
            size = (size_t)lseek(fd, 0, SEEK_END);
            snprintf(att_sz[cls], sizeof(att_sz[cls]), "%.2f MB", (double)att / 1e6);
        } else {
            fd = bench_mail(cls, &size);
            bench_reset_peak();
            double t0 = bench_now();
            do {
                engine_result r;
                if (engine_run(p, NULL, fd, &o, &r) < 0 || r.verdict != ENGINE_SANITIZED) {
                    fprintf(stderr, "bench: class %s not sanitized: %s\n", names[cls],
                            r.reason ? r.reason : "?");
                    return 1;
                }
                engine_result_free(&r);
                n++;
                el = bench_now() - t0;
            } while (el < secs);
            bytes = (double)size * (double)n;
            peak = bench_rss_mb();
        }
        double base = 0;
        unsigned long bn = 0;
        double bt0 = bench_now();
        do {
            base += bench_baseline(fd);
            bn++;
        } while (bench_now() - bt0 < secs / 4);
        double mbs = bytes / el / 1e6;
        double bmbs = (double)size * (double)bn / base / 1e6;
        printf("%-16s %10.1f %10.1f %12.1f %11.3fx %10.1f%s%s\n", names[cls], (double)n / el, mbs,
               bmbs, mbs / bmbs, peak, *att_sz[cls] ? " " : "", att_sz[cls]);
        close(fd);
    }
    printf("ratio = engine MB/s / (read + SHA-256) MB/s on the same file, same run\n");
    scan_db_unref(ss.db);
    engine_global_done();
    policy_unref(p);
    return 0;
}
