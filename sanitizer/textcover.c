/*
 * NAME
 *	textcover - whether one text carries what another says
 * DESCRIPTION
 *	The pairs of adjacent significant characters of the shown text go
 *	into a Bloom filter (16 bits per pair, two probes: about 1.4% false
 *	hits); the other text is covered when at most 5% of its pairs (and a
 *	few more, for the markers a rendering adds) are missing from it.
 *	Memory is bounded by the text budget the texts come from.
 */
#include <stdint.h>
#include <stdlib.h>
#include "sanitizer/textcover.h"
#include "sanitizer/utf8.h"

/* Missing pairs allowed: a share of the other text's pairs, plus a few. */
#define TEXTCOVER_SHARE		20	/* 1/20 = 5% */
#define TEXTCOVER_SLACK		8

/* textcover_next - next significant code point at *p (letters, digits, any non-ASCII), 0 at end */
static unsigned textcover_next(const char **p, const char *end)
{
    while (*p < end) {
        unsigned cp;
        size_t n = utf8_next((const unsigned char *)*p, &cp);
        if (n == 0) {
            cp = (unsigned char)**p;
            n = 1;
        }
        *p += n;
        if (cp >= 0x80 && cp != 0x3000)	/* U+3000: ideographic space */
            return cp;
        if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z'))
            return cp;
        if (cp >= 'A' && cp <= 'Z')
            return cp + 32;	/* case differs between renderings */
    }
    return 0;
}

/* textcover_hash - 64-bit mix of a pair */
static uint64_t textcover_hash(unsigned a, unsigned b)
{
    uint64_t h = ((uint64_t)a << 32 | b) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
}

/* textcover - see textcover.h */
int textcover(const char *shown, size_t slen, const char *other, size_t olen)
{
    const char *p = shown, *end = shown + slen;
    size_t bits = 1024;
    unsigned prev, cur;

    while (bits < slen * 16 && bits < (1u << 30))
        bits <<= 1;
    unsigned char *set = calloc(bits / 8, 1);
    if (!set)
        return -1;
    for (prev = textcover_next(&p, end); prev && (cur = textcover_next(&p, end)); prev = cur) {
        uint64_t h = textcover_hash(prev, cur);
        size_t a = (size_t)(h & (bits - 1)), b = (size_t)((h >> 32) & (bits - 1));
        set[a / 8] |= (unsigned char)(1u << (a % 8));
        set[b / 8] |= (unsigned char)(1u << (b % 8));
    }
    size_t total = 0, missing = 0;
    p = other;
    end = other + olen;
    for (prev = textcover_next(&p, end); prev && (cur = textcover_next(&p, end)); prev = cur) {
        uint64_t h = textcover_hash(prev, cur);
        size_t a = (size_t)(h & (bits - 1)), b = (size_t)((h >> 32) & (bits - 1));
        total++;
        if (!(set[a / 8] & (1u << (a % 8))) || !(set[b / 8] & (1u << (b % 8))))
            missing++;
    }
    free(set);
    return missing <= total / TEXTCOVER_SHARE + TEXTCOVER_SLACK;
}
