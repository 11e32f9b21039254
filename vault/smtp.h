/*
 * NAME
 *	smtp - a minimal SMTP client for re-injecting released originals
 * DESCRIPTION
 *	Speaks just enough SMTP (RFC 5321) to hand one message to a local
 *	listener that does not pass the milter again (a Postfix smtpd on
 *	its own port): EHLO (HELO as fallback), MAIL FROM with BODY=8BITMIME
 *	when offered and needed, one RCPT TO per recipient, DATA with line
 *	ends made CRLF and dot-stuffing, QUIT. Always over STARTTLS with a
 *	client certificate (smtp_tls.h): the LGWAN side accepts only the
 *	gateway's own authenticated senders, so a server that does not
 *	offer STARTTLS, or whose certificate does not verify, gets nothing
 *	(no fallback to plain text). Every connect, handshake, read and
 *	write is bounded by the timeout. All recipients must be accepted or
 *	nothing is sent.
 */
#ifndef MUGAI_SMTP_H
#define MUGAI_SMTP_H

#include <stddef.h>
#include "vault/smtp_tls.h"

#define SMTP_LINE_MAX		1000	/* RFC 5321 reply line limit, with CRLF */
#define SMTP_ADDR_MAX		256	/* longest address sent */

typedef struct smtp_target {
    const char	*host;		/* name or address */
    unsigned	port;
    unsigned	timeout_ms;	/* connect, and each reply or write */
    const char	*helo;		/* our name in EHLO */
    smtp_tls_files tls;		/* all three required */
} smtp_target;

/*
 * smtp_send - deliver the message readable from fd (pread from offset 0)
 *	from "from" (may be "") to rcpts, with the header line prepend
 *	(without EOL; NULL for none) put before it. 0 and the server's
 *	final reply in reply, or -1 and one line in err (the failing step
 *	and the server's reply, or the system error).
 */
int smtp_send(const smtp_target *t, const char *from, const char *const *rcpts, size_t nrcpts,
              const char *prepend, int fd, char *reply, size_t replylen,
              char *err, size_t errlen);

#endif
