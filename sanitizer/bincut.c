/*
 * NAME
 *	bincut - cut files encoded as text out of body text
 * DESCRIPTION
 *	Every encoding that a mail client or a common tool (uudecode,
 *	uudeview, yydecode, StuffIt, base64 -d) turns back into a file:
 *
 *	- uuencode and xxencode: "begin MODE NAME", lines, "end";
 *	- begin-base64 (GNU uuencode -m): "begin-base64 MODE NAME", "====";
 *	- yEnc: "=ybegin ... name=N", lines, "=yend";
 *	- BinHex 4.0: "(This file must be converted with BinHex 4.0)" and
 *	  ":...:" in its own alphabet, or such a block without the line;
 *	- bare base64: a word that decodes to the signature of a program or
 *	  container (MZ, ELF, zip, OLE, ...), with the lines that continue
 *	  it; and a run of long uniform base64 lines outside PEM armour that
 *	  decodes to binary content.
 *
 *	A block is recognised by its data, never by its first line alone, so
 *	prose that starts with "begin" stays. What decoders forgive is
 *	forgiven here too: any mode, indentation, quoting ("> "), blank lines
 *	inside, lines whose trailing blanks were lost; a block whose end line
 *	is missing runs to its last data line (yEnc, whose lines can hold
 *	anything, to the end of the text).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sanitizer/bincut.h"
#include "sanitizer/limits.h"
#include "sanitizer/textsafe.h"

/* One line of the text: its content without CR LF, and where the next starts. */
typedef struct {
    const char	*s;
    size_t	n;
    const char	*next;
} bc_line;

/* A block found: the text it replaces and its decoded content. */
typedef struct {
    const char	*from, *to;	/* [from, to) leaves the output */
    bincut_kind	kind;
    char	name[LIMITS_FILENAME_BYTES];
    strbuf	data;
} bc_block;

/* The 64 characters of BinHex 4.0, in the order of their values. */
static const char bc_hqx_alpha[] =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

/* The 64 characters of xxencode. */
static const char bc_xx_alpha[] =
    "+-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Signatures of files that run code or carry other files. */
static const struct {
    const char	*magic;
    size_t	len;
} bc_magic[] = {
    { "MZ", 2 },				/* DOS, PE */
    { "\x7f" "ELF", 4 },
    { "PK\x03\x04", 4 }, { "PK\x05\x06", 4 }, { "PK\x07\x08", 4 },	/* zip, OOXML, jar */
    { "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8 },	/* OLE: doc, xls, msi */
    { "Rar!\x1a\x07", 6 },
    { "7z\xbc\xaf\x27\x1c", 6 },
    { "\x1f\x8b", 2 },				/* gzip */
    { "BZh", 3 },
    { "\xfd" "7zXZ", 5 },
    { "MSCF", 4 },				/* cab */
    { "ITSF", 4 },				/* chm */
    { "\xca\xfe\xba\xbe", 4 },			/* Java class, Mach-O fat */
    { "\xfe\xed\xfa\xce", 4 }, { "\xfe\xed\xfa\xcf", 4 },
    { "\xce\xfa\xed\xfe", 4 }, { "\xcf\xfa\xed\xfe", 4 },	/* Mach-O */
    { "L\0\0\0\x01\x14\x02\0", 8 },		/* Windows shortcut */
    { "%PDF-", 5 },
    { "{\\rtf", 5 },
    { "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d", 8 },	/* OneNote */
    { "!<arch>", 7 },
    { "MSWIM", 5 },
    { "dex\n", 4 },
    { "\0asm", 4 },
};

/* bincut_signature - data starts with a known program or container signature */
int bincut_signature(const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < sizeof(bc_magic) / sizeof(*bc_magic); i++)
        if (len >= bc_magic[i].len && memcmp(data, bc_magic[i].magic, bc_magic[i].len) == 0)
            return 1;
    return 0;
}

/* bincut_kind_name - the kind as a word */
const char *bincut_kind_name(bincut_kind k)
{
    switch (k) {
    case BINCUT_UUENCODE:	return "uuencode";
    case BINCUT_XXENCODE:	return "xxencode";
    case BINCUT_BEGIN_BASE64:	return "begin-base64";
    case BINCUT_YENC:		return "yenc";
    case BINCUT_BINHEX:		return "binhex";
    case BINCUT_BASE64:		return "base64";
    }
    return "base64";
}

