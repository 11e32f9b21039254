/*
 * NAME
 *	charset - find the real charset of Japanese text and convert it
 * DESCRIPTION
 *	charset_to_utf8() decides in this order: JIS escape sequences in
 *	7-bit text mean ISO-2022-JP; valid UTF-8 is UTF-8; a declared charset
 *	that converts without error is kept, with a second opinion (EUC-JP
 *	labelled Shift_JIS or the reverse is caught by how Japanese each
 *	reading looks; a Latin or Chinese/Korean label yields to Japanese only
 *	when libuchardet says so and that reading is clean and Japanese);
 *	mostly-valid UTF-8 is damaged UTF-8; then libuchardet's Japanese
 *	guesses; then CP932 and EUC-JP-MS, judged by errors and by how
 *	Japanese the result looks; then libuchardet's other guesses; last,
 *	the fewest errors. Labels this file does not know count as no label.
 *
 *	Japanese labels are decoded as the Microsoft supersets real mail uses
 *	(CP932, EUC-JP-MS). ISO-2022-JP is decoded here rather than by iconv,
 *	so that NEC row 13 and IBM extension characters written by Windows
 *	clients (CP50221) survive. Every iconv_t and uchardet handle lives for
 *	one call only: the functions are safe to call from many threads.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uchardet.h>

#include "sanitizer/charset.h"
#include "sanitizer/limits.h"

#define CS_FFFD		"\xEF\xBF\xBD"
#define CS_GETA		"\xE3\x80\x93"	/* U+3013 GETA MARK */
#define CS_LABEL_MAX	48		/* longest charset label looked up */

/* A growable output buffer; oom is sticky so callers check once. */
struct cs_buf {
    char	*p;
    size_t	len, cap;
    int		oom;
};

enum cs_kind {
    CS_ASCII, CS_UTF8, CS_SJIS, CS_EUCJP, CS_JIS, CS_LATIN1, CS_SINGLE,
    CS_CJK, CS_WIDE, CS_STATEFUL
};

struct cs_entry {
    const char	*alias;		/* lower case, letters and digits only */
    const char	*canon;		/* name reported in *used */
    const char	*iconv;		/* glibc iconv name (NULL: decoded here) */
    enum cs_kind kind;
};

/* Labels seen in mail, normalized by cs_normalize(). */
static const struct cs_entry cs_table[] = {
    { "usascii", "US-ASCII", NULL, CS_ASCII },
    { "ascii", "US-ASCII", NULL, CS_ASCII },
    { "ansix341968", "US-ASCII", NULL, CS_ASCII },
    { "iso646us", "US-ASCII", NULL, CS_ASCII },
    { "us", "US-ASCII", NULL, CS_ASCII },
    { "cp367", "US-ASCII", NULL, CS_ASCII },
    { "utf8", "UTF-8", NULL, CS_UTF8 },
    { "unicode11utf8", "UTF-8", NULL, CS_UTF8 },
    { "xunicode20utf8", "UTF-8", NULL, CS_UTF8 },
    { "shiftjis", "CP932", "CP932", CS_SJIS },
    { "sjis", "CP932", "CP932", CS_SJIS },
    { "xsjis", "CP932", "CP932", CS_SJIS },
    { "mskanji", "CP932", "CP932", CS_SJIS },
    { "csshiftjis", "CP932", "CP932", CS_SJIS },
    { "windows31j", "CP932", "CP932", CS_SJIS },
    { "cswindows31j", "CP932", "CP932", CS_SJIS },
    { "cp932", "CP932", "CP932", CS_SJIS },
    { "ms932", "CP932", "CP932", CS_SJIS },
    { "xmscp932", "CP932", "CP932", CS_SJIS },
    { "ibm943", "CP932", "CP932", CS_SJIS },
    { "sjisopen", "CP932", "CP932", CS_SJIS },
    { "sjiswin", "CP932", "CP932", CS_SJIS },
    { "shiftjisx0213", "CP932", "CP932", CS_SJIS },
    { "shiftjis2004", "CP932", "CP932", CS_SJIS },
    { "xmacjapanese", "CP932", "CP932", CS_SJIS },
    { "macjapanese", "CP932", "CP932", CS_SJIS },
    { "eucjp", "EUC-JP-MS", "EUC-JP-MS", CS_EUCJP },
    { "xeucjp", "EUC-JP-MS", "EUC-JP-MS", CS_EUCJP },
    { "cseucpkdfmtjapanese", "EUC-JP-MS", "EUC-JP-MS", CS_EUCJP },
    { "eucjpms", "EUC-JP-MS", "EUC-JP-MS", CS_EUCJP },
    { "eucjpwin", "EUC-JP-MS", "EUC-JP-MS", CS_EUCJP },
    { "cp51932", "EUC-JP-MS", "EUC-JP-MS", CS_EUCJP },
    { "ujis", "EUC-JP-MS", "EUC-JP-MS", CS_EUCJP },
    { "iso2022jp", "ISO-2022-JP", NULL, CS_JIS },
    { "csiso2022jp", "ISO-2022-JP", NULL, CS_JIS },
    { "iso2022jp1", "ISO-2022-JP", NULL, CS_JIS },
    { "iso2022jp2", "ISO-2022-JP", NULL, CS_JIS },
    { "csiso2022jp2", "ISO-2022-JP", NULL, CS_JIS },
    { "iso2022jp3", "ISO-2022-JP", NULL, CS_JIS },
    { "iso2022jp2004", "ISO-2022-JP", NULL, CS_JIS },
    { "cp50220", "ISO-2022-JP", NULL, CS_JIS },
    { "cp50221", "ISO-2022-JP", NULL, CS_JIS },
    { "cp50222", "ISO-2022-JP", NULL, CS_JIS },
    { "jis", "ISO-2022-JP", NULL, CS_JIS },
    { "iso88591", "ISO-8859-1", "ISO-8859-1", CS_LATIN1 },
    { "iso885911987", "ISO-8859-1", "ISO-8859-1", CS_LATIN1 },
    { "latin1", "ISO-8859-1", "ISO-8859-1", CS_LATIN1 },
    { "l1", "ISO-8859-1", "ISO-8859-1", CS_LATIN1 },
    { "cp819", "ISO-8859-1", "ISO-8859-1", CS_LATIN1 },
    { "ibm819", "ISO-8859-1", "ISO-8859-1", CS_LATIN1 },
    { "csisolatin1", "ISO-8859-1", "ISO-8859-1", CS_LATIN1 },
    { "iso88592", "ISO-8859-2", "ISO-8859-2", CS_SINGLE },
    { "latin2", "ISO-8859-2", "ISO-8859-2", CS_SINGLE },
    { "iso88593", "ISO-8859-3", "ISO-8859-3", CS_SINGLE },
    { "iso88594", "ISO-8859-4", "ISO-8859-4", CS_SINGLE },
    { "iso88595", "ISO-8859-5", "ISO-8859-5", CS_SINGLE },
    { "iso88596", "ISO-8859-6", "ISO-8859-6", CS_SINGLE },
    { "iso88597", "ISO-8859-7", "ISO-8859-7", CS_SINGLE },
    { "iso88598", "ISO-8859-8", "ISO-8859-8", CS_SINGLE },
    { "iso88598i", "ISO-8859-8", "ISO-8859-8", CS_SINGLE },
    { "iso88599", "ISO-8859-9", "ISO-8859-9", CS_SINGLE },
    { "iso885910", "ISO-8859-10", "ISO-8859-10", CS_SINGLE },
    { "iso885911", "TIS-620", "TIS-620", CS_SINGLE },
    { "iso885913", "ISO-8859-13", "ISO-8859-13", CS_SINGLE },
    { "iso885914", "ISO-8859-14", "ISO-8859-14", CS_SINGLE },
    { "iso885915", "ISO-8859-15", "ISO-8859-15", CS_SINGLE },
    { "latin9", "ISO-8859-15", "ISO-8859-15", CS_SINGLE },
    { "iso885916", "ISO-8859-16", "ISO-8859-16", CS_SINGLE },
    { "windows1250", "WINDOWS-1250", "CP1250", CS_SINGLE },
    { "cp1250", "WINDOWS-1250", "CP1250", CS_SINGLE },
    { "windows1251", "WINDOWS-1251", "CP1251", CS_SINGLE },
    { "cp1251", "WINDOWS-1251", "CP1251", CS_SINGLE },
    { "windows1252", "WINDOWS-1252", "CP1252", CS_SINGLE },
    { "cp1252", "WINDOWS-1252", "CP1252", CS_SINGLE },
    { "xcp1252", "WINDOWS-1252", "CP1252", CS_SINGLE },
    { "windows1253", "WINDOWS-1253", "CP1253", CS_SINGLE },
    { "cp1253", "WINDOWS-1253", "CP1253", CS_SINGLE },
    { "windows1254", "WINDOWS-1254", "CP1254", CS_SINGLE },
    { "cp1254", "WINDOWS-1254", "CP1254", CS_SINGLE },
    { "windows1255", "WINDOWS-1255", "CP1255", CS_SINGLE },
    { "cp1255", "WINDOWS-1255", "CP1255", CS_SINGLE },
    { "windows1256", "WINDOWS-1256", "CP1256", CS_SINGLE },
    { "cp1256", "WINDOWS-1256", "CP1256", CS_SINGLE },
    { "windows1257", "WINDOWS-1257", "CP1257", CS_SINGLE },
    { "cp1257", "WINDOWS-1257", "CP1257", CS_SINGLE },
    { "windows1258", "WINDOWS-1258", "CP1258", CS_SINGLE },
    { "cp1258", "WINDOWS-1258", "CP1258", CS_SINGLE },
    { "koi8r", "KOI8-R", "KOI8-R", CS_SINGLE },
    { "koi8u", "KOI8-U", "KOI8-U", CS_SINGLE },
    { "tis620", "TIS-620", "TIS-620", CS_SINGLE },
    { "windows874", "TIS-620", "TIS-620", CS_SINGLE },
    { "gb2312", "GB18030", "GB18030", CS_CJK },
    { "csgb2312", "GB18030", "GB18030", CS_CJK },
    { "euccn", "GB18030", "GB18030", CS_CJK },
    { "gbk", "GB18030", "GB18030", CS_CJK },
    { "xgbk", "GB18030", "GB18030", CS_CJK },
    { "cp936", "GB18030", "GB18030", CS_CJK },
    { "gb18030", "GB18030", "GB18030", CS_CJK },
    { "big5", "BIG5-HKSCS", "BIG5-HKSCS", CS_CJK },
    { "csbig5", "BIG5-HKSCS", "BIG5-HKSCS", CS_CJK },
    { "xxbig5", "BIG5-HKSCS", "BIG5-HKSCS", CS_CJK },
    { "cnbig5", "BIG5-HKSCS", "BIG5-HKSCS", CS_CJK },
    { "big5hkscs", "BIG5-HKSCS", "BIG5-HKSCS", CS_CJK },
    { "cp950", "BIG5-HKSCS", "BIG5-HKSCS", CS_CJK },
    { "euckr", "CP949", "CP949", CS_CJK },
    { "cseuckr", "CP949", "CP949", CS_CJK },
    { "ksc56011987", "CP949", "CP949", CS_CJK },
    { "ksc5601", "CP949", "CP949", CS_CJK },
    { "cp949", "CP949", "CP949", CS_CJK },
    { "uhc", "CP949", "CP949", CS_CJK },
    { "windows949", "CP949", "CP949", CS_CJK },
    { "utf16", "UTF-16", "UTF-16", CS_WIDE },
    { "utf16le", "UTF-16LE", "UTF-16LE", CS_WIDE },
    { "utf16be", "UTF-16BE", "UTF-16BE", CS_WIDE },
    { "utf32", "UTF-32", "UTF-32", CS_WIDE },
    { "utf32le", "UTF-32LE", "UTF-32LE", CS_WIDE },
    { "utf32be", "UTF-32BE", "UTF-32BE", CS_WIDE },
    { "utf7", "UTF-7", "UTF-7", CS_STATEFUL },
    { "unicode11utf7", "UTF-7", "UTF-7", CS_STATEFUL },
    { "iso2022kr", "ISO-2022-KR", "ISO-2022-KR", CS_STATEFUL },
    { "csiso2022kr", "ISO-2022-KR", "ISO-2022-KR", CS_STATEFUL },
    { "iso2022cn", "ISO-2022-CN", "ISO-2022-CN", CS_STATEFUL },
};

