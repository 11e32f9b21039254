/*
 * NAME
 *	digest - SHA-256 for reports, the vault and the audit chain
 * DESCRIPTION
 *	One fetched SHA-256 implementation for the whole process (OpenSSL 3
 *	looks the algorithm up on every EVP_sha256() use, which costs more
 *	than hashing a small part), and one hex writer.
 */
#ifndef MUGAI_DIGEST_H
#define MUGAI_DIGEST_H

#include <stddef.h>
#include <openssl/evp.h>

#define DIGEST_SHA256_HEX	65	/* 64 hex digits and a NUL */

/* digest_init - fetch the implementation once, before threads (idempotent) */
void digest_init(void);

/* digest_done - release it at exit */
void digest_done(void);

/* digest_sha256 - the SHA-256 implementation (the fetched one when digest_init ran) */
const EVP_MD *digest_sha256(void);

/* digest_hex - lower-case hex of n octets into out (2n + 1 bytes) */
void digest_hex(const unsigned char *d, size_t n, char *out);

/* digest_sha256_hex - SHA-256 of a buffer as hex; 0 or -1 */
int digest_sha256_hex(const void *buf, size_t len, char out[DIGEST_SHA256_HEX]);

#endif