/* bincut_kind_type - the MIME type of the encoding */
const char *bincut_kind_type(bincut_kind k)
{
    switch (k) {
    case BINCUT_UUENCODE:	return "application/x-uuencode";
    case BINCUT_XXENCODE:	return "application/x-xxencode";
    case BINCUT_BEGIN_BASE64:	return "application/x-uuencode";
    case BINCUT_YENC:		return "application/x-yenc";
    case BINCUT_BINHEX:		return "application/mac-binhex40";
    case BINCUT_BASE64:		return "application/base64";
    }
    return "application/base64";
}

/* bc_line_at - the line that starts at p */
static bc_line bc_line_at(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    bc_line l = { p, nl ? (size_t)(nl - p) : (size_t)(end - p), nl ? nl + 1 : end };

    while (l.n && l.s[l.n - 1] == '\r')
        l.n--;
    return l;
}

/* bc_blank - space or tab */
static int bc_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* bc_depth - quote marks ('>') in the white space and quoting that start the line */
static unsigned bc_depth(bc_line l, size_t *skip)
{
    size_t i = 0;
    unsigned q = 0;

    while (i < l.n && (bc_blank(l.s[i]) || l.s[i] == '>'))
        q += l.s[i++] == '>';
    if (skip)
        *skip = i;
    return q;
}

/*
 * bc_unquote - the line after its white space and q quote marks: the
 * quoting of the line that opened the block; a '>' beyond it is data
 */
static bc_line bc_unquote(bc_line l, unsigned q)
{
    size_t i = 0;

    while (i < l.n && bc_blank(l.s[i]))
        i++;
    for (unsigned k = 0; k < q && i < l.n && l.s[i] == '>'; k++) {
        i++;
        while (i < l.n && bc_blank(l.s[i]))
            i++;
    }
    l.s += i;
    l.n -= i;
    return l;
}

/* bc_is_word - the line is w, ignoring case and trailing blanks */
static int bc_is_word(bc_line u, const char *w)
{
    size_t n = u.n, k = strlen(w);

    while (n && bc_blank(u.s[n - 1]))
        n--;
    return n == k && strncasecmp(u.s, w, k) == 0;
}

/* bc_starts - the line starts with w, ignoring case */
static int bc_starts(bc_line u, const char *w)
{
    size_t k = strlen(w);
    return u.n >= k && strncasecmp(u.s, w, k) == 0;
}

/* bc_find_ci - where w occurs in the line, ignoring case, or NULL */
static const char *bc_find_ci(bc_line l, const char *w)
{
    size_t k = strlen(w);

    for (size_t i = 0; i + k <= l.n; i++)
        if (strncasecmp(l.s + i, w, k) == 0)
            return l.s + i;
    return NULL;
}

/* bc_set_name - the block's name, cut to fit, without control characters */
static void bc_set_name(bc_block *b, const char *s, size_t n)
{
    size_t o = 0;

    while (n && bc_blank(s[n - 1]))
        n--;
    for (size_t i = 0; i < n && o + 1 < sizeof(b->name); i++)
        if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
            b->name[o++] = s[i];
    b->name[o] = 0;
}

/* ---- base64 --------------------------------------------------------- */

/* bc_b64_val - value of a base64 character (standard or URL-safe), or -1 */
static int bc_b64_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* bc_b64_std - a character of standard base64, padding included */
static int bc_b64_std(unsigned char c)
{
    return c == '=' || (c != '-' && c != '_' && bc_b64_val(c) >= 0);
}

/* Streaming base64 decoder: padding and anything else outside the alphabet skipped. */
typedef struct {
    unsigned	acc;
    int		bits;
} bc_b64;

/* bc_b64_feed - decode n characters into out */
static void bc_b64_feed(bc_b64 *d, const char *s, size_t n, strbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        int v = bc_b64_val((unsigned char)s[i]);
        if (v < 0)
            continue;
        d->acc = (d->acc << 6) | (unsigned)v;
        d->bits += 6;
        if (d->bits >= 8) {
            d->bits -= 8;
            unsigned char c = (unsigned char)(d->acc >> d->bits);
            strbuf_append(out, &c, 1);
        }
    }
}

