/*
 * NAME
 *	test_bincut - files encoded as text are cut out of text and decoded
 * DESCRIPTION
 *	Each encoding is produced here by a small encoder of the test's own
 *	from a PE-like payload, in the variants decoders accept (mode digits,
 *	indentation, quoting, blank lines, lost trailing blanks, CR LF), and
 *	the test checks that the text around it comes out exactly, that the
 *	block is gone and that the callback got the payload back. Prose and
 *	text that merely looks encoded stay.
 */
#include "tests/unit/testutil.h"
#include "sanitizer/bincut.h"

#define MAXBLOCKS 8

typedef struct {
    int		calls;
    bincut_kind	kind[MAXBLOCKS];
    char	name[MAXBLOCKS][64];
    unsigned char *data[MAXBLOCKS];
    size_t	len[MAXBLOCKS];
    int		fail;
} seen;

/* record - keep a copy of each block */
static int record(void *ctx, const bincut_block *b)
{
    seen *s = ctx;
    int i = s->calls++;

    if (s->fail)
        return -1;
    assert_true(i < MAXBLOCKS);
    s->kind[i] = b->kind;
    snprintf(s->name[i], sizeof(s->name[i]), "%s", b->name);
    s->data[i] = malloc(b->len + 1);
    memcpy(s->data[i], b->data, b->len);
    s->len[i] = b->len;
    return 0;
}

/* seen_free - release the copies */
static void seen_free(seen *s)
{
    for (int i = 0; i < s->calls && i < MAXBLOCKS; i++)
        free(s->data[i]);
}

/* payload - a small PE-like file: MZ header, NULs, every byte value */
static size_t payload(unsigned char *p)
{
    size_t n = 0;
    static const unsigned char head[] = { 'M', 'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff };
    memcpy(p, head, sizeof(head));
    n = sizeof(head);
    memset(p + n, 0, 50);
    n += 50;
    memcpy(p + n, "PE\0\0", 4);
    n += 4;
    for (int i = 0; i < 256; i++)
        p[n++] = (unsigned char)i;
    return n;
}

/* uu_enc - uuencode (xx = 0) or xxencode (xx = 1) lines, each prefixed and ended by eol */
static void uu_enc(strbuf *b, const unsigned char *d, size_t n, int xx, const char *prefix,
                   const char *eol, int strip)
{
    static const char xa[] = "+-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for (size_t i = 0; i < n; i += 45) {
        size_t k = n - i < 45 ? n - i : 45;
        char line[128];
        size_t o = 0;
        line[o++] = xx ? xa[k] : (char)(k ? 0x20 + k : '`');
        for (size_t j = 0; j < k; j += 3) {
            unsigned v = (unsigned)d[i + j] << 16;
            if (j + 1 < k) v |= (unsigned)d[i + j + 1] << 8;
            if (j + 2 < k) v |= d[i + j + 2];
            for (int s = 18; s >= 0; s -= 6) {
                unsigned c = (v >> s) & 63;
                line[o++] = xx ? xa[c] : (char)(0x20 + c);
            }
        }
        /* a transport that drops trailing blanks */
        while (strip && o > 1 && line[o - 1] == ' ')
            o--;
        strbuf_puts(b, prefix);
        strbuf_append(b, line, o);
        strbuf_puts(b, eol);
    }
}

/* b64_enc - base64 in lines of width, each prefixed */
static void b64_enc(strbuf *b, const unsigned char *d, size_t n, size_t width, const char *prefix)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16;
        if (i + 1 < n) v |= (unsigned)d[i + 1] << 8;
        if (i + 2 < n) v |= d[i + 2];
        char q[4] = { al[(v >> 18) & 63], al[(v >> 12) & 63],
                      i + 1 < n ? al[(v >> 6) & 63] : '=', i + 2 < n ? al[v & 63] : '=' };
        if (col == 0)
            strbuf_puts(b, prefix);
        strbuf_append(b, q, 4);
        col += 4;
        if (col >= width) {
            strbuf_puts(b, "\n");
            col = 0;
        }
    }
    if (col)
        strbuf_puts(b, "\n");
}

