#!/usr/bin/env python3
"""lgwan-read.py - show, decoded, what the LGWAN side received.

usage: tools/lgwan-read.py [-n N] [MAILDIR]

Prints the newest N mails (default 1) of MAILDIR (default
var/lgwan/Maildir): Subject, From, To, X-Mugai-Result and the decoded
text body.
"""
import email
import email.policy
import glob
import os
import signal
import sys


def main(argv):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under "| head"
    n, args = 1, list(argv)
    if len(args) >= 2 and args[0] == "-n":
        n, args = int(args[1]), args[2:]
    # the demo's Maildir, from any working directory
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    maildir = args[0] if args else os.path.join(top, "var/lgwan/Maildir")
    files = glob.glob(os.path.join(maildir, "new", "*")) + \
        glob.glob(os.path.join(maildir, "cur", "*"))
    files.sort(key=os.path.getmtime)
    if not files:
        print("no mail in %s yet" % maildir)
        return 1
    for path in files[-n:]:
        with open(path, "rb") as fp:
            msg = email.message_from_binary_file(fp, policy=email.policy.default)
        print("==> %s" % path)
        for h in ("Subject", "From", "To", "X-Mugai-Result"):
            print("%s: %s" % (h, msg.get(h, "")))
        print()
        part = msg.get_body(preferencelist=("plain",)) or msg
        print(part.get_content())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