/* bc_b64_line - the (unquoted, trimmed) line is standard base64 of at least min characters */
static int bc_b64_line(bc_line u, size_t min)
{
    size_t n = u.n;

    while (n && bc_blank(u.s[n - 1]))
        n--;
    if (n < min)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!bc_b64_std((unsigned char)u.s[i]) || (u.s[i] == '=' && i + 3 < n))
            return 0;
    return 1;
}

/* bc_b64_len - length of the line without trailing blanks */
static size_t bc_b64_len(bc_line u)
{
    while (u.n && bc_blank(u.s[u.n - 1]))
        u.n--;
    return u.n;
}

/*
 * bc_b64_last - a shorter line may end a base64 run only when it looks
 * like data: padded, or long enough with a digit or '+' '/', so that a
 * short word after the block ("Thanks") stays text
 */
static int bc_b64_last(bc_line u)
{
    size_t n = bc_b64_len(u);

    if (n && u.s[n - 1] == '=')
        return 1;
    if (n < 8)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((u.s[i] >= '0' && u.s[i] <= '9') || u.s[i] == '+' || u.s[i] == '/')
            return 1;
    return 0;
}

/*
 * bc_b64_follow - the lines after l that continue a base64 block: all
 * as long as the first of them, the last one possibly shorter; returns
 * where the block ends (the start of the line after it, or after l)
 */
static const char *bc_b64_follow(bc_line l, const char *end, bc_b64 *d, strbuf *data)
{
    const char *p = l.next;
    size_t width = 0;

    while (p < end) {
        bc_line n = bc_line_at(p, end), u;
        size_t skip;
        bc_depth(n, &skip);
        u = n;
        u.s += skip;
        u.n -= skip;
        if (!bc_b64_line(u, 4))
            break;
        size_t w = bc_b64_len(u);
        if (width && w > width)
            break;
        if (width && w < width && !bc_b64_last(u))
            break;
        if (!width && !bc_b64_last(u) && w < LIMITS_B64_LINE)
            break;
        bc_b64_feed(d, u.s, w, data);
        p = n.next;
        if (width && w < width)
            break;
        if (!width)
            width = w;
    }
    return p;
}

/* ---- uuencode, xxencode, begin-base64 ------------------------------- */

/* bc_uu_val - value of a uuencode or xxencode character, or -1 */
static int bc_uu_val(unsigned char c, int xx)
{
    if (xx) {
        const char *p = c ? strchr(bc_xx_alpha, c) : NULL;
        return p ? (int)(p - bc_xx_alpha) : -1;
    }
    return c >= 0x20 && c <= 0x60 ? (c - 0x20) & 0x3f : -1;
}

/*
 * bc_uu_line - decode one line into out: 2 when whole, 1 when uuencode
 * lost its trailing blanks (decoders read the missing ones as zero), 0
 * when it is not such a line
 */
static int bc_uu_line(bc_line u, int xx, strbuf *out)
{
    const unsigned char *p = (const unsigned char *)u.s;
    int len = u.n ? bc_uu_val(p[0], xx) : -1;

    if (len < 0)
        return 0;
    size_t full = ((size_t)len * 4 + 2) / 3, pad = ((size_t)len + 2) / 3 * 4, have = u.n - 1;
    if (have > pad + 2 || (xx && have < full))
        return 0;
    for (size_t i = 1; i < u.n; i++)
        if (bc_uu_val(p[i], xx) < 0)
            return 0;
    unsigned char buf[64];
    size_t o = 0;
    for (size_t i = 1; o < (size_t)len; i += 4) {
        unsigned v = 0;
        for (size_t k = 0; k < 4; k++)
            v = (v << 6) | (i + k < u.n ? (unsigned)bc_uu_val(p[i + k], xx) : 0u);
        for (int k = 0; k < 3 && o < (size_t)len; k++)
            buf[o++] = (unsigned char)(v >> (16 - 8 * k));
    }
    strbuf_append(out, buf, o);
    return have >= full ? 2 : 1;
}

/*
 * bc_begin_line - "begin[-base64] MODE [NAME]" after quoting; sets depth,
 * form, whether the mode is octal, and the name
 */
