/*
 * NAME
 *	smtp_tls - the TLS credentials of the release client
 * DESCRIPTION
 *	See smtp_tls.h. Only the configured CA is trusted (never the
 *	system's store): the LGWAN side's certificate comes from the
 *	site's own private CA.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "vault/smtp_tls.h"

/* smtp_tls_error - the last OpenSSL error as text (or dflt), clearing the queue */
const char *smtp_tls_error(char *buf, size_t len, const char *dflt)
{
    unsigned long e = ERR_peek_last_error();
    if (e == 0)
        snprintf(buf, len, "%s", dflt);
    else
        ERR_error_string_n(e, buf, len);
    ERR_clear_error();
    return buf;
}

/* smtp_tls_no_passphrase - an encrypted key cannot be used unattended */
static int smtp_tls_no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf; (void)size; (void)rwflag; (void)u;
    return -1;
}

/* smtp_tls_read_key - the private key, refused if anyone but its owner may use it */
static EVP_PKEY *smtp_tls_read_key(const char *path, char *err, size_t errlen)
{
    char ebuf[256];
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "release TLS key %s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "release TLS key %s: not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        snprintf(err, errlen, "release TLS key %s: mode %04o lets group or others use it; "
                 "it must be 0600 or 0400, owned by the vault's owner",
                 path, (unsigned)(st.st_mode & 07777));
        close(fd);
        return NULL;
    }
    FILE *fp = fdopen(fd, "r");
    if (!fp) {
        snprintf(err, errlen, "release TLS key %s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    ERR_clear_error();
    EVP_PKEY *k = PEM_read_PrivateKey(fp, NULL, smtp_tls_no_passphrase, NULL);
    fclose(fp);
    if (!k)
        snprintf(err, errlen, "release TLS key %s: not an unencrypted PEM private key (%s)",
                 path, smtp_tls_error(ebuf, sizeof(ebuf), "unreadable"));
    return k;
}

/* smtp_tls_context - client context with our certificate, key and CA */
SSL_CTX *smtp_tls_context(const smtp_tls_files *f, char *err, size_t errlen)
{
    char ebuf[256];
    if (!f->cert || !*f->cert || !f->key || !*f->key || !f->ca || !*f->ca) {
        snprintf(err, errlen, "release TLS: release_tls_cert, release_tls_key and "
                 "release_tls_ca must be set");
        return NULL;
    }
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        snprintf(err, errlen, "release TLS: %s", smtp_tls_error(ebuf, sizeof(ebuf), "no context"));
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_default_passwd_cb(ctx, smtp_tls_no_passphrase);
    EVP_PKEY *k = NULL;
    if (SSL_CTX_use_certificate_chain_file(ctx, f->cert) != 1) {
        snprintf(err, errlen, "release TLS certificate %s: %s", f->cert,
                 smtp_tls_error(ebuf, sizeof(ebuf), "cannot load"));
    } else if (!(k = smtp_tls_read_key(f->key, err, errlen))) {
        /* err says why */
    } else if (SSL_CTX_use_PrivateKey(ctx, k) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(err, errlen, "release TLS key %s does not match the certificate %s (%s)",
                 f->key, f->cert, smtp_tls_error(ebuf, sizeof(ebuf), "mismatch"));
    } else if (SSL_CTX_load_verify_locations(ctx, f->ca, NULL) != 1) {
        snprintf(err, errlen, "release TLS CA %s: %s", f->ca,
                 smtp_tls_error(ebuf, sizeof(ebuf), "cannot load"));
    } else {
        EVP_PKEY_free(k);
        return ctx;
    }
    EVP_PKEY_free(k);
    SSL_CTX_free(ctx);
    return NULL;
}

/* smtp_tls_expect_host - the server's certificate must name host */
int smtp_tls_expect_host(SSL *ssl, const char *host)
{
    unsigned char addr[16];
    if (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1)
        return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1 ? 0 : -1;
    if (SSL_set1_host(ssl, host) != 1 || SSL_set_tlsext_host_name(ssl, host) != 1)
        return -1;
    return 0;
}

/* smtp_tls_check - the credentials load and the certificate is valid now */
int smtp_tls_check(const smtp_tls_files *f, char *err, size_t errlen)
{
    SSL_CTX *ctx = smtp_tls_context(f, err, errlen);
    if (!ctx)
        return -1;
    X509 *x = SSL_CTX_get0_certificate(ctx);
    int rc = 0;
    if (!x) {
        snprintf(err, errlen, "release TLS certificate %s: none loaded", f->cert);
        rc = -1;
    } else if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
        snprintf(err, errlen, "release TLS certificate %s has expired", f->cert);
        rc = -1;
    } else if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
        snprintf(err, errlen, "release TLS certificate %s is not valid yet", f->cert);
        rc = -1;
    }
    SSL_CTX_free(ctx);
    return rc;
}
