/*
 * NAME
 *	bincut - cut files encoded as text out of body text
 * DESCRIPTION
 *	A file written into text with an encoding that mail clients and
 *	common tools decode (uuencode, xxencode, begin-base64, yEnc, BinHex
 *	4.0, base64 of a program or archive) is a file, not text: in text
 *	mode it is cut out of the body and reported like an attachment.
 */
#ifndef MUGAI_BINCUT_H
#define MUGAI_BINCUT_H

#include <stddef.h>
#include "sanitizer/strbuf.h"

typedef enum {
    BINCUT_UUENCODE,		/* begin MODE NAME ... end */
    BINCUT_XXENCODE,		/* the same framing, xxencode alphabet */
    BINCUT_BEGIN_BASE64,	/* begin-base64 MODE NAME ... ==== */
    BINCUT_YENC,		/* =ybegin ... =yend */
    BINCUT_BINHEX,		/* (This file must be converted with BinHex 4.0) :...: */
    BINCUT_BASE64		/* bare base64 that decodes to a file */
} bincut_kind;

/* One block found in the text, decoded. */
typedef struct bincut_block {
    bincut_kind	kind;
    const char	*name;		/* the name the block gives, "" when none */
    const unsigned char *data;	/* decoded content */
    size_t	len;
} bincut_block;

/* bincut_cb - one block; 0, or -1 to stop */
typedef int (*bincut_cb)(void *ctx, const bincut_block *b);

/*
 * bincut - append text to out without its encoded blocks, giving each
 * block, decoded, to cb. Returns the number of blocks, or -1 when cb
 * failed or memory ran out.
 */
int bincut(const char *text, size_t len, strbuf *out, bincut_cb cb, void *ctx);

/* bincut_kind_name - the kind as a word ("uuencode", "yenc", ...) */
const char *bincut_kind_name(bincut_kind k);

/* bincut_kind_type - the MIME type of the encoding, for the report */
const char *bincut_kind_type(bincut_kind k);

/* bincut_signature - 1 when data starts with the signature of a program or container file */
int bincut_signature(const unsigned char *data, size_t len);

#endif