static int bc_begin_line(bc_line l, unsigned *q, int *b64, int *octal, bc_block *b)
{
    size_t i;

    *q = bc_depth(l, &i);
    if (l.n - i < 6 || strncasecmp(l.s + i, "begin", 5) != 0)
        return 0;
    i += 5;
    *b64 = l.n - i >= 7 && strncasecmp(l.s + i, "-base64", 7) == 0;
    if (*b64)
        i += 7;
    if (i >= l.n || !bc_blank(l.s[i]))
        return 0;
    while (i < l.n && bc_blank(l.s[i]))
        i++;
    size_t m = i;
    /* octal of any length, or a symbolic mode */
    while (i < l.n && l.s[i] && strchr("01234567rwxXstugoa=+,-", l.s[i]))
        i++;
    if (i == m || i - m > 16 || (i < l.n && !bc_blank(l.s[i])))
        return 0;
    *octal = 1;
    for (size_t k = m; k < i; k++)
        *octal &= l.s[k] >= '0' && l.s[k] <= '7';
    while (i < l.n && bc_blank(l.s[i]))
        i++;
    bc_set_name(b, l.s + i, l.n - i);
    return 1;
}

/* bc_begin_block - a uuencode, xxencode or begin-base64 block starting at line l */
static int bc_begin_block(bc_line l, const char *end, bc_block *b)
{
    unsigned q;
    int b64, octal, xx = -1, whole = 0, ended = 0;
    const char *p = l.next, *last = l.next;
    bc_b64 d = { 0, 0 };

    if (!bc_begin_line(l, &q, &b64, &octal, b))
        return 0;
    while (p < end) {
        bc_line n = bc_line_at(p, end), u = bc_unquote(n, q);
        p = n.next;
        if (bc_b64_len(u) == 0)
            continue;			/* blank lines count when data follows */
        if (bc_is_word(u, b64 ? "====" : "end")) {
            last = p;
            ended = 1;
            break;
        }
        if (b64) {
            if (!bc_b64_line(u, 1))
                break;
            bc_b64_feed(&d, u.s, bc_b64_len(u), &b->data);
            whole = 1;
        } else {
            int r = 0;
            if (xx < 0) {
                strbuf probe = { 0 };
                xx = bc_uu_line(u, 0, &probe) == 2 ? 0 : bc_uu_line(u, 1, &probe) == 2 ? 1 : 0;
                strbuf_free(&probe);
            }
            if ((r = bc_uu_line(u, xx, &b->data)) == 0)
                break;
            whole |= r == 2;
        }
        last = p;
    }
    /* "begin at 9am" ... "End" is prose: without a whole data line the
     * block needs its end line and an octal mode */
    if (!whole && !(ended && octal))
        return 0;
    b->kind = b64 ? BINCUT_BEGIN_BASE64 : xx == 1 ? BINCUT_XXENCODE : BINCUT_UUENCODE;
    b->from = l.s;
    b->to = last;
    return 1;
}

/* ---- yEnc ----------------------------------------------------------- */

/* bc_yenc_line - decode one yEnc line; characters beyond U+00FF count as their UTF-8 octets */
static void bc_yenc_line(bc_line u, strbuf *out)
{
    const unsigned char *s = (const unsigned char *)u.s;
    int esc = 0;

    for (size_t i = 0; i < u.n; i++) {
        unsigned c = s[i];
        /* the charset conversion made octets 0x80-0xFF two-octet characters */
        if ((c == 0xc2 || c == 0xc3) && i + 1 < u.n && (s[i + 1] & 0xc0) == 0x80)
            c = ((c & 0x1f) << 6) | (s[++i] & 0x3f);
        if (!esc && c == '=') {
            esc = 1;
            continue;
        }
        unsigned char o = (unsigned char)(c - 42 - (esc ? 64 : 0));
        esc = 0;
        strbuf_append(out, &o, 1);
    }
}

