/*
 * NAME
 *	textwrap - wrap UTF-8 text by display width, never inside a character
 * DESCRIPTION
 *	Each input line that is wider than the width, or longer than
 *	LIMITS_LINE_OCTETS, is broken greedily at the last break opportunity
 *	that fits: a space (dropped with the spaces around it) or the
 *	boundary between two wide characters, except before closing
 *	punctuation and small kana (、。」ーっ...) or after an opening bracket
 *	(「（...) - the line-start and line-end rules (kinsoku) of Japanese
 *	text. Only when no such place fits is a wide boundary taken against
 *	those rules. A run of narrow characters without a space (a URL) is
 *	left whole up to its next opportunity, and cut hard at a character
 *	boundary only where it would pass LIMITS_LINE_OCTETS. Lines that fit
 *	are copied unchanged; wrapped lines lose their trailing spaces.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sanitizer/limits.h"
#include "sanitizer/textwrap.h"

/* One decoded character of the window; off and col count from the window start. */
struct tw_ch {
    size_t	off;		/* bytes before this character */
    size_t	col;		/* columns before this character */
    uint32_t	cp;
    unsigned char len, w;	/* len 0: the end of the line */
};

/* Window entries: a line piece never passes LIMITS_LINE_OCTETS octets,
 * so the characters looked at from one start, plus the one after and the
 * end mark, fit. */
#define TW_WIN	(LIMITS_LINE_OCTETS + 3)

/* The characters from one line start on, decoded as far as needed. */
struct tw_win {
    const unsigned char *s;	/* the rest of the line */
    size_t	n;
    size_t	cnt;		/* entries decoded */
    struct tw_ch c[TW_WIN];
};

struct tw_buf {
    char	*p;
    size_t	len, cap;
    int		oom;
};

