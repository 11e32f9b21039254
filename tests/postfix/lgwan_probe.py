#!/usr/bin/env python3
"""lgwan_probe.py - try to hand a mail straight to the LGWAN side

usage: lgwan_probe.py PORT MODE [CERT KEY [CA]]

MODE is plain (no STARTTLS), tls (STARTTLS, with the client certificate
CERT/KEY when given) or tls-verify (the same, verifying the server
against CA). The mail is the attack of the side door: raw HTML with a
PE attachment that the milter would have removed. Prints one line:
"delivered CODE" when the end of data was accepted, else
"refused STEP CODE-OR-ERROR", and exits 0 either way (the caller
judges); exit 2 on a usage error.
"""
import smtplib
import socket
import ssl
import sys

MAIL = (
    b"From: attacker@example.com\r\n"
    b"To: soumu@city.example.lg.jp\r\n"
    b"Subject: side door\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
    b"--b\r\nContent-Type: text/html\r\n\r\n"
    b"<html><body><a href=\"http://evil.example/\">MUGAI-SIDE-DOOR</a>"
    b"<script>alert(1)</script></body></html>\r\n"
    b"--b\r\nContent-Type: application/octet-stream\r\n"
    b"Content-Disposition: attachment; filename=setup.exe\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n"
    b"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"
    b"--b--\r\n"
)


def main(argv):
    if len(argv) < 3 or argv[2] not in ("plain", "tls", "tls-verify"):
        print(__doc__, file=sys.stderr)
        return 2
    port, mode = int(argv[1]), argv[2]
    cert = argv[3] if len(argv) > 4 else None
    key = argv[4] if len(argv) > 4 else None
    ca = argv[5] if len(argv) > 5 else None
    step = "connect"
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=30)
        step = "ehlo"
        s.ehlo("probe.test")
        if mode != "plain":
            if mode == "tls-verify":
                ctx = ssl.create_default_context(cafile=ca)
                ctx.check_hostname = False
            else:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            step = "client certificate"
            if cert:
                ctx.load_cert_chain(cert, key)
            step = "starttls"
            s.starttls(context=ctx)
            step = "ehlo after starttls"
            s.ehlo("probe.test")
        step = "mail"
        code, text = s.mail("attacker@example.com")
        if code != 250:
            raise smtplib.SMTPResponseException(code, text)
        step = "rcpt"
        code, text = s.rcpt("soumu@city.example.lg.jp")
        if code not in (250, 251):
            raise smtplib.SMTPResponseException(code, text)
        step = "data"
        code, text = s.data(MAIL)
        s.quit()
        print("delivered", code)
    except smtplib.SMTPResponseException as e:
        print("refused", step, e.smtp_code, e.smtp_error.decode(errors="replace"))
    except (OSError, smtplib.SMTPException, ssl.SSLError) as e:
        print("refused", step, type(e).__name__, str(e).replace("\n", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