/* cut - run the cutter; checks the result count and the text left */
static void cut(const char *in, size_t len, const char *want, int blocks, seen *s)
{
    strbuf out = { 0 };
    assert_int_equal(bincut(in, len, &out, record, s), blocks);
    assert_int_equal(s->calls, blocks);
    assert_string_equal(out.s ? out.s : "", want);
    strbuf_free(&out);
}

/* check_payload - block i is the payload, of the kind and name given */
static void check_payload(const seen *s, int i, bincut_kind kind, const char *name,
                          const unsigned char *p, size_t n)
{
    assert_int_equal(s->kind[i], kind);
    assert_string_equal(s->name[i], name);
    assert_int_equal(s->len[i], n);
    assert_memory_equal(s->data[i], p, n);
}

static void test_uu_plain(void **state)
{
    (void)state;
    /* "Cat" uuencoded. */
    const char *t = "before\nbegin 644 cat.txt\n#0V%T\n`\nend\nafter\n";
    seen s = { 0 };
    cut(t, strlen(t), "before\nafter\n", 1, &s);
    check_payload(&s, 0, BINCUT_UUENCODE, "cat.txt", (const unsigned char *)"Cat", 3);
    seen_free(&s);
}

/* The variants decoders accept, alone and together. */
static void test_uu_variants(void **state)
{
    static const struct {
        const char *begin, *prefix, *eol, *after_begin;
        int strip;
    } v[] = {
        { "begin 100644 evil.exe", "", "\n", "", 0 },
        { "  begin 644 evil.exe", "  ", "\n", "", 0 },
        { "begin 755 evil.exe", "", "\n", "\n\n", 0 },
        { "begin 644 evil.exe", "", "\r\n", "", 0 },
        { "begin 644 evil.exe", "", "\n", "", 1 },
        { "> begin 644 evil.exe", "> ", "\n", ">\n", 0 },
        { "\t BEGIN 0644 evil.exe", "\t ", "\n", "\n", 1 },
        { "begin 6 evil.exe", "", "\n", "", 0 },
    };
    unsigned char p[512];
    size_t n = payload(p);

    (void)state;
    for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
        strbuf in = { 0 };
        seen s = { 0 };
        strbuf_puts(&in, "本文です。\n");
        strbuf_puts(&in, v[i].begin);
        strbuf_puts(&in, v[i].eol);
        strbuf_puts(&in, v[i].after_begin);
        uu_enc(&in, p, n, 0, v[i].prefix, v[i].eol, v[i].strip);
        strbuf_printf(&in, "%s`%s%send%s", v[i].prefix, v[i].eol, v[i].prefix, v[i].eol);
        strbuf_puts(&in, "以上です。\n");
        cut(in.s, in.len, "本文です。\n以上です。\n", 1, &s);
        check_payload(&s, 0, BINCUT_UUENCODE, "evil.exe", p, n);
        seen_free(&s);
        strbuf_free(&in);
    }
}

/* Without "end" the block still goes, up to its last data line. */
static void test_uu_unterminated(void **state)
{
    unsigned char p[512];
    size_t n = payload(p);
    strbuf in = { 0 };
    seen s = { 0 };

    (void)state;
    strbuf_puts(&in, "x\nbegin 600 a.bin\n");
    uu_enc(&in, p, n, 0, "", "\n", 0);
    strbuf_puts(&in, "\nthanks\n");
    cut(in.s, in.len, "x\n\nthanks\n", 1, &s);
    check_payload(&s, 0, BINCUT_UUENCODE, "a.bin", p, n);
    seen_free(&s);
    strbuf_free(&in);
}

