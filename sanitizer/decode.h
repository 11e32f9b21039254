/*
 * NAME
 *	decode - undo a part's Content-Transfer-Encoding, streaming
 * DESCRIPTION
 *	GMime 3.2.13 stops decoding base64 at the first '=' padding, so a body
 *	made of several padded chunks would be scanned truncated (an AV
 *	bypass). Base64 is therefore decoded here, fully, and content after
 *	padding is reported. Other encodings use GMime's step decoders. The
 *	content is never held whole: decoded chunks go to a sink.
 */
#ifndef MUGAI_DECODE_H
#define MUGAI_DECODE_H

#include <gmime/gmime.h>

/* decode_sink - receives decoded octets; returns 0, or -1 to stop */
typedef int (*decode_sink)(void *ctx, const unsigned char *buf, size_t len);

typedef struct decode_info {
    unsigned long long encoded;	/* octets read */
    unsigned long long decoded;	/* octets given to the sink */
    int		after_padding;	/* base64 went on after '=' padding */
    unsigned long long invalid;	/* octets outside the encoding's alphabet */
} decode_info;

/*
 * decode_stream - read `raw` from its start to its end, decode it per
 * `enc` and feed the sink. Returns 0, -1 on a read error, or -2 when the
 * sink asked to stop.
 */
int decode_stream(GMimeStream *raw, GMimeContentEncoding enc,
                  decode_sink sink, void *ctx, decode_info *info);

/*
 * decode_base64_step - decode one chunk of base64 into out (room for
 * len * 3 / 4 + 3 octets) keeping state across chunks (*state must start
 * at 0); returns the decoded length. Continues after padding.
 */
size_t decode_base64_step(const unsigned char *in, size_t len, unsigned char *out,
                          unsigned *state, decode_info *info);

#endif