static const struct cs_entry cs_cp932 = { "cp932", "CP932", "CP932", CS_SJIS };
static const struct cs_entry cs_eucjpms = { "eucjpms", "EUC-JP-MS", "EUC-JP-MS", CS_EUCJP };

/* cs_buf_reserve - make room for add more bytes plus a NUL */
static int cs_buf_reserve(struct cs_buf *b, size_t add)
{
    size_t need, cap;
    char *p;

    if (b->oom)
        return 0;
    if (add > SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return 0;
    }
    need = b->len + add + 1;
    if (need <= b->cap)
        return 1;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    if ((p = realloc(b->p, cap)) == NULL) {
        b->oom = 1;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

/* cs_buf_put - append n bytes */
static void cs_buf_put(struct cs_buf *b, const void *s, size_t n)
{
    if (n == 0 || !cs_buf_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* cs_buf_putc - append one byte */
static void cs_buf_putc(struct cs_buf *b, unsigned char c)
{
    if (!cs_buf_reserve(b, 1))
        return;
    b->p[b->len++] = (char)c;
}

/* cs_buf_putcp - append one code point as UTF-8 */
static void cs_buf_putcp(struct cs_buf *b, uint32_t cp)
{
    unsigned char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | (cp >> 18));
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    cs_buf_put(b, u, n);
}

/* cs_buf_free - release and reset a buffer */
static void cs_buf_free(struct cs_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

/* cs_buf_swap - exchange two buffers */
static void cs_buf_swap(struct cs_buf *a, struct cs_buf *b)
{
    struct cs_buf t = *a;

    *a = *b;
    *b = t;
}

/*
 * cs_utf8_next - check the sequence at s: 1 and its length in *used when
 * it is a valid character, else 0 and the length of the maximal invalid
 * prefix (at least 1), which is what one U+FFFD replaces.
 */
static int cs_utf8_next(const unsigned char *s, size_t n, size_t *used)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (c < 0x80) {
        *used = 1;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;		/* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *used = 1;
        return 0;
    }
    for (i = 1; i <= need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi) {
            *used = i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    *used = need + 1;
    return 1;
}

/* cs_utf8_cp - code point of the valid sequence of length n at s */
static uint32_t cs_utf8_cp(const unsigned char *s, size_t n)
{
    switch (n) {
    case 1:
        return s[0];
    case 2:
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    case 3:
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6)
            | (s[2] & 0x3F);
    default:
        return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12)
            | ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    }
}

/* charset_is_utf8 - 1 if buf is valid UTF-8 (no overlongs, no surrogates) */
int charset_is_utf8(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0, n;

    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (!cs_utf8_next(s + i, len - i, &n))
            return 0;
        i += n;
    }
    return 1;
}

/* cs_utf8_counts - valid multibyte characters, invalid sequences, 3+ byte ones */
static void cs_utf8_counts(const char *buf, size_t len, size_t *valid,
                           size_t *invalid, size_t *longer)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0, n;

    *valid = *invalid = *longer = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (cs_utf8_next(s + i, len - i, &n)) {
            (*valid)++;
            if (n > 2)
                (*longer)++;
        } else {
            (*invalid)++;
        }
        i += n;
    }
}

