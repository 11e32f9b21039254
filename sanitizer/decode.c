/*
 * NAME
 *	decode - undo a part's Content-Transfer-Encoding, streaming
 * DESCRIPTION
 *	The base64 state packs the bits collected so far, their count and a
 *	"padding seen" flag into one unsigned, so a chunk boundary can fall
 *	anywhere (tests feed 1-byte and odd chunks).
 */
#include <stdlib.h>
#include "sanitizer/decode.h"
#include "sanitizer/limits.h"

/* State layout: bits 0-23 collected bits, 24-26 sextet count, 27 padding seen. */
#define DECODE_B64_COUNT(s)	(((s) >> 24) & 7u)
#define DECODE_B64_PAD		(1u << 27)

static const signed char decode_b64_table[256] = {
#define X -1
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,62,X,X,X,63, 52,53,54,55,56,57,58,59,60,61,X,X,X,X,X,X,
    X,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14, 15,16,17,18,19,20,21,22,23,24,25,X,X,X,X,X,
    X,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40, 41,42,43,44,45,46,47,48,49,50,51,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
    X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
#undef X
};

/* decode_base64_step - decode one chunk of base64, continuing after padding */
size_t decode_base64_step(const unsigned char *in, size_t len, unsigned char *out,
                          unsigned *state, decode_info *info)
{
    unsigned s = *state;
    unsigned bits = s & 0xffffffu, n = DECODE_B64_COUNT(s), pad = s & DECODE_B64_PAD;
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = in[i];
        int v = decode_b64_table[c];
        if (v < 0) {
            if (c == '=') {
                /* Flush the partial quantum: 2 sextets → 1 octet, 3 → 2. */
                if (n == 2)
                    out[o++] = (unsigned char)(bits >> 4);
                else if (n == 3) {
                    out[o++] = (unsigned char)(bits >> 10);
                    out[o++] = (unsigned char)(bits >> 2);
                }
                if (n)
                    pad = DECODE_B64_PAD;
                bits = 0;
                n = 0;
            } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && info) {
                info->invalid++;
            }
            continue;
        }
        if (pad) {
            if (info)
                info->after_padding = 1;
            pad = 0;
        }
        bits = (bits << 6) | (unsigned)v;
        if (++n == 4) {
            out[o++] = (unsigned char)(bits >> 16);
            out[o++] = (unsigned char)(bits >> 8);
            out[o++] = (unsigned char)bits;
            bits = 0;
            n = 0;
        }
    }
    *state = (bits & 0xffffffu) | (n << 24) | pad;
    return o;
}

/* decode_stream - read, decode and feed the sink */
int decode_stream(GMimeStream *raw, GMimeContentEncoding enc,
                  decode_sink sink, void *ctx, decode_info *info)
{
    unsigned char *in = malloc(LIMITS_IO_CHUNK);
    /* Worst case growth is uudecode/QP ≤ input; base64 shrinks. */
    unsigned char *out = malloc(LIMITS_IO_CHUNK + 16);
    int state = 0;
    guint32 save = 0;
    unsigned b64 = 0;
    int rc = 0;
    decode_info dummy = { 0 };

    if (!info)
        info = &dummy;
    if (!in || !out) {
        free(in);
        free(out);
        return -1;
    }
    if (g_mime_stream_reset(raw) < 0) {
        rc = -1;
        goto done;
    }
    /* A bounded GMime stream answers -1, not 0, when read at its end. */
    while (!g_mime_stream_eos(raw)) {
        ssize_t n = g_mime_stream_read(raw, (char *)in, LIMITS_IO_CHUNK);
        if (n < 0) {
            rc = -1;
            break;
        }
        if (n == 0)
            break;
        info->encoded += (unsigned long long)n;
        size_t o;
        const unsigned char *src = out;
        switch (enc) {
        case GMIME_CONTENT_ENCODING_BASE64:
            o = decode_base64_step(in, (size_t)n, out, &b64, info);
            break;
        case GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE:
            o = g_mime_encoding_quoted_decode_step(in, (size_t)n, out, &state, &save);
            break;
        case GMIME_CONTENT_ENCODING_UUENCODE:
            o = g_mime_encoding_uudecode_step(in, (size_t)n, out, &state, &save);
            break;
        default:
            src = in;
            o = (size_t)n;
            break;
        }
        if (o) {
            info->decoded += o;
            if (sink(ctx, src, o) < 0) {
                rc = -2;
                break;
            }
        }
    }
done:
    free(in);
    free(out);
    return rc;
}
