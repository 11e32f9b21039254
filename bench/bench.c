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
 *	Usage: mugai-bench [seconds-per-class]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <openssl/evp.h>
#include "sanitizer/engine.h"
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

int main(int argc, char **argv)
{
    static const char *names[] = { "4KB text", "60KB HTML+text", "1MB attachment", "10MB attachment" };
    double secs = argc > 1 ? atof(argv[1]) : 2.0;
    policy *p = policy_defaults();

    engine_global_init();
    printf("%-16s %10s %10s %12s %12s %10s\n", "class", "msgs/s", "MB/s",
           "baseline MB/s", "ratio", "peak RSS MB");
    const char *only = getenv("BENCH_CLASS");	/* profile one class: 0..3 */
    for (int cls = 0; cls < 4; cls++) {
        if (only && atoi(only) != cls)
            continue;
        size_t size;
        int fd = bench_mail(cls, &size);
        unsigned long n = 0;
        engine_options o = { .crlf = 1 };
        bench_reset_peak();
        double t0 = bench_now(), el;
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
        double base = 0;
        unsigned long bn = 0;
        double bt0 = bench_now();
        do {
            base += bench_baseline(fd);
            bn++;
        } while (bench_now() - bt0 < secs / 4);
        double mbs = (double)size * (double)n / el / 1e6;
        double bmbs = (double)size * (double)bn / base / 1e6;
        printf("%-16s %10.1f %10.1f %12.1f %11.3fx %10.1f\n", names[cls], (double)n / el, mbs,
               bmbs, mbs / bmbs, bench_rss_mb());
        close(fd);
    }
    printf("ratio = engine MB/s / (read + SHA-256) MB/s on the same file, same run\n");
    engine_global_done();
    policy_unref(p);
    return 0;
}