/* bc_yenc_block - "=ybegin ... name=" up to "=yend", or to the end of the text */
static int bc_yenc_block(bc_line l, const char *end, bc_block *b)
{
    size_t skip;
    unsigned q = bc_depth(l, &skip);
    bc_line u = { l.s + skip, l.n - skip, l.next };
    const char *name, *p = l.next;

    if (!bc_starts(u, "=ybegin") || u.n < 8 || !bc_blank(u.s[7]) ||
        (!bc_find_ci(u, " name=") && !bc_find_ci(u, " size=")))
        return 0;
    if ((name = bc_find_ci(u, " name=")) != NULL)
        bc_set_name(b, name + 6, (size_t)(u.s + u.n - name - 6));
    while (p < end) {
        bc_line n = bc_line_at(p, end), v = bc_unquote(n, q);
        p = n.next;
        if (bc_starts(v, "=yend"))
            break;
        if (!bc_starts(v, "=ypart "))
            bc_yenc_line(v, &b->data);
    }
    b->kind = BINCUT_YENC;
    b->from = l.s;
    b->to = p;
    return 1;
}

/* ---- BinHex 4.0 ----------------------------------------------------- */

/* bc_hqx_val - value of a BinHex character, or -1 */
static int bc_hqx_val(char c)
{
    const char *p = c ? strchr(bc_hqx_alpha, c) : NULL;
    return p ? (int)(p - bc_hqx_alpha) : -1;
}

/* bc_hqx_line - the line (after its ':') is BinHex data of at least min characters */
static int bc_hqx_line(bc_line u, size_t min)
{
    size_t n = bc_b64_len(u);

    if (n < min)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (bc_hqx_val(u.s[i]) < 0 && !(u.s[i] == ':' && i + 1 == n))
            return 0;
    return 1;
}

/* bc_varied - the line has the variety of encoded data, not of a rule (":-----") */
static int bc_varied(bc_line u)
{
    unsigned char seen[256] = { 0 };
    unsigned distinct = 0;

    for (size_t i = 0; i < u.n; i++)
        if (!seen[(unsigned char)u.s[i]]++)
            distinct++;
    return distinct >= 8;
}

/* bc_be32 - big-endian 32-bit value */
static size_t bc_be32(const unsigned char *p)
{
    return ((size_t)p[0] << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
}

/*
 * bc_hqx_decode - 6-bit groups, then the 0x90 run-length coding, then
 * the header: the data fork becomes the block's content, its name the
 * block's name. Runs are expanded up to LIMITS_TEXT_SIZE_MAX octets.
 */
static int bc_hqx_decode(const strbuf *sextets, bc_block *b)
{
    strbuf raw = { 0 }, rle = { 0 };
    unsigned acc = 0, last = 0;
    int bits = 0, run = 0;

    for (size_t i = 0; i < sextets->len; i++) {
        acc = (acc << 6) | (unsigned char)sextets->s[i];
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            unsigned char c = (unsigned char)(acc >> bits);
            strbuf_append(&raw, &c, 1);
        }
    }
    for (size_t i = 0; i < raw.len && rle.len < LIMITS_TEXT_SIZE_MAX; i++) {
        unsigned char c = (unsigned char)raw.s[i];
        if (run) {
            run = 0;
            if (c == 0) {
                unsigned char m = 0x90;
                strbuf_append(&rle, &m, 1);
                last = 0x90;
            }
            for (unsigned k = 1; k < c && rle.len < LIMITS_TEXT_SIZE_MAX; k++) {
                unsigned char m = (unsigned char)last;
                strbuf_append(&rle, &m, 1);
            }
        } else if (c == 0x90) {
            run = 1;
        } else {
            strbuf_append(&rle, &c, 1);
            last = c;
        }
    }
    strbuf_free(&raw);
    if (rle.oom) {
        strbuf_free(&rle);
        return -1;
    }
    const unsigned char *r = (const unsigned char *)(rle.s ? rle.s : "");
    size_t nlen = rle.len ? r[0] : 0, off = 1 + nlen + 1 + 4 + 4 + 2;
    if (nlen >= 1 && nlen <= 63 && rle.len >= off + 4 + 4 + 2) {
        size_t dlen = bc_be32(r + off), start = off + 4 + 4 + 2;
        bc_set_name(b, (const char *)r + 1, nlen);
        if (dlen > rle.len - start)
            dlen = rle.len - start;
        strbuf_append(&b->data, r + start, dlen);
    } else {
        strbuf_append(&b->data, r, rle.len);
    }
    strbuf_free(&rle);
    return 0;
}