/* cs_utf8_repair - copy UTF-8, one U+FFFD per invalid sequence; returns the count */
static size_t cs_utf8_repair(const char *buf, size_t len, struct cs_buf *out)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0, n, start = 0, errs = 0;

    /* A leading byte order mark is noise in mail text. */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = start = 3;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (cs_utf8_next(s + i, len - i, &n)) {
            i += n;
            continue;
        }
        cs_buf_put(out, buf + start, i - start);
        cs_buf_put(out, CS_FFFD, 3);
        errs++;
        i += n;
        start = i;
    }
    cs_buf_put(out, buf + start, len - start);
    return errs;
}

/* cs_normalize - lower-case letters and digits of a label, up to '*' (RFC 2231 language) */
static int cs_normalize(const char *label, char *out, size_t outsz)
{
    size_t n = 0;
    const char *p;

    for (p = label; *p && *p != '*'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            continue;
        if (n + 1 >= outsz)
            return 0;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return n > 0;
}

/* cs_lookup - the table entry for a charset label, or NULL when unknown */
static const struct cs_entry *cs_lookup(const char *label)
{
    char norm[CS_LABEL_MAX];
    size_t i;

    if (label == NULL || !cs_normalize(label, norm, sizeof(norm)))
        return NULL;
    for (i = 0; i < sizeof(cs_table) / sizeof(cs_table[0]); i++)
        if (strcmp(cs_table[i].alias, norm) == 0)
            return &cs_table[i];
    return NULL;
}

/*
 * cs_iconv_run - convert with cd until the input is used up (0) or an
 * error: EILSEQ or EINVAL with *ip at the offending byte, ENOMEM when the
 * output buffer cannot grow.
 */
static int cs_iconv_run(iconv_t cd, char **ip, size_t *il, struct cs_buf *out)
{
    for (;;) {
        char *op;
        size_t ol, r;

        if (!cs_buf_reserve(out, *il * 2 + 16))
            return ENOMEM;
        op = out->p + out->len;
        ol = out->cap - out->len - 1;
        r = iconv(cd, ip, il, &op, &ol);
        out->len = (size_t)(op - out->p);
        if (r != (size_t)-1)
            return 0;
        if (errno == E2BIG) {
            if (!cs_buf_reserve(out, out->cap - out->len + 64))
                return ENOMEM;
            continue;
        }
        return errno == EINVAL ? EINVAL : EILSEQ;
    }
}

/* cs_iconv_flush - write any shift sequence iconv still holds */
static int cs_iconv_flush(iconv_t cd, struct cs_buf *out)
{
    for (;;) {
        char *op;
        size_t ol;

        if (!cs_buf_reserve(out, 64))
            return ENOMEM;
        op = out->p + out->len;
        ol = out->cap - out->len - 1;
        if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1) {
            out->len = (size_t)(op - out->p);
            return 0;
        }
        out->len = (size_t)(op - out->p);
        if (errno != E2BIG)
            return EILSEQ;
        if (!cs_buf_reserve(out, out->cap))
            return ENOMEM;
    }
}

/*
 * cs_iconv_decode - decode with glibc iconv, U+FFFD for each bad byte;
 * returns the number of errors, or SIZE_MAX when iconv lacks `from`.
 */
static size_t cs_iconv_decode(const char *from, const char *buf, size_t len,
                              struct cs_buf *out)
{
    iconv_t cd = iconv_open("UTF-8", from);
    char *ip = (char *)buf;
    size_t il = len, errs = 0;

