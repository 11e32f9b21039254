/*
 * NAME
 *	smtp_tls - the TLS credentials of the release client
 * DESCRIPTION
 *	A release reaches the LGWAN side only over TLS, presenting a client
 *	certificate the LGWAN-side server knows, and only to a server whose
 *	certificate chains to the configured CA and names release_host
 *	(DNS name or IP address). The private key must be a plain file that
 *	neither group nor others may read or write (like ssh(1) keys): a key
 *	anyone else can read is no longer the vault owner's credential.
 */
#ifndef MUGAI_SMTP_TLS_H
#define MUGAI_SMTP_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>

typedef struct smtp_tls_files {
    const char	*cert;		/* client certificate chain, PEM */
    const char	*key;		/* its private key, PEM, unencrypted */
    const char	*ca;		/* CA certificate(s) of the server, PEM */
} smtp_tls_files;

/*
 * smtp_tls_context - a client context with the certificate, the key and
 *	only the configured CA, TLS 1.2 or later, peer verification on; or
 *	NULL and one line in err naming the file and the reason
 */
SSL_CTX *smtp_tls_context(const smtp_tls_files *f, char *err, size_t errlen);

/*
 * smtp_tls_expect_host - make ssl verify that the server's certificate
 *	names host (an IP address is matched against IP SANs); 0 or -1
 */
int smtp_tls_expect_host(SSL *ssl, const char *host);

/*
 * smtp_tls_check - what `mugai check-config` asks: the files load, the
 *	key matches, the certificate is within its validity; 0, or -1 and
 *	one line in err
 */
int smtp_tls_check(const smtp_tls_files *f, char *err, size_t errlen);

/* smtp_tls_error - the last OpenSSL error as text (or dflt), clearing the queue */
const char *smtp_tls_error(char *buf, size_t len, const char *dflt);

#endif
