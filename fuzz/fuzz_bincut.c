/*
 * NAME
 *	fuzz_bincut - libFuzzer entry: arbitrary bytes through bincut and textsafe
 * DESCRIPTION
 *	Besides crashes, a broken promise aborts: the text left is never
 *	longer than the input, cutting it again finds nothing more, and
 *	textsafe_visible leaves no control character but tab and line ends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sanitizer/bincut.h"
#include "sanitizer/textsafe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* count - a callback that counts blocks and reads every decoded octet */
static int count(void *ctx, const bincut_block *b)
{
    unsigned *n = ctx;
    volatile unsigned char sum = 0;
    for (size_t i = 0; i < b->len; i++)
        sum ^= b->data[i];
    (void)strlen(b->name);
    (*n)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    strbuf once = { 0 }, twice = { 0 };
    unsigned n1 = 0, n2 = 0;
    size_t vlen = 0;

    if (bincut((const char *)data, size, &once, count, &n1) < 0)
        abort();
    if (once.len > size)
        abort();
    if (bincut(once.s ? once.s : "", once.len, &twice, count, &n2) < 0 || n2 != 0)
        abort();
    char *v = textsafe_visible((const char *)data, size, &vlen);
    if (!v)
        abort();
    for (size_t i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ||
            (c == 0xc2 && i + 1 < vlen && (unsigned char)v[i + 1] < 0xa0))
            abort();
    }
    (void)textsafe_binary((const char *)data, size);
    free(v);
    strbuf_free(&once);
    strbuf_free(&twice);
    return 0;
}