    if (cd == (iconv_t)-1)
        return SIZE_MAX;
    while (il > 0) {
        int e = cs_iconv_run(cd, &ip, &il, out);

        if (e == 0 || e == ENOMEM)
            break;
        cs_buf_put(out, CS_FFFD, 3);
        errs++;
        if (e == EINVAL)
            break;
        ip++;			/* resynchronise on the next byte */
        il--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    cs_iconv_flush(cd, out);
    iconv_close(cd);
    return errs;
}

/* The ISO-2022-JP decoder: graphic sets designated to G0 by escapes. */
enum cs_jis_set {
    CS_G_ASCII, CS_G_KANA, CS_G_0208, CS_G_0212, CS_G_0213A, CS_G_0213B,
    CS_G_GB, CS_G_KSC
};

enum cs_jis_cd {
    CS_CD_EUCJP, CS_CD_CP932, CS_CD_EUCMS, CS_CD_X0213, CS_CD_GB, CS_CD_KSC,
    CS_CD_GREEK, CS_CD_COUNT
};

static const char *const cs_jis_cdnames[CS_CD_COUNT] = {
    "EUC-JP", "CP932", "EUC-JP-MS", "EUC-JISX0213", "EUC-CN", "EUC-KR",
    "ISO-8859-7"
};

struct cs_jis {
    iconv_t	cd[CS_CD_COUNT];
    int		tried[CS_CD_COUNT];
    struct cs_buf seg;		/* pending double-byte characters, EUC form */
    enum cs_jis_set segset;
    size_t	errs;
};

/* cs_jis_cd - the converter for one set, opened on first use */
static iconv_t cs_jis_cd(struct cs_jis *j, enum cs_jis_cd which)
{
    if (!j->tried[which]) {
        j->tried[which] = 1;
        j->cd[which] = iconv_open("UTF-8", cs_jis_cdnames[which]);
    }
    return j->cd[which];
}

/* cs_jis_one - convert one unit with cd; 0 on success, -1 (output untouched) on failure */
static int cs_jis_one(iconv_t cd, const unsigned char *u, size_t n, struct cs_buf *out)
{
    char *ip = (char *)u;
    size_t il = n, keep = out->len;

    if (cd == (iconv_t)-1)
        return -1;
    if (cs_iconv_run(cd, &ip, &il, out) != 0 || il != 0) {
        iconv(cd, NULL, NULL, NULL, NULL);
        out->len = keep;
        return -1;
    }
    return 0;
}

/*
 * cs_jis_fallback - decode one JIS X 0208 pair the way Windows does
 * (CP50221: NEC row 13, IBM extensions) by turning it into Shift_JIS
 */
static int cs_jis_fallback(struct cs_jis *j, const unsigned char *euc, struct cs_buf *out)
{
    unsigned j1 = euc[0] & 0x7F, j2 = euc[1] & 0x7F;
    unsigned char s[2];

    s[0] = (unsigned char)(((j1 + 1) >> 1) + (j1 <= 0x5E ? 0x70 : 0xB0));
    if (j1 & 1)
        s[1] = (unsigned char)(j2 + (j2 < 0x60 ? 0x1F : 0x20));
    else
        s[1] = (unsigned char)(j2 + 0x7E);
    return cs_jis_one(cs_jis_cd(j, CS_CD_CP932), s, 2, out);
}

/* cs_jis_flush - convert the pending double-byte segment */
static void cs_jis_flush(struct cs_jis *j, struct cs_buf *out)
{
    enum cs_jis_cd primary, second;
    size_t unit = 2, off = 0;
    const unsigned char *u = (const unsigned char *)j->seg.p;
    iconv_t cd;

    if (j->seg.len == 0)
        return;
    switch (j->segset) {
    case CS_G_0212:
        primary = CS_CD_EUCJP;
        second = CS_CD_EUCMS;
        unit = 3;
        break;
    case CS_G_0213A:
        primary = second = CS_CD_X0213;
        break;
    case CS_G_0213B:
        primary = second = CS_CD_X0213;
        unit = 3;
        break;
    case CS_G_GB:
        primary = second = CS_CD_GB;
        break;
    case CS_G_KSC:
        primary = second = CS_CD_KSC;
        break;
    default:
        primary = CS_CD_EUCJP;
        second = CS_CD_CP932;
        break;
    }
    cd = cs_jis_cd(j, primary);
    while (off < j->seg.len) {
        char *ip = (char *)u + off;
        size_t il = j->seg.len - off;
        int e = -1;

        if (cd != (iconv_t)-1) {
            e = cs_iconv_run(cd, &ip, &il, out);
            if (e == ENOMEM)
                break;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
        if (e == 0)
            break;
        off = (size_t)((unsigned char *)ip - u);
        /* The failing position is always on a unit boundary. */
        off -= off % unit;
        if (j->seg.len - off < unit) {
            cs_buf_put(out, CS_FFFD, 3);
            j->errs++;
            break;
        }
        if (j->segset == CS_G_0208)
            e = cs_jis_fallback(j, u + off, out);
        else if (second != primary)
            e = cs_jis_one(cs_jis_cd(j, second), u + off, unit, out);
        else
            e = -1;
        if (e != 0) {
            cs_buf_put(out, CS_FFFD, 3);
            j->errs++;
        }
        off += unit;
    }
    if (cd != (iconv_t)-1)
        cs_iconv_flush(cd, out);
    j->seg.len = 0;
}

/* cs_jis_escape - length of a known escape sequence at s (ESC included) and its effect */
static size_t cs_jis_escape(const unsigned char *s, size_t n, int *set, int *g2)
{
    static const struct {
        const char *seq;
        int set;		/* -1: no G0 change */
        int g2;			/* 0: no G2 change, 1 Latin-1, 2 Greek, 3 single shift */
    } esc[] = {
        { "(B", CS_G_ASCII, 0 }, { "(J", CS_G_ASCII, 0 }, { "(H", CS_G_ASCII, 0 },
        { "(I", CS_G_KANA, 0 }, { "$@", CS_G_0208, 0 }, { "$B", CS_G_0208, 0 },
        { "$A", CS_G_GB, 0 }, { "$(C", CS_G_KSC, 0 }, { "$(D", CS_G_0212, 0 },
        { "$(O", CS_G_0213A, 0 }, { "$(Q", CS_G_0213A, 0 }, { "$(P", CS_G_0213B, 0 },
        { "&@", -1, 0 }, { ".A", -1, 1 }, { ".F", -1, 2 }, { "N", -1, 3 },
    };
    size_t i;

    for (i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
        size_t l = strlen(esc[i].seq);

        if (n >= l + 1 && memcmp(s + 1, esc[i].seq, l) == 0) {
            *set = esc[i].set;
            *g2 = esc[i].g2;
            return l + 1;
        }
    }
    return 0;
}

/*
 * cs_jis_decode - decode ISO-2022-JP (with -1, -2 and -3 designations
 * and JIS X 0201 katakana); JIS-Roman is read as ASCII, since Japanese
 * mailers use ESC ( J for plain ASCII and a URL's '~' must stay '~'.
 * Returns the number of errors.
 */
static size_t cs_jis_decode(const char *buf, size_t len, struct cs_buf *out)
{
    const unsigned char *s = (const unsigned char *)buf;
    struct cs_jis j;
    enum cs_jis_set g0 = CS_G_ASCII;
    int shifted = 0, g2 = 0;
    size_t i = 0, k;

    memset(&j, 0, sizeof(j));
    while (i < len && !out->oom && !j.seg.oom) {
        unsigned c = s[i];

        if (c == 0x1B) {
            int set, eff;
            size_t l = cs_jis_escape(s + i, len - i, &set, &eff);

            cs_jis_flush(&j, out);
            if (l == 0) {
                cs_buf_put(out, CS_FFFD, 3);
                j.errs++;
                i++;
                continue;
            }
            i += l;
            if (set >= 0)
                g0 = (enum cs_jis_set)set;
            if (eff == 1 || eff == 2) {
                g2 = eff;
            } else if (eff == 3) {
                /* single shift 2: one character from the G2 set */
                if (g2 != 0 && i < len && s[i] >= 0x20 && s[i] < 0x80) {
                    unsigned char hb = (unsigned char)(s[i] | 0x80);

                    if (g2 == 1)
                        cs_buf_putcp(out, hb);
                    else if (cs_jis_one(cs_jis_cd(&j, CS_CD_GREEK), &hb, 1, out) != 0) {
                        cs_buf_put(out, CS_FFFD, 3);
                        j.errs++;
                    }
                    i++;
                } else {
                    cs_buf_put(out, CS_FFFD, 3);
                    j.errs++;
                }
            }
            continue;
        }
        if (c == 0x0E || c == 0x0F) {		/* SO/SI: JIS7 katakana */
            cs_jis_flush(&j, out);
            shifted = c == 0x0E;
            i++;
            continue;
        }
        if (c >= 0x80) {
            cs_jis_flush(&j, out);
            cs_buf_put(out, CS_FFFD, 3);
            j.errs++;
            i++;
            continue;
        }
        if ((shifted || g0 == CS_G_KANA) && c >= 0x21 && c <= 0x5F) {
            cs_jis_flush(&j, out);
            cs_buf_putcp(out, 0xFF61 + (c - 0x21));
            i++;
            continue;
        }
        if (g0 >= CS_G_0208 && c >= 0x21 && c <= 0x7E) {
            if (i + 1 >= len || s[i + 1] < 0x21 || s[i + 1] > 0x7E) {
                cs_jis_flush(&j, out);
                cs_buf_put(out, CS_FFFD, 3);
                j.errs++;
                i++;
                continue;
            }
            if (j.seg.len > 0 && j.segset != g0)
                cs_jis_flush(&j, out);
            j.segset = g0;
            if (g0 == CS_G_0212 || g0 == CS_G_0213B)
                cs_buf_putc(&j.seg, 0x8F);
            cs_buf_putc(&j.seg, (unsigned char)(c | 0x80));
            cs_buf_putc(&j.seg, (unsigned char)(s[i + 1] | 0x80));
            i += 2;
            continue;
        }
        /* ASCII, and the controls and spaces that appear in any state */
        cs_jis_flush(&j, out);
        cs_buf_putc(out, (unsigned char)c);
        i++;
    }
    cs_jis_flush(&j, out);
    if (j.seg.oom)
        out->oom = 1;
    cs_buf_free(&j.seg);
    for (k = 0; k < CS_CD_COUNT; k++)
        if (j.tried[k] && j.cd[k] != (iconv_t)-1)
            iconv_close(j.cd[k]);
    return j.errs;
}

/* cs_has_jis_escape - 1 if buf holds an ISO-2022-JP designation to a non-ASCII set */
static int cs_has_jis_escape(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    const unsigned char *p = s, *end = s + len;

    while ((p = memchr(p, 0x1B, (size_t)(end - p))) != NULL) {
        int set, g2;

        if (cs_jis_escape(p, (size_t)(end - p), &set, &g2) > 0
            && set != -1 && set != CS_G_ASCII)
            return 1;
        p++;
    }
    return 0;
}

/* cs_decode - decode with one known charset; returns the error count, *used set */
static size_t cs_decode(const struct cs_entry *e, const char *buf, size_t len,
                        struct cs_buf *out, const char **used)
{
    size_t i, errs = 0;

    *used = e->canon;
    switch (e->kind) {
    case CS_UTF8:
        return cs_utf8_repair(buf, len, out);
    case CS_JIS:
        return cs_jis_decode(buf, len, out);
    case CS_ASCII:
        for (i = 0; i < len; i++) {
            if ((unsigned char)buf[i] < 0x80) {
                cs_buf_putc(out, (unsigned char)buf[i]);
            } else {
                cs_buf_put(out, CS_FFFD, 3);
                errs++;
            }
        }
        return errs;
    case CS_LATIN1:
        /* Mail labelled ISO-8859-1 with C1 bytes is really windows-1252. */
        for (i = 0; i < len; i++)
            if ((unsigned char)buf[i] >= 0x80 && (unsigned char)buf[i] <= 0x9F)
                break;
        if (i < len) {
            size_t keep = out->len;

            errs = cs_iconv_decode("CP1252", buf, len, out);
            if (errs == 0) {
                *used = "WINDOWS-1252";
                return 0;
            }
            /* C1 bytes even windows-1252 lacks: this is not Latin text,
             * so report them as errors and let detection decide. */
            out->len = keep;
            cs_iconv_decode(e->iconv, buf, len, out);
            return errs;
        }
        break;
    default:
        break;
    }
    return cs_iconv_decode(e->iconv, buf, len, out);
}

/* How Japanese a decoded text looks. */
struct cs_stats {
    size_t	nonascii;	/* characters outside ASCII */
    size_t	kana;		/* hiragana and full-width katakana */
    size_t	punct;		/* CJK punctuation and full-width forms */
    size_t	jclass;		/* characters a Japanese text uses at all */
    size_t	pua;		/* private use: CP932 user-defined area */
    size_t	bad;		/* U+FFFD and invalid bytes */
};

/* cs_is_jclass - 1 for a code point found in Japanese mail (JIS X 0208 and CP932 repertoire) */
static int cs_is_jclass(uint32_t cp)
{
    return (cp >= 0x3000 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0xFF01 && cp <= 0xFF9F) || (cp >= 0xFFE0 && cp <= 0xFFE5)
        || (cp >= 0x2010 && cp <= 0x266F) || (cp >= 0x0391 && cp <= 0x03C9)
        || (cp >= 0x0401 && cp <= 0x0451) || cp == 0x00A7 || cp == 0x00A8
        || cp == 0x00B0 || cp == 0x00B1 || cp == 0x00B4 || cp == 0x00B6
        || cp == 0x00D7 || cp == 0x00F7;
}

/* cs_stats - count the character classes of a decoded text */
static void cs_stats(const char *buf, size_t len, struct cs_stats *st)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0, n;

    memset(st, 0, sizeof(*st));
    while (i < len) {
        uint32_t cp;

        if (s[i] < 0x80) {
            i++;
            continue;
        }
        st->nonascii++;
        if (!cs_utf8_next(s + i, len - i, &n)) {
            st->bad++;
            i += n;
            continue;
        }
        cp = cs_utf8_cp(s + i, n);
        i += n;
        if (cp >= 0x3041 && cp <= 0x30FF && cp != 0x30FB)
            st->kana++;
        else if ((cp >= 0x3000 && cp <= 0x303F) || cp == 0x30FB
                 || (cp >= 0xFF01 && cp <= 0xFF5E))
            st->punct++;
        else if (cp >= 0xE000 && cp <= 0xF8FF)
            st->pua++;
        else if (cp == 0xFFFD)
            st->bad++;
        if (cs_is_jclass(cp))
            st->jclass++;
    }
}

/*
 * cs_plausible - 1 if a decoded text reads like Japanese prose: some kana,
 * kana and Japanese punctuation at least a fifth of the non-ASCII
 * characters (EUC-JP misread as CP932, or Latin text read as either, has
 * next to none), no private-use characters, at most one error in twenty.
 */
static int cs_plausible(const struct cs_stats *st)
{
    return st->pua == 0 && st->kana >= 1
        && (st->kana + st->punct) * 5 >= st->nonascii
        && st->bad * 20 <= st->nonascii;
}

/* cs_all_japanese - 1 if every non-ASCII character is one Japanese text uses */
static int cs_all_japanese(const struct cs_stats *st)
{
    return st->bad == 0 && st->pua == 0 && st->nonascii > 0 && st->jclass == st->nonascii;
}

/* cs_kana_ratio - kana and punctuation per mille of non-ASCII characters */
static size_t cs_kana_ratio(const struct cs_stats *st)
{
    return (st->kana + st->punct) * 1000 / (st->nonascii ? st->nonascii : 1);
}

/* cs_uchardet - libuchardet's guess as a table entry, or NULL */
static const struct cs_entry *cs_uchardet(const char *buf, size_t len)
{
    uchardet_t ud = uchardet_new();
    const struct cs_entry *e = NULL;
    const char *name;

    if (ud == NULL)
        return NULL;
    if (len > LIMITS_CHARSET_DETECT)
        len = LIMITS_CHARSET_DETECT;
    if (uchardet_handle_data(ud, buf, len) == 0) {
        uchardet_data_end(ud);
        name = uchardet_get_charset(ud);
        if (name != NULL && *name != '\0')
            e = cs_lookup(name);
    }
    uchardet_delete(ud);
    return e;
}

/* cs_is_japanese - 1 for the Japanese multibyte kinds */
static int cs_is_japanese(const struct cs_entry *e)
{
    return e != NULL && (e->kind == CS_SJIS || e->kind == CS_EUCJP || e->kind == CS_JIS);
}

/*
 * cs_second_opinion - after the declared charset decoded cleanly into
 * out: switch to the other Japanese reading when that one is clean and
 * reads like Japanese while the declared one does not (EUC-JP labelled
 * Shift_JIS), or, for a Latin or Chinese/Korean label, when libuchardet
 * says Shift_JIS or EUC-JP and that reading is clean and Japanese.
 */
static const char *cs_second_opinion(const struct cs_entry *dec, const char *buf,
                                     size_t len, struct cs_buf *out, const char *used)
{
    const struct cs_entry *alt = NULL;
    struct cs_buf tmp = { NULL, 0, 0, 0 };
    struct cs_stats st;
    const char *u2;

    if (dec->kind == CS_SJIS || dec->kind == CS_EUCJP) {
        cs_stats(out->p, out->len, &st);
        if (cs_plausible(&st) || st.nonascii == 0)
            return used;
        alt = dec->kind == CS_SJIS ? &cs_eucjpms : &cs_cp932;
    } else if (dec->kind == CS_LATIN1 || dec->kind == CS_SINGLE || dec->kind == CS_CJK) {
        alt = cs_uchardet(buf, len);
        if (alt == NULL || (alt->kind != CS_SJIS && alt->kind != CS_EUCJP))
            return used;
    } else {
        return used;
    }
    if (cs_decode(alt, buf, len, &tmp, &u2) == 0 && !tmp.oom) {
        cs_stats(tmp.p, tmp.len, &st);
        if (cs_plausible(&st)) {
            cs_buf_swap(out, &tmp);
            used = u2;
        }
    }
    cs_buf_free(&tmp);
    return used;
}

/*
 * cs_pick_japanese - decode with each candidate and pick: a plausible
 * Japanese reading (fewest errors, then most kana), else a clean one
 * made only of characters Japanese text uses, else none (SIZE_MAX).
 * The decodings stay in tmp[] and their error counts in errs[].
 */
static size_t cs_pick_japanese(const struct cs_entry *const *cand, size_t ncand,
                               const char *buf, size_t len, struct cs_buf *tmp,
                               size_t *errs)
{
    struct cs_stats st;
    size_t i, best = SIZE_MAX, bestratio = 0, strict = SIZE_MAX, strictratio = 0;
    const char *u2;

    for (i = 0; i < ncand; i++) {
        size_t ratio;

        errs[i] = cs_decode(cand[i], buf, len, &tmp[i], &u2);
        if (cand[i]->kind == CS_UTF8)
            continue;
        cs_stats(tmp[i].p, tmp[i].len, &st);
        ratio = cs_kana_ratio(&st);
        if (cs_plausible(&st)
            && (best == SIZE_MAX || errs[i] < errs[best]
                || (errs[i] == errs[best] && ratio > bestratio))) {
            best = i;
            bestratio = ratio;
        }
        if (errs[i] == 0 && cs_all_japanese(&st)
            && (strict == SIZE_MAX || ratio > strictratio)) {
            strict = i;
            strictratio = ratio;
        }
    }
    return best != SIZE_MAX ? best : strict;
}

/* cs_choose - decode buf into out by the rules in DESCRIPTION; returns the name used */
static const char *cs_choose(const struct cs_entry *dec, const char *buf, size_t len,
                             struct cs_buf *out)
{
    const unsigned char *s = (const unsigned char *)buf;
    const char *used = "US-ASCII";
    const struct cs_entry *r;
    const struct cs_entry *cand[3];
    struct cs_buf tmp[3];
    size_t i, errs[3], ncand = 0, valid, invalid, longer, best;
    int has8bit = 0, hasesc;