/* Prose that starts with "begin" is not a block. */
static void test_prose_kept(void **state)
{
    static const char *const texts[] = {
        "begin 644 is a mode\nand this is prose, not data\n",
        "begin at 9am\nEnd\n",
        "begin 644\n\nThe meeting will begin at 10.\nend\n",
        "begin-base64 is a GNU option\nsee the manual\n",
        "=ybegin is how yEnc starts\n",
        "(This file must be converted with BinHex 4.0)\nbut no data follows.\n",
        ":colon at the start of a line\n",
        ":---------------------------------------------------------------------\n",
        /* a key or token alone on its line */
        "tIyhEBTwdP1R9x0wmm4Ha7nNA9dxCpA8Yv0zY3j6mO5nT+2Uy3sgm5fwlG1hFyIpdjaBeRLBIN0n0Tw9ZqJu3w==\n",
        "Regards\nTaro\n",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop\n",
        "https://example.com/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
        "",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
        seen s = { 0 };
        cut(texts[i], strlen(texts[i]), texts[i], 0, &s);
    }
}

static void test_xxencode(void **state)
{
    unsigned char p[512];
    size_t n = payload(p);
    strbuf in = { 0 };
    seen s = { 0 };

    (void)state;
    strbuf_puts(&in, "前文\nbegin 644 x.exe\n");
    uu_enc(&in, p, n, 1, "", "\n", 0);
    strbuf_puts(&in, "+\nend\n後文\n");
    cut(in.s, in.len, "前文\n後文\n", 1, &s);
    check_payload(&s, 0, BINCUT_XXENCODE, "x.exe", p, n);
    seen_free(&s);
    strbuf_free(&in);
}

static void test_begin_base64(void **state)
{
    unsigned char p[512];
    size_t n = payload(p);
    strbuf in = { 0 };
    seen s = { 0 };

    (void)state;
    strbuf_puts(&in, "前文\n  begin-base64 644 y.exe\n");
    b64_enc(&in, p, n, 60, "  ");
    strbuf_puts(&in, "  ====\n後文\n");
    cut(in.s, in.len, "前文\n後文\n", 1, &s);
    check_payload(&s, 0, BINCUT_BEGIN_BASE64, "y.exe", p, n);
    seen_free(&s);
    strbuf_free(&in);
}

/* yenc_enc - yEnc data lines; the text is UTF-8, so octets 0x80-0xFF are written as characters */
static void yenc_enc(strbuf *b, const unsigned char *d, size_t n)
{
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (d[i] + 42) & 0xff;
        if (c == 0 || c == '\n' || c == '\r' || c == '=') {
            strbuf_puts(b, "=");
            c = (c + 64) & 0xff;
        }
        if (c >= 0x80) {
            char u[2] = { (char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f)) };
            strbuf_append(b, u, 2);
        } else {
            char u = (char)c;
            strbuf_append(b, &u, 1);
        }
        if (++col == 128) {
            strbuf_puts(b, "\n");
            col = 0;
        }
    }
    strbuf_puts(b, "\n");
}

static void test_yenc(void **state)
{
    unsigned char p[512];
    size_t n = payload(p);
    strbuf in = { 0 };
    seen s = { 0 };

    (void)state;
    strbuf_printf(&in, "前文\n=ybegin part=1 line=128 size=%zu name=z.exe\n=ypart begin=1 end=%zu\n", n, n);
    yenc_enc(&in, p, n);
    strbuf_printf(&in, "=yend size=%zu part=1\n後文\n", n);
    cut(in.s, in.len, "前文\n後文\n", 1, &s);
    check_payload(&s, 0, BINCUT_YENC, "z.exe", p, n);
    seen_free(&s);
    strbuf_free(&in);

    /* no =yend: everything after =ybegin goes */
    seen t = { 0 };
    const char *u = "a\n=ybegin line=128 size=3 name=q\nkkk\nmore\n";
    cut(u, strlen(u), "a\n", 1, &t);
    seen_free(&t);
}