/*
 * bc_binhex_block - the BinHex notice line and the ":...:" block after it,
 * or a block of full BinHex lines without the notice
 */
static int bc_binhex_block(bc_line l, const char *end, bc_block *b)
{
    const char *p = l.s, *last;
    unsigned q = bc_depth(l, NULL);
    strbuf sextets = { 0 };
    int marked = bc_find_ci(l, "must be converted with binhex") != NULL, done = 0;
    bc_line u;

    if (marked) {
        p = l.next;
        while (p < end && bc_b64_len(bc_unquote(bc_line_at(p, end), q)) == 0)
            p = bc_line_at(p, end).next;
    }
    if (p >= end)
        return 0;
    u = bc_unquote(bc_line_at(p, end), q);
    if (u.n == 0 || u.s[0] != ':')
        return 0;
    u.s++;
    u.n--;
    if (!bc_hqx_line(u, marked ? 1 : 63) || (!marked && !bc_varied(u)))
        return 0;
    last = p;
    while (!done && p < end) {
        bc_line n = bc_line_at(p, end);
        if (p != last) {
            u = bc_unquote(n, q);
            if (!bc_hqx_line(u, 1))
                break;
        }
        for (size_t i = 0; i < u.n && !done; i++) {
            int v = bc_hqx_val(u.s[i]);
            unsigned char c = (unsigned char)v;
            if (u.s[i] == ':')
                done = 1;
            else if (v >= 0)
                strbuf_append(&sextets, &c, 1);
        }
        p = n.next;
    }
    int rc = sextets.oom ? -1 : bc_hqx_decode(&sextets, b);
    strbuf_free(&sextets);
    if (rc < 0)
        return -1;
    b->kind = BINCUT_BINHEX;
    b->from = l.s;
    b->to = p;
    return 1;
}

/* ---- bare base64 ---------------------------------------------------- */

/* bc_b64_word - a character that may be part of a base64 word */
static int bc_b64_word(unsigned char c)
{
    return c == '=' || bc_b64_val(c) >= 0;
}

/*
 * bc_b64_run - a run of long uniform base64 lines from l on (outside PEM
 * armour) that decodes to binary content or to a file signature; *seen
 * is set to where the run ends, so that its lines are not judged again
 */
static int bc_b64_run(bc_line l, const char *end, bc_block *b, const char **seen)
{
    size_t skip, w;
    bc_b64 d = { 0, 0 };
    int up = 0, low = 0, dig = 0;

    bc_depth(l, &skip);
    bc_line u = { l.s + skip, l.n - skip, l.next };
    if (!bc_b64_line(u, LIMITS_B64_LINE))
        return 0;
    w = bc_b64_len(u);
    bc_b64_feed(&d, u.s, w, &b->data);
    const char *to = bc_b64_follow(l, end, &d, &b->data);
    *seen = to;
    for (const char *c = l.s; c < to; c++) {
        up |= *c >= 'A' && *c <= 'Z';
        low |= *c >= 'a' && *c <= 'z';
        dig |= *c >= '0' && *c <= '9';
    }
    if (b->data.oom)
        return -1;
    if ((size_t)(to - l.s) < LIMITS_B64_RUN || !up || !low || !dig ||
        !(bincut_signature((const unsigned char *)b->data.s, b->data.len) ||
          textsafe_binary(b->data.s, b->data.len))) {
        strbuf_free(&b->data);
        return 0;
    }
    b->kind = BINCUT_BASE64;
    b->from = l.s;
    b->to = to;
    return 1;
}

/*
 * bc_b64_words - a base64 word in the line (from its start s) that
 * decodes to a file signature, with the lines that continue it when it
 * runs to the end of the line. Text before it on its line stays.
 */