    for (i = 0; i < len; i++)
        if (s[i] >= 0x80) {
            has8bit = 1;
            break;
        }
    hasesc = cs_has_jis_escape(buf, len);

    if (dec != NULL && dec->kind == CS_WIDE) {
        if (cs_decode(dec, buf, len, out, &used) == 0)
            return used;
        out->len = 0;
    }
    if (!has8bit) {
        /* With an ISO-2022-JP label, any escape or SO/SI is the decoder's. */
        if (hasesc || (dec != NULL && dec->kind == CS_JIS
                       && (memchr(buf, 0x1B, len) || memchr(buf, 0x0E, len)))) {
            cs_jis_decode(buf, len, out);
            return "ISO-2022-JP";
        }
        if (dec != NULL && dec->kind == CS_STATEFUL) {
            if (cs_decode(dec, buf, len, out, &used) == 0)
                return used;
            out->len = 0;
        }
        cs_buf_put(out, buf, len);
        return "US-ASCII";
    }

    cs_utf8_counts(buf, len, &valid, &invalid, &longer);
    if (invalid == 0) {
        /* Only 2-byte sequences can also be half-width kana in Shift_JIS. */
        if (dec != NULL && (dec->kind == CS_SJIS || dec->kind == CS_EUCJP) && longer == 0) {
            if (cs_decode(dec, buf, len, out, &used) == 0)
                return used;
            out->len = 0;
        }
        cs_utf8_repair(buf, len, out);
        return "UTF-8";
    }

