/*
 * NAME
 *	digest - SHA-256 for reports, the vault and the audit chain
 */
#include "sanitizer/digest.h"

static EVP_MD *digest_md;

/* digest_init - fetch the implementation once */
void digest_init(void)
{
    if (!digest_md)
        digest_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* digest_done - release it */
void digest_done(void)
{
    EVP_MD_free(digest_md);
    digest_md = NULL;
}

/* digest_sha256 - the SHA-256 implementation */
const EVP_MD *digest_sha256(void)
{
    return digest_md ? digest_md : EVP_sha256();
}

/* digest_hex - lower-case hex */
void digest_hex(const unsigned char *d, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[d[i] >> 4];
        out[2 * i + 1] = hx[d[i] & 15];
    }
    out[2 * n] = 0;
}

/* digest_sha256_hex - SHA-256 of a buffer as hex */
int digest_sha256_hex(const void *buf, size_t len, char out[DIGEST_SHA256_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;

    if (EVP_Digest(buf, len, md, &mdlen, digest_sha256(), NULL) != 1 || mdlen != 32)
        return -1;
    digest_hex(md, mdlen, out);
    return 0;
}
