#!/usr/bin/env python3
"""send - send numbered mails over SMTP and report each answer.

usage: send.py PORT SUFFIX FIRST COUNT [SIZE]

Sends mail k (FIRST <= k < FIRST+COUNT) to <k>SUFFIX at 127.0.0.1:PORT,
one connection per mail, a text body of about SIZE bytes (default 2000),
and prints "k CODE" per mail (CODE 0 when the connection failed). A
tempfail is not retried here: the caller plays the sending MTA's retry.
"""
import smtplib
import sys


def main(argv):
    port, suffix, first, count = int(argv[0]), argv[1], int(argv[2]), int(argv[3])
    size = int(argv[4]) if len(argv) > 4 else 2000
    line = 'The quick brown fox jumps over the lazy dog. 0123456789\r\n'
    body = line * max(1, size // len(line))
    for k in range(first, first + count):
        msg = ('From: sender@example.com\r\nTo: %d%s\r\nSubject: fault test %d\r\n'
               'Message-ID: <fault%d@example.com>\r\n\r\n%s' % (k, suffix, k, k, body))
        code = 0
        try:
            s = smtplib.SMTP('127.0.0.1', port, timeout=60)
            s.ehlo('client.test')
            code, _ = s.mail('sender@example.com')
            if code == 250:
                code, _ = s.rcpt('%d%s' % (k, suffix))
            if code == 250:
                code, _ = s.data(msg.encode())
            s.quit()
        except smtplib.SMTPResponseException as e:
            code = e.smtp_code
        except (OSError, smtplib.SMTPException):
            code = 0
        print('%d %d' % (k, code), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