/* hqx_enc - BinHex 4.0: header, data fork, RLE escape of 0x90, 64-character lines */
static void hqx_enc(strbuf *b, const char *name, const unsigned char *d, size_t n)
{
    static const char al[] = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
    strbuf raw = { 0 }, esc = { 0 };
    unsigned char nl = (unsigned char)strlen(name), z[16] = { 0 }, len4[4];

    strbuf_append(&raw, &nl, 1);
    strbuf_append(&raw, name, nl);
    strbuf_append(&raw, z, 1 + 4 + 4 + 2);			/* version, type, creator, flags */
    len4[0] = (unsigned char)(n >> 24); len4[1] = (unsigned char)(n >> 16);
    len4[2] = (unsigned char)(n >> 8); len4[3] = (unsigned char)n;
    strbuf_append(&raw, len4, 4);
    strbuf_append(&raw, z, 4 + 2);				/* resource length, CRC */
    strbuf_append(&raw, d, n);
    strbuf_append(&raw, z, 2 + 2);				/* CRCs */
    for (size_t i = 0; i < raw.len; i++) {
        unsigned char c = (unsigned char)raw.s[i];
        strbuf_append(&esc, &c, 1);
        if (c == 0x90) {
            c = 0;
            strbuf_append(&esc, &c, 1);
        }
    }
    strbuf_puts(b, ":");
    size_t col = 1;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i <= esc.len; i++) {
        if (i < esc.len) {
            acc = (acc << 8) | (unsigned char)esc.s[i];
            bits += 8;
        } else if (bits) {
            acc <<= 6 - bits % 6;
            bits += 6 - bits % 6;
        }
        while (bits >= 6) {
            bits -= 6;
            strbuf_append(b, &al[(acc >> bits) & 63], 1);
            if (++col == 64) {
                strbuf_puts(b, "\n");
                col = 0;
            }
        }
    }
    strbuf_puts(b, ":\n");
    strbuf_free(&raw);
    strbuf_free(&esc);
}

static void test_binhex(void **state)
{
    unsigned char p[512];
    size_t n = payload(p);

    (void)state;
    assert_int_equal(strlen("!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"), 64);
    for (int marked = 0; marked < 2; marked++) {
        strbuf in = { 0 };
        seen s = { 0 };
        strbuf_puts(&in, "前文\n");
        if (marked)
            strbuf_puts(&in, "(This file must be converted with BinHex 4.0)\n\n");
        hqx_enc(&in, "w.exe", p, n);
        strbuf_puts(&in, "後文\n");
        cut(in.s, in.len, "前文\n後文\n", 1, &s);
        check_payload(&s, 0, BINCUT_BINHEX, "w.exe", p, n);
        seen_free(&s);
        strbuf_free(&in);
    }
}

/* Bare base64 of a program: whole lines, quoted lines, a word after text. */
static void test_bare_base64(void **state)
{
    unsigned char p[512];
    size_t n = payload(p);
    static const char *const prefixes[] = { "", "> ", "    " };

    (void)state;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
        strbuf in = { 0 };
        seen s = { 0 };
        strbuf_puts(&in, "本文です。\n");
        b64_enc(&in, p, n, 76, prefixes[i]);
        strbuf_puts(&in, "Thanks\n");
        cut(in.s, in.len, "本文です。\nThanks\n", 1, &s);
        check_payload(&s, 0, BINCUT_BASE64, "", p, n);
        seen_free(&s);
        strbuf_free(&in);
    }
    /* a word after text, on one line and continued */
    for (size_t width = 64; width <= 4096; width *= 64) {
        strbuf in = { 0 };
        seen s = { 0 };
        strbuf_puts(&in, "payload: ");
        b64_enc(&in, p, n, width, "");
        strbuf_puts(&in, "以上\n");
        cut(in.s, in.len, "payload: \n以上\n", 1, &s);
        check_payload(&s, 0, BINCUT_BASE64, "", p, n);
        seen_free(&s);
        strbuf_free(&in);
    }
    /* a data: URL carrying a program */
    strbuf in = { 0 };
    seen s = { 0 };
    strbuf_puts(&in, "x data:application/x-msdownload;base64,");
    b64_enc(&in, p, 64, 4096, "");
    cut(in.s, in.len, "x data:application/x-msdownload;base64,\n", 1, &s);
    seen_free(&s);
    strbuf_free(&in);
}