    if (dec != NULL && dec->kind != CS_ASCII && dec->kind != CS_UTF8) {
        if (cs_decode(dec, buf, len, out, &used) == 0)
            return cs_second_opinion(dec, buf, len, out, used);
        out->len = 0;
    }

    if (hasesc) {
        cs_jis_decode(buf, len, out);
        return "ISO-2022-JP";
    }

    /* Mostly valid UTF-8 is damaged UTF-8: Shift_JIS and EUC-JP rarely
     * form valid multibyte UTF-8 sequences at all. */
    if (valid >= 1 && invalid * (dec != NULL && dec->kind == CS_UTF8 ? 2 : 4) <= valid) {
        cs_utf8_repair(buf, len, out);
        return "UTF-8";
    }

    r = cs_uchardet(buf, len);
    if (cs_is_japanese(r) || (r != NULL && r->kind == CS_WIDE)) {
        if (cs_decode(r, buf, len, out, &used) == 0)
            return used;
        out->len = 0;
    }

    /* This gateway's mail is Japanese: a Japanese reading that works wins
     * over libuchardet's guess of a Latin or Chinese charset. */
    if (dec != NULL && (dec->kind == CS_SJIS || dec->kind == CS_EUCJP || dec->kind == CS_UTF8))
        cand[ncand++] = dec;
    if (dec == NULL || dec->kind != CS_SJIS)
        cand[ncand++] = &cs_cp932;
    if (dec == NULL || dec->kind != CS_EUCJP)
        cand[ncand++] = &cs_eucjpms;
    memset(tmp, 0, sizeof(tmp));
    best = cs_pick_japanese(cand, ncand, buf, len, tmp, errs);
    /* A Japanese label with a few bad bytes stays Japanese. */
    if (best == SIZE_MAX && r != NULL && !cs_is_japanese(r) && r->kind != CS_WIDE
        && !cs_is_japanese(dec)) {
        if (cs_decode(r, buf, len, out, &used) == 0) {
            for (i = 0; i < ncand; i++)
                cs_buf_free(&tmp[i]);
            return used;
        }
        out->len = 0;
    }
    if (best == SIZE_MAX) {
        /* Nothing reads cleanly: the fewest errors, earlier on ties. */
        best = 0;
        for (i = 1; i < ncand; i++)
            if (errs[i] < errs[best])
                best = i;
    }
    if (errs[best] == SIZE_MAX) {
        /* iconv lacks the Japanese converters: keep what UTF-8 gives. */
        for (i = 0; i < ncand; i++)
            cs_buf_free(&tmp[i]);
        cs_utf8_repair(buf, len, out);
        return "UTF-8";
    }
    cs_buf_swap(out, &tmp[best]);
    if (tmp[best].oom)
        out->oom = 1;
    used = cand[best]->canon;
    for (i = 0; i < ncand; i++)
        cs_buf_free(&tmp[i]);
    return used;
}

/* charset_to_utf8 - decode bytes in their real charset into valid UTF-8 */
char *charset_to_utf8(const char *declared, const char *buf, size_t len,
                      size_t *outlen, const char **used)
{
    struct cs_buf out = { NULL, 0, 0, 0 }, fix = { NULL, 0, 0, 0 };
    const char *u;
    size_t i, start;

    if (buf == NULL)
        len = 0;
    u = cs_choose(cs_lookup(declared), buf ? buf : "", len, &out);
    if (!cs_buf_reserve(&out, 0)) {
        cs_buf_free(&out);
        return NULL;
    }
    /* Text must not carry NUL; iconv output is valid UTF-8, but check. */
    if (memchr(out.p, '\0', out.len) != NULL || !charset_is_utf8(out.p, out.len)) {
        cs_utf8_repair(out.p, out.len, &fix);
        out.len = 0;
        for (i = start = 0; i < fix.len; i++) {
            if (fix.p[i] != '\0')
                continue;
            cs_buf_put(&out, fix.p + start, i - start);
            cs_buf_put(&out, CS_FFFD, 3);
            start = i + 1;
        }
        cs_buf_put(&out, fix.p + start, fix.len - start);
        if (fix.oom)
            out.oom = 1;
        cs_buf_free(&fix);
        if (!cs_buf_reserve(&out, 0)) {
            cs_buf_free(&out);
            return NULL;
        }
    }
    out.p[out.len] = '\0';
    if (outlen != NULL)
        *outlen = out.len;
    if (used != NULL)
        *used = u;
    return out.p;
}

/* cs_is_namechar - 1 for a byte that may appear in a charset name */
static int cs_is_namechar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == ':' || c == '+';
}