/* tw_buf_put - append n bytes (sticky out-of-memory flag) */
static void tw_buf_put(struct tw_buf *b, const char *s, size_t n)
{
    size_t need, cap;
    char *p;

    if (b->oom)
        return;
    if (n > SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return;
    }
    need = b->len + n + 1;
    if (need > b->cap) {
        cap = b->cap ? b->cap : 256;
        while (cap < need)
            cap *= 2;
        if ((p = realloc(b->p, cap)) == NULL) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* tw_decode - code point and length of the character at s; an invalid byte counts as one */
static size_t tw_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t need, i;
    uint32_t v;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        need = 1;
        v = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        need = 2;
        v = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        need = 3;
        v = s[0] & 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (need >= n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return need + 1;
}

/* tw_cpwidth - display columns of one code point (East Asian Wide/Fullwidth: 2) */
static unsigned tw_cpwidth(uint32_t cp)
{
    static const uint32_t zero[][2] = {
        { 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x0610, 0x061A },
        { 0x064B, 0x065F }, { 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E },
        { 0x1AB0, 0x1AFF }, { 0x1DC0, 0x1DFF }, { 0x200B, 0x200F }, { 0x202A, 0x202E },
        { 0x2060, 0x2064 }, { 0x20D0, 0x20FF }, { 0x3099, 0x309A }, { 0xFE00, 0xFE0F },
        { 0xFE20, 0xFE2F }, { 0xFEFF, 0xFEFF }, { 0xE0000, 0xE007F }, { 0xE0100, 0xE01EF },
    };
    static const uint32_t wide[][2] = {
        { 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A }, { 0x23E9, 0x23EC },
        { 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 }, { 0x25FD, 0x25FE }, { 0x2614, 0x2615 },
        { 0x2648, 0x2653 }, { 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
        { 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 }, { 0x26CE, 0x26CE },
        { 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA }, { 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 },
        { 0x26FA, 0x26FA }, { 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
        { 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x274E, 0x274E }, { 0x2753, 0x2755 },
        { 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF },
        { 0x2B1B, 0x2B1C }, { 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x303E },
        { 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF },
        { 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 },
        { 0xFE30, 0xFE6F }, { 0xFF01, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x16FE4 },
        { 0x17000, 0x18AFF }, { 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 }, { 0x1F0CF, 0x1F0CF },
        { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A }, { 0x1F200, 0x1F251 }, { 0x1F300, 0x1F64F },
        { 0x1F680, 0x1F6FF }, { 0x1F900, 0x1F9FF }, { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
    };
    size_t i;

    if (cp < 0x20 && cp != '\t')
        return 0;
    if (cp < 0x7F)
        return 1;
    if (cp < 0xA0)
        return 0;
    /* Kana and kanji first: nearly every non-ASCII character of Japanese mail. */
    if ((cp >= 0x3041 && cp <= 0x3098) || (cp >= 0x309B && cp <= 0x33FF) ||
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xFF01 && cp <= 0xFF60))
        return 2;
    for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
        if (cp >= zero[i][0] && cp <= zero[i][1])
            return 0;
    if (cp < 0x1100)
        return 1;
    /* The wide ranges are sorted: binary search. */
    size_t lo = 0, hi = sizeof(wide) / sizeof(wide[0]);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < wide[mid][0])
            hi = mid;
        else if (cp > wide[mid][1])
            lo = mid + 1;
        else
            return 2;
    }
    return 1;
}

/* textwrap_width - display columns of one UTF-8 string of len bytes */
size_t textwrap_width(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, w = 0;

    while (i < len) {
        uint32_t cp;

        i += tw_decode(u + i, len - i, &cp);
        w += tw_cpwidth(cp);
    }
    return w;
}

/* tw_in - 1 if cp is in the zero-terminated list */
static int tw_in(uint32_t cp, const uint16_t *list)
{
    for (; *list; list++)
        if (*list == cp)
            return 1;
    return 0;
}

/* tw_no_start - 1 for characters that must not begin a line (closing punctuation, small kana) */
static int tw_no_start(uint32_t cp)
{
    static const uint16_t list[] = {
        0x3001, 0x3002, 0xFF0C, 0xFF0E, 0x300D, 0x300F, 0xFF09, 0x3011, 0x3015,
        0xFF01, 0xFF1F, 0x30FC, 0x30FB, 0x3083, 0x3085, 0x3087, 0x3063, 0x30A1,
        0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x3041,
        0x3043, 0x3045, 0x3047, 0x3049, 0x308E, 0x30EE, 0x30F5, 0x30F6, 0x3009,
        0x300B, 0x3017, 0x3019, 0x301B, 0xFF3D, 0xFF5D, 0x2019, 0x201D, 0x309D,
        0x309E, 0x30FD, 0x30FE, 0x3005, 0xFF1A, 0xFF1B, 0x2025, 0x2026, 0xFF05,
        0x309B, 0x309C, 0xFF61, 0xFF63, 0xFF64, 0xFF65, 0xFF70, 0xFF9E, 0xFF9F,
        0xFF67, 0xFF68, 0xFF69, 0xFF6A, 0xFF6B, 0xFF6C, 0xFF6D, 0xFF6E, 0xFF6F,
        ')', ']', '}', ',', '.', ':', ';', '!', '?', '%', 0
    };

    return tw_in(cp, list);
}

/* tw_no_end - 1 for characters that must not end a line (opening brackets) */
static int tw_no_end(uint32_t cp)
{
    static const uint16_t list[] = {
        0x300C, 0x300E, 0xFF08, 0x3010, 0x3014, 0x3008, 0x300A, 0x3016, 0x3018,
        0x301A, 0xFF3B, 0xFF5B, 0x2018, 0x201C, 0xFF62, '(', '[', '{', 0
    };

    return tw_in(cp, list);
}

/* tw_at - character k of the window (the end mark past the last one) */
static const struct tw_ch *tw_at(struct tw_win *win, size_t k)
{
    while (win->cnt <= k) {
        struct tw_ch *c = &win->c[win->cnt];
        const struct tw_ch *prev = win->cnt ? &win->c[win->cnt - 1] : NULL;

        if (prev != NULL && prev->len == 0)
            return prev;		/* already at the end */
        if (win->cnt == TW_WIN - 1 && prev != NULL) {
            /* Never reached: callers stop at LIMITS_LINE_OCTETS. */
            return prev;
        }
        c->off = prev ? prev->off + prev->len : 0;
        c->col = prev ? prev->col + prev->w : 0;
        if (c->off >= win->n) {
            c->len = 0;
            c->w = 0;
            c->cp = 0;
        } else {
            c->len = (unsigned char)tw_decode(win->s + c->off, win->n - c->off, &c->cp);
            c->w = (unsigned char)tw_cpwidth(c->cp);
        }
        win->cnt++;
    }
    return &win->c[k];
}

/* tw_ideo - 1 for characters a line may break between (wide ones, half-width kana) */
static int tw_ideo(const struct tw_ch *c)
{
    return c->w == 2 || (c->cp >= 0xFF61 && c->cp <= 0xFF9F);
}

/* tw_space - 1 for the spaces a line breaks at */
static int tw_space(const struct tw_ch *c)
{
    return c->len != 0 && (c->cp == ' ' || c->cp == '\t');
}

/*
 * tw_can_break - 1 if the line may break before character b: at a space,
 * or between two wide characters; strict also applies the kinsoku rules.
 * text is the first non-space character of the line being built.
 */
static int tw_can_break(struct tw_win *win, size_t text, size_t b, int strict)
{
    const struct tw_ch *c = tw_at(win, b), *p;

    if (c->len == 0)
        return 0;
    if (tw_space(c))
        return b > text;	/* not when only indentation precedes */
    p = tw_at(win, b - 1);
    if (!tw_ideo(p) || !tw_ideo(c))
        return 0;
    return !strict || (!tw_no_start(c->cp) && !tw_no_end(p->cp));
}

/* tw_emit - append the first len bytes of s without trailing spaces */
static void tw_emit(const char *s, size_t len, struct tw_buf *out)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    tw_buf_put(out, s, len);
}

/* tw_piece - where the line piece starting the window ends: the character index of the break */
static size_t tw_piece(struct tw_win *win, unsigned width)
{
    size_t fit, text, b, k;

    /* Characters [0, fit) fit the width and the octet limit. */
    for (fit = 0; tw_at(win, fit)->len != 0; fit++) {
        const struct tw_ch *nx = tw_at(win, fit + 1);

        if ((width != 0 && nx->col > width) || nx->off > LIMITS_LINE_OCTETS)
            break;
    }
    if (fit == 0)
        fit = 1;		/* one character wider than the width */
    for (text = 0; tw_space(tw_at(win, text)); text++)
        ;

    for (b = fit; b > 0; b--)
        if (tw_can_break(win, text, b, 1))
            return b;
    for (b = fit; b > 0; b--)
        if (tw_can_break(win, text, b, 0))
            return b;
    /* No place within the width: the run stays whole up to its next
     * opportunity, unless that passes the octet limit. */
    for (b = fit + 1;; b++) {
        const struct tw_ch *c = tw_at(win, b);

        if (c->off > LIMITS_LINE_OCTETS)
            break;
        if (c->len == 0 || tw_can_break(win, text, b, 1))
            return b;
    }
    /* Cut at a character boundary, but not before a combining mark when
     * a few steps back avoid it. */
    b--;
    for (k = 0; k < 8 && b > 1 && tw_at(win, b)->w == 0; k++)
        b--;
    return b;
}

/* tw_line - wrap one line (no line feed) into out */
static void tw_line(const char *s, size_t n, unsigned width, struct tw_win *win,
                    struct tw_buf *out)
{
    size_t pos = 0;

    if (n <= LIMITS_LINE_OCTETS && (width == 0 || textwrap_width(s, n) <= width)) {
        tw_buf_put(out, s, n);
        return;
    }
    while (pos < n && !out->oom) {
        size_t b, end;

        if (n - pos <= LIMITS_LINE_OCTETS
            && (width == 0 || textwrap_width(s + pos, n - pos) <= width)) {
            tw_emit(s + pos, n - pos, out);
            break;
        }
        win->s = (const unsigned char *)s + pos;
        win->n = n - pos;
        win->cnt = 0;
        b = tw_piece(win, width);
        end = tw_at(win, b)->off;
        tw_emit(s + pos, end, out);
        pos += end;
        while (pos < n && (s[pos] == ' ' || s[pos] == '\t'))
            pos++;
        if (pos < n)
            tw_buf_put(out, "\n", 1);
    }
}

/* textwrap - wrap LF-terminated UTF-8 text to width columns */
char *textwrap(const char *text, size_t len, unsigned width, size_t *outlen)
{
    struct tw_buf out = { NULL, 0, 0, 0 };
    struct tw_win *win = malloc(sizeof(*win));
    size_t i = 0;

    if (text == NULL)
        len = 0;
    if (win == NULL)
        return NULL;
    tw_buf_put(&out, "", 0);
    while (i < len && !out.oom) {
        size_t e = i, next;

        while (e < len && text[e] != '\n' && text[e] != '\r')
            e++;
        next = e;
        if (e < len) {
            /* CRLF and a lone CR end a line like LF does. */
            next = e + 1;
            if (text[e] == '\r' && next < len && text[next] == '\n')
                next++;
        }
        tw_line(text + i, e - i, width, win, &out);
        if (e < len)
            tw_buf_put(&out, "\n", 1);
        i = next;
    }
    free(win);
    if (out.oom) {
        free(out.p);
        return NULL;
    }
    out.p[out.len] = '\0';
    if (outlen != NULL)
        *outlen = out.len;
    return out.p;
}