/* Long uniform base64 of binary content goes; armoured keys and text stay. */
static void test_base64_runs(void **state)
{
    unsigned char bin[600], txt[600];
    uint32_t seed = 7;

    (void)state;
    for (size_t i = 0; i < sizeof(bin); i++) {
        seed = seed * 1103515245u + 12345u;
        bin[i] = (unsigned char)(seed >> 16);
        txt[i] = (unsigned char)("The quick brown fox jumps over the lazy dog. "[i % 45]);
    }
    strbuf in = { 0 };
    seen s = { 0 };
    strbuf_puts(&in, "a\n");
    b64_enc(&in, bin, sizeof(bin), 76, "");
    strbuf_puts(&in, "b\n");
    cut(in.s, in.len, "a\nb\n", 1, &s);
    check_payload(&s, 0, BINCUT_BASE64, "", bin, sizeof(bin));
    seen_free(&s);
    strbuf_free(&in);

    memset(&s, 0, sizeof(s));
    strbuf_puts(&in, "-----BEGIN CERTIFICATE-----\n");
    b64_enc(&in, bin, sizeof(bin), 64, "");
    strbuf_puts(&in, "-----END CERTIFICATE-----\n");
    b64_enc(&in, txt, sizeof(txt), 76, "");
    char *copy = strdup(in.s);
    cut(in.s, in.len, copy, 0, &s);
    free(copy);
    strbuf_free(&in);
}

/* Several blocks of different kinds in one text, and a callback that fails. */
static void test_several_and_failure(void **state)
{
    unsigned char p[512];
    size_t n = payload(p);
    strbuf in = { 0 };
    seen s = { 0 }, f = { .fail = 1 };
    strbuf out = { 0 };

    (void)state;
    strbuf_puts(&in, "1\nbegin 644 a\n");
    uu_enc(&in, p, n, 0, "", "\n", 0);
    strbuf_puts(&in, "end\n2\n");
    b64_enc(&in, p, n, 76, "");
    strbuf_puts(&in, "3\n");
    yenc_enc(&in, p, 1);
    cut(in.s, in.len, "1\n2\n3\n\x77\n", 2, &s);
    assert_int_equal(s.kind[0], BINCUT_UUENCODE);
    assert_int_equal(s.kind[1], BINCUT_BASE64);
    seen_free(&s);
    assert_int_equal(bincut(in.s, in.len, &out, record, &f), -1);
    strbuf_free(&out);
    strbuf_free(&in);
}

/* A cut that joins the lines around it into a new block: that one goes too. */
static void test_join_after_cut(void **state)
{
    char t[256];
    seen s = { 0 };

    (void)state;
    snprintf(t, sizeof(t), "x\nbegin 644 a\nbegin 644 b\n`\nend\nM%60s\n`\nend\ny\n", "");
    cut(t, strlen(t), "x\ny\n", 2, &s);
    assert_string_equal(s.name[0], "b");
    assert_string_equal(s.name[1], "a");
    assert_int_equal(s.len[1], 45);
    seen_free(&s);
}

static void test_signature(void **state)
{
    (void)state;
    assert_true(bincut_signature((const unsigned char *)"MZ\x90", 3));
    assert_true(bincut_signature((const unsigned char *)"PK\x03\x04", 4));
    assert_true(bincut_signature((const unsigned char *)"\x7f" "ELF", 4));
    assert_true(bincut_signature((const unsigned char *)"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8));
    assert_false(bincut_signature((const unsigned char *)"M", 1));
    assert_false(bincut_signature((const unsigned char *)"Hello", 5));
    assert_string_equal(bincut_kind_name(BINCUT_YENC), "yenc");
    assert_string_equal(bincut_kind_type(BINCUT_BINHEX), "application/mac-binhex40");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uu_plain),
        cmocka_unit_test(test_uu_variants),
        cmocka_unit_test(test_uu_unterminated),
        cmocka_unit_test(test_prose_kept),
        cmocka_unit_test(test_xxencode),
        cmocka_unit_test(test_begin_base64),
        cmocka_unit_test(test_yenc),
        cmocka_unit_test(test_binhex),
        cmocka_unit_test(test_bare_base64),
        cmocka_unit_test(test_base64_runs),
        cmocka_unit_test(test_several_and_failure),
        cmocka_unit_test(test_join_after_cut),
        cmocka_unit_test(test_signature),
    };
    return cmocka_run_group_tests_name("bincut", tests, NULL, NULL);
}