/* cs_find_ci - first case-insensitive occurrence of needle in [p, end), or NULL */
static const char *cs_find_ci(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);

    for (; (size_t)(end - p) >= n; p++)
        if (strncasecmp(p, needle, n) == 0)
            return p;
    return NULL;
}

/* charset_html_declared - charset named by <meta> in the first 4 KiB of HTML */
char *charset_html_declared(const char *html, size_t len)
{
    const char *end, *p, *tag, *tagend, *v;

    if (html == NULL)
        return NULL;
    end = html + (len < LIMITS_HTML_META_SCAN ? len : LIMITS_HTML_META_SCAN);
    for (p = html; (tag = cs_find_ci(p, end, "<meta")) != NULL; p = tagend) {
        tagend = memchr(tag, '>', (size_t)(end - tag));
        if (tagend == NULL)
            tagend = end;
        /* Both <meta charset=x> and content="text/html; charset=x" carry
         * the name after the word "charset" and an '='. */
        for (v = tag + 5; (v = cs_find_ci(v, tagend, "charset")) != NULL; v += 7) {
            const char *q = v + 7, *vs;
            char *res;
            size_t n;

            if (cs_is_namechar((unsigned char)v[-1]))
                continue;		/* part of a longer word */
            while (q < tagend && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
                q++;
            if (q >= tagend || *q != '=')
                continue;
            q++;
            while (q < tagend && (*q == ' ' || *q == '\t' || *q == '"' || *q == '\''))
                q++;
            for (vs = q; q < tagend && cs_is_namechar((unsigned char)*q); q++)
                ;
            n = (size_t)(q - vs);
            if (n == 0 || n > 40)
                continue;
            if ((res = malloc(n + 1)) == NULL)
                return NULL;
            memcpy(res, vs, n);
            res[n] = '\0';
            return res;
        }
        if (tagend == end)
            break;
    }
    return NULL;
}

/* Substitutes for characters ISO-2022-JP lacks, sorted by code point. */
static const struct {
    uint32_t	cp;
    const char	*rep;
} cs_jis_subst[] = {
    { 0x00A5, "\xEF\xBF\xA5" },		/* ¥ → ￥, avoids JIS-Roman */
    { 0x2014, "\xE2\x80\x95" },		/* — → ― (JIS 1-29 in glibc) */
    { 0x203E, "\xEF\xBF\xA3" },		/* ‾ → ￣ */
    { 0x2116, "No." },
    { 0x2121, "TEL" },
    { 0x2225, "\xE2\x80\x96" },		/* ∥ → ‖ */
    { 0x301D, "\xE2\x80\x9C" },		/* 〝 → “ */
    { 0x301F, "\xE2\x80\x9D" },		/* 〟 → ” */
    { 0x3231, "(\xE6\xA0\xAA)" },	/* ㈱ → (株) */
    { 0x3232, "(\xE6\x9C\x89)" },	/* ㈲ → (有) */
    { 0x3239, "(\xE4\xBB\xA3)" },	/* ㈹ → (代) */
    { 0x32A4, "(\xE4\xB8\x8A)" },	/* ㊤ → (上) */
    { 0x32A5, "(\xE4\xB8\xAD)" },	/* ㊥ → (中) */
    { 0x32A6, "(\xE4\xB8\x8B)" },	/* ㊦ → (下) */
    { 0x32A7, "(\xE5\xB7\xA6)" },	/* ㊧ → (左) */
    { 0x32A8, "(\xE5\x8F\xB3)" },	/* ㊨ → (右) */
    { 0x32FF, "\xE4\xBB\xA4\xE5\x92\x8C" },	/* ㋿ → 令和 */
    { 0x3303, "\xE3\x82\xA2\xE3\x83\xBC\xE3\x83\xAB" },	/* ㌃ アール */
    { 0x330D, "\xE3\x82\xAB\xE3\x83\xAD\xE3\x83\xAA\xE3\x83\xBC" },	/* ㌍ カロリー */
    { 0x3314, "\xE3\x82\xAD\xE3\x83\xAD" },	/* ㌔ キロ */
    { 0x3318, "\xE3\x82\xB0\xE3\x83\xA9\xE3\x83\xA0" },	/* ㌘ グラム */
    { 0x3322, "\xE3\x82\xBB\xE3\x83\xB3\xE3\x83\x81" },	/* ㌢ センチ */
    { 0x3323, "\xE3\x82\xBB\xE3\x83\xB3\xE3\x83\x88" },	/* ㌣ セント */
    { 0x3326, "\xE3\x83\x89\xE3\x83\xAB" },	/* ㌦ ドル */
    { 0x3327, "\xE3\x83\x88\xE3\x83\xB3" },	/* ㌧ トン */
    { 0x332B, "\xE3\x83\x91\xE3\x83\xBC\xE3\x82\xBB\xE3\x83\xB3\xE3\x83\x88" },	/* ㌫ パーセント */
    { 0x3336, "\xE3\x83\x98\xE3\x82\xAF\xE3\x82\xBF\xE3\x83\xBC\xE3\x83\xAB" },	/* ㌶ ヘクタール */
    { 0x333B, "\xE3\x83\x9A\xE3\x83\xBC\xE3\x82\xB8" },	/* ㌻ ページ */
    { 0x3349, "\xE3\x83\x9F\xE3\x83\xAA" },	/* ㍉ ミリ */
    { 0x334A, "\xE3\x83\x9F\xE3\x83\xAA\xE3\x83\x90\xE3\x83\xBC\xE3\x83\xAB" },	/* ㍊ ミリバール */
    { 0x334D, "\xE3\x83\xA1\xE3\x83\xBC\xE3\x83\x88\xE3\x83\xAB" },	/* ㍍ メートル */
    { 0x3351, "\xE3\x83\xAA\xE3\x83\x83\xE3\x83\x88\xE3\x83\xAB" },	/* ㍑ リットル */
    { 0x3357, "\xE3\x83\xAF\xE3\x83\x83\xE3\x83\x88" },	/* ㍗ ワット */
    { 0x337B, "\xE5\xB9\xB3\xE6\x88\x90" },	/* ㍻ 平成 */
    { 0x337C, "\xE6\x98\xAD\xE5\x92\x8C" },	/* ㍼ 昭和 */
    { 0x337D, "\xE5\xA4\xA7\xE6\xAD\xA3" },	/* ㍽ 大正 */
    { 0x337E, "\xE6\x98\x8E\xE6\xB2\xBB" },	/* ㍾ 明治 */
    { 0x338E, "mg" },
    { 0x338F, "kg" },
    { 0x339C, "mm" },
    { 0x339D, "cm" },
    { 0x339E, "km" },
    { 0x33A1, "m2" },
    { 0x33C4, "cc" },
    { 0x33CD, "K.K." },
    { 0xFF0D, "\xE2\x88\x92" },		/* － → − */
    { 0xFF5E, "\xE3\x80\x9C" },		/* ～ → 〜 */
    { 0xFFE0, "\xC2\xA2" },		/* ￠ → ¢ */
    { 0xFFE1, "\xC2\xA3" },		/* ￡ → £ */
    { 0xFFE2, "\xC2\xAC" },		/* ￢ → ¬ */
    { 0xFFE4, "\xEF\xBD\x9C" },		/* ￤ → ｜ */
};

/* Full-width forms of U+FF61..U+FF9F (half-width katakana). */
static const uint16_t cs_halfkana[63] = {
    0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3,
    0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC,
    0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF,
    0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF,
    0x30C1, 0x30C4, 0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD,
    0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF,
    0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA,
    0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F3, 0x309B, 0x309C
};

static const char *const cs_roman[16] = {
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    "L", "C", "D", "M"
};

/* cs_voiced - kana combined with a (semi-)voiced sound mark, or 0 */
static uint32_t cs_voiced(uint32_t base, int semi)
{
    uint32_t h = base;

    if (base >= 0x30A1 && base <= 0x30F6)
        h = base - 0x60;		/* katakana → hiragana for the test */
    if (semi)
        return h >= 0x306F && h <= 0x307B && (h - 0x306F) % 3 == 0 ? base + 2 : 0;
    if ((h >= 0x304B && h <= 0x3061 && (h - 0x304B) % 2 == 0)
        || h == 0x3064 || h == 0x3066 || h == 0x3068
        || (h >= 0x306F && h <= 0x307B && (h - 0x306F) % 3 == 0))
        return base + 1;
    if (base == 0x30A6)
        return 0x30F4;			/* ウ゛ → ヴ (ゔ is not in JIS X 0208) */
    return 0;
}

/* cs_jis_substitute - write text with the readable substitutes applied */
static void cs_jis_substitute(const unsigned char *s, size_t len, struct cs_buf *out)
{
    size_t i = 0, n, m;

    while (i < len && !out->oom) {
        uint32_t cp, next;
        size_t lo, hi;

        cs_utf8_next(s + i, len - i, &n);
        cp = cs_utf8_cp(s + i, n);
        i += n;
        if (cp >= 0x2460 && cp <= 0x2473) {		/* ①..⑳ */
            char t[8];
            unsigned v = (unsigned)(cp - 0x2460 + 1);

            t[0] = '(';
            m = 1;
            if (v >= 10)
                t[m++] = (char)('0' + v / 10);
            t[m++] = (char)('0' + v % 10);
            t[m++] = ')';
            cs_buf_put(out, t, m);
            continue;
        }
        if (cp >= 0x2160 && cp <= 0x217F) {		/* Roman numerals */
            const char *r = cs_roman[(cp - 0x2160) % 16];

            if (cp >= 0x2170) {
                for (; *r; r++)
                    cs_buf_putc(out, (unsigned char)(*r - 'A' + 'a'));
            } else {
                cs_buf_put(out, r, strlen(r));
            }
            continue;
        }
        if (cp >= 0xFF61 && cp <= 0xFF9F)
            cp = cs_halfkana[cp - 0xFF61];
        if (cp == 0x3099)
            cp = 0x309B;			/* lone combining marks → spacing */
        else if (cp == 0x309A)
            cp = 0x309C;
        if (i < len) {
            cs_utf8_next(s + i, len - i, &m);
            next = cs_utf8_cp(s + i, m);
            if (next == 0xFF9E || next == 0xFF9F || next == 0x3099 || next == 0x309A) {
                uint32_t v = cs_voiced(cp, next == 0xFF9F || next == 0x309A);

                if (v != 0) {
                    cs_buf_putcp(out, v);
                    i += m;
                    continue;
                }
            }
        }
        lo = 0;
        hi = sizeof(cs_jis_subst) / sizeof(cs_jis_subst[0]);
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;

            if (cs_jis_subst[mid].cp < cp)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < sizeof(cs_jis_subst) / sizeof(cs_jis_subst[0]) && cs_jis_subst[lo].cp == cp)
            cs_buf_put(out, cs_jis_subst[lo].rep, strlen(cs_jis_subst[lo].rep));
        else
            cs_buf_putcp(out, cp);
    }
}

