/*
 * NAME
 *	utf8 - decode UTF-8 one character at a time; classify invisible ones
 */
#include "sanitizer/utf8.h"

/* utf8_next - decode one sequence; its length, or 0 if invalid */
size_t utf8_next(const unsigned char *s, unsigned *cp)
{
    size_t n;
    unsigned c, min;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0) { n = 2; c = s[0] & 0x1f; min = 0x80; }
    else if ((s[0] & 0xf0) == 0xe0) { n = 3; c = s[0] & 0x0f; min = 0x800; }
    else if ((s[0] & 0xf8) == 0xf0) { n = 4; c = s[0] & 0x07; min = 0x10000; }
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

/* utf8_is_bidi - explicit bidi controls */
int utf8_is_bidi(unsigned cp)
{
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/* utf8_is_invisible - controls and characters that render as nothing */
int utf8_is_invisible(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xad || cp == 0x034f ||
           cp == 0x115f || cp == 0x1160 || cp == 0x17b4 || cp == 0x17b5 || cp == 0x180e ||
           (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2028 && cp <= 0x2029) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206a && cp <= 0x206f) ||
           cp == 0x3164 || cp == 0xfeff || cp == 0xffa0 || (cp >= 0xfff0 && cp <= 0xfffb) ||
           (cp >= 0xe0000 && cp <= 0xe007f);
}

/* utf8_cut - a cut at most max octets into s, on a character (or line) boundary */
size_t utf8_cut(const char *s, size_t max)
{
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    for (size_t k = n; k > 0 && k > n - n / 4; k--)
        if (s[k - 1] == '\n')
            return k;
    return n;
}