static int bc_b64_words(bc_line l, const char *end, bc_block *b)
{
    const unsigned char *s = (const unsigned char *)l.s;
    size_t n = bc_b64_len(l);

    for (size_t i = 0; i < n; i++) {
        if (!bc_b64_word(s[i]) || s[i] == '=')
            continue;
        size_t j = i;
        while (j < n && bc_b64_word(s[j]))
            j++;
        if (j - i >= LIMITS_B64_TOKEN) {
            strbuf head = { 0 };
            bc_b64 d = { 0, 0 };
            bc_b64_feed(&d, l.s + i, j - i < 24 ? j - i : 24, &head);
            int sig = !head.oom && bincut_signature((const unsigned char *)head.s, head.len);
            strbuf_free(&head);
            if (sig) {
                size_t k = 0;
                while (k < i && (bc_blank(l.s[k]) || l.s[k] == '>'))
                    k++;
                d.acc = 0;
                d.bits = 0;
                bc_b64_feed(&d, l.s + i, j - i, &b->data);
                b->kind = BINCUT_BASE64;
                b->from = k == i ? l.s : l.s + i;
                if (j < n) {
                    b->to = l.s + j;
                } else {
                    b->to = bc_b64_follow(l, end, &d, &b->data);
                }
                /* a word after text keeps the line end of its last line */
                if (b->from != l.s && b->to > l.s + j && b->to[-1] == '\n') {
                    b->to--;
                    while (b->to > l.s + j && b->to[-1] == '\r')
                        b->to--;
                }
                return b->data.oom ? -1 : 1;
            }
        }
        i = j;
    }
    return 0;
}

/* ---- the cutter ----------------------------------------------------- */

/* bc_emit - give a block to the callback */
static int bc_emit(bc_block *b, bincut_cb cb, void *ctx)
{
    bincut_block blk = { b->kind, b->name, (const unsigned char *)(b->data.s ? b->data.s : ""),
                         b->data.len };
    int rc = b->data.oom ? -1 : cb(ctx, &blk);
    strbuf_free(&b->data);
    return rc < 0 ? -1 : 0;
}

/* bc_pass - one pass over the text: out gets it without the blocks found */
static int bc_pass(const char *text, size_t len, strbuf *out, bincut_cb cb, void *ctx)
{
    const char *p = text, *end = text + len, *copied = text, *judged = text;
    int blocks = 0, pem = 0;

    while (p < end) {
        bc_line l = bc_line_at(p, end);
        bc_block b = { .from = NULL };
        int r = 0;

        /* a line start, or the text after a word cut from its line */
        int start = p == text || p[-1] == '\n';
        if (start && bc_starts(l, "-----BEGIN "))
            pem = 1;
        else if (start && bc_starts(l, "-----END "))
            pem = 0;
        for (int k = 0; k < 5 && r == 0; k++) {
            strbuf_free(&b.data);	/* what a detector that said no decoded */
            b.name[0] = 0;
            switch (k) {
            case 0: r = bc_begin_block(l, end, &b); break;
            case 1: r = bc_yenc_block(l, end, &b); break;
            case 2: r = bc_binhex_block(l, end, &b); break;
            case 3: r = start && !pem && p >= judged ? bc_b64_run(l, end, &b, &judged) : 0; break;
            default: r = bc_b64_words(l, end, &b); break;
            }
        }
        if (r <= 0) {
            strbuf_free(&b.data);
            if (r < 0)
                return -1;
            p = l.next;
            continue;
        }
        if (strbuf_append(out, copied, (size_t)(b.from - copied)) < 0 || bc_emit(&b, cb, ctx) < 0)
            return -1;
        blocks++;
        copied = p = b.to;
    }
    if (strbuf_append(out, copied, (size_t)(end - copied)) < 0)
        return -1;
    return blocks;
}

/*
 * bincut - append text without its encoded blocks. The text left by a cut
 * is cut again until nothing more is found: the lines around a block can
 * join into a new one ("begin" before a block that ended in "end").
 */
int bincut(const char *text, size_t len, strbuf *out, bincut_cb cb, void *ctx)
{
    strbuf cur = { 0 };
    int total = 0;

    for (int pass = 0; ; pass++) {
        strbuf next = { 0 };
        int n = pass < LIMITS_BINCUT_PASSES
                    ? bc_pass(pass ? (cur.s ? cur.s : "") : text, pass ? cur.len : len, &next, cb, ctx)
                    : -1;
        strbuf_free(&cur);
        cur = next;
        if (n < 0) {
            strbuf_free(&cur);
            return -1;
        }
        total += n;
        if (n == 0)
            break;
    }
    int rc = strbuf_append(out, cur.s ? cur.s : "", cur.len) < 0 ? -1 : total;
    strbuf_free(&cur);
    return rc;
}