/* charset_utf8_to_iso2022jp - encode UTF-8 as verified ISO-2022-JP, or NULL */
char *charset_utf8_to_iso2022jp(const char *utf8, size_t len, size_t *outlen)
{
    struct cs_buf sub = { NULL, 0, 0, 0 }, want = { NULL, 0, 0, 0 };
    struct cs_buf out = { NULL, 0, 0, 0 }, back = { NULL, 0, 0, 0 };
    iconv_t enc = (iconv_t)-1, dec = (iconv_t)-1;
    char *ip, *seg, *res = NULL;
    size_t il, n;
    int e;

    if (utf8 == NULL || !charset_is_utf8(utf8, len))
        return NULL;
    cs_jis_substitute((const unsigned char *)utf8, len, &sub);
    if (!cs_buf_reserve(&sub, 0))
        goto done;
    if ((enc = iconv_open("ISO-2022-JP", "UTF-8")) == (iconv_t)-1
        || (dec = iconv_open("UTF-8", "ISO-2022-JP")) == (iconv_t)-1)
        goto done;

    /* Encode; what iconv refuses becomes 〓, also in the expected text. */
    ip = seg = sub.p;
    il = sub.len;
    while ((e = cs_iconv_run(enc, &ip, &il, &out)) != 0) {
        char rep[] = CS_GETA, *rp = rep;
        size_t rl = 3;

        if (e != EILSEQ)
            goto done;
        cs_buf_put(&want, seg, (size_t)(ip - seg));
        cs_buf_put(&want, CS_GETA, 3);
        if (cs_iconv_run(enc, &rp, &rl, &out) != 0)
            goto done;
        cs_utf8_next((unsigned char *)ip, il, &n);
        ip += n;
        il -= n;
        seg = ip;
    }
    cs_buf_put(&want, seg, (size_t)(ip - seg));
    if (cs_iconv_flush(enc, &out) != 0 || out.oom || want.oom)
        goto done;

    /* Decode the result again: it must give back exactly the text. */
    ip = out.p ? out.p : (char *)"";
    il = out.len;
    if (cs_iconv_run(dec, &ip, &il, &back) != 0 || cs_iconv_flush(dec, &back) != 0
        || back.oom)
        goto done;
    if (back.len != want.len || (want.len > 0 && memcmp(back.p, want.p, want.len) != 0))
        goto done;
    if (!cs_buf_reserve(&out, 0))
        goto done;
    out.p[out.len] = '\0';
    if (outlen != NULL)
        *outlen = out.len;
    res = out.p;
    out.p = NULL;
done:
    if (enc != (iconv_t)-1)
        iconv_close(enc);
    if (dec != (iconv_t)-1)
        iconv_close(dec);
    cs_buf_free(&sub);
    cs_buf_free(&want);
    cs_buf_free(&out);
    cs_buf_free(&back);
    return res;
}
