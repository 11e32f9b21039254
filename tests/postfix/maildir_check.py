#!/usr/bin/env python3
"""maildir_check - what the LGWAN-side Maildir holds, checked decoded.

usage: maildir_check.py count MAILDIR
       maildir_check.py samples MAILDIR NAME...
       maildir_check.py numbered MAILDIR SUFFIX N [FIRST]
       maildir_check.py vaultids MAILDIR

Every mail must be sanitized: one X-Mugai-Result (mode=text), a single
text/plain part, no multipart, nothing of an executable. "samples": the
mail for recipient NAME@lgwan.test came from samples/NAME.eml or
tests/hostile/NAME.eml; each NAME arrived exactly once and nothing else
did; its decoded text equals the golden output (tests/golden/NAME.out)
and meets tests/golden/NAME.expect (or tests/hostile/NAME.expect; its
smtp-* lines alone when it has any). "numbered": recipients
<k>SUFFIX for k in FIRST..FIRST+N-1 (FIRST 0 by default; smtp-source -N
counts from 1), each exactly once. Exit 0 when all holds, else 1 with one line per problem.
The notice of the gateway names a vault ID (see VAULT_BLOCKS); "samples" compares the
text with that part as `mugai sanitize` writes it, and "vaultids" prints
"RECIPIENT ID" for each ID found.
"""
import email
import email.policy
import glob
import os
import re
import sys

NEVER = [b'MZ\x90\x00', b'TVqQAAMAAAAEAAAA']


def mails(maildir):
    out = []
    for path in sorted(glob.glob(os.path.join(maildir, 'new', '*'))):
        raw = open(path, 'rb').read()
        out.append((path, raw, email.message_from_bytes(raw, policy=email.policy.default)))
    return out


def rcpt(msg):
    return (msg.get('X-Original-To') or '').strip().strip('<>')


def sanitized(path, raw, msg, problems):
    res = msg.get_all('X-Mugai-Result') or []
    if len(res) != 1 or not str(res[0]).startswith('mode=text'):
        problems.append('%s: X-Mugai-Result %r' % (path, res))
    if msg.is_multipart() or msg.get_content_type() != 'text/plain':
        problems.append('%s: not a single text/plain part (%s)' % (path, msg.get_content_type()))
    for bad in NEVER:
        if bad in raw:
            problems.append('%s: forbidden bytes %r delivered' % (path, bad))


def text_of(msg):
    try:
        return msg.get_content()
    except Exception as e:  # noqa: BLE001 - reported as a problem by the caller
        return 'UNDECODABLE: %s' % e


# The gateway's notice names the vault ID where `mugai sanitize` (the
# golden outputs) keeps nothing and asks for the SHA-256 instead.
VAULT_BLOCKS = [
    (re.compile('\n保管番号: ([0-9]{8}-[0-9A-Z]{8})\n原本のメールはインターネット側で保管しています。削除された\n'
                'ファイルが必要な場合は、この保管番号を添えてシステム管理者に\nお問い合わせください。\n'),
     '\n削除されたファイルが必要な場合は、SHA-256 の値を添えて\nシステム管理者にお問い合わせください。\n'),
    (re.compile('\nVault ID: ([0-9]{8}-[0-9A-Z]{8})\nThe original mail is kept on the internet side. If you need\n'
                'a removed file, ask your system administrator, quoting this\nvault ID.\n'),
     '\nIf you need a removed file, ask your system administrator,\nquoting its SHA-256.\n'),
    (re.compile('\n         原本は保管しています（下記の保管番号）。'), ''),
    (re.compile('\n         The original is kept \\(see the vault ID below\\).'), ''),
]


def vault_ids(text):
    return [m.group(1) for rx, _ in VAULT_BLOCKS[:2] for m in rx.finditer(text)]


def without_vault(text):
    for rx, plain in VAULT_BLOCKS:
        text = rx.sub(plain, text)
    return text


def golden_text(name):
    path = os.path.join('tests', 'golden', name + '.out')
    if not os.path.exists(path):
        return None
    return text_of(email.message_from_binary_file(open(path, 'rb'), policy=email.policy.default))


def expectations(name, msg, problems):
    path = os.path.join('tests', 'golden', name + '.expect')
    if not os.path.exists(path):
        path = os.path.join('tests', 'hostile', name + '.expect')
    if not os.path.exists(path):
        return
    text = text_of(msg)
    lines = [l.rstrip('\n') for l in open(path, encoding='utf-8')]
    # Input that Postfix itself frames otherwise (a byte order mark or a
    # broken field before the header ends Postfix's header block) has its
    # own expectations through SMTP: the smtp-* lines, and only those.
    smtp = [l[5:] for l in lines if l.startswith('smtp-')]
    for line in smtp or lines:
        key, _, val = line.partition(': ')
        if key == 'body' and val not in text:
            problems.append('%s: body lacks %r' % (name, val))
        elif key == '!body' and val in text:
            problems.append('%s: body has %r' % (name, val))
        elif key == 'subject' and str(msg.get('Subject', '')) != val:
            problems.append('%s: subject %r, expected %r' % (name, str(msg.get('Subject', '')), val))
        elif key == 'charset' and (msg.get_content_charset() or '').lower() != val:
            problems.append('%s: charset %s, expected %s' % (name, msg.get_content_charset(), val))


def check_samples(maildir, names):
    problems, seen = [], {}
    for path, raw, msg in mails(maildir):
        sanitized(path, raw, msg, problems)
        r = rcpt(msg)
        name = r.split('@')[0]
        seen[name] = seen.get(name, 0) + 1
        if name not in names:
            problems.append('%s: unexpected recipient %s' % (path, r))
            continue
        want = golden_text(name)
        if want is not None and without_vault(text_of(msg)) != want:
            problems.append('%s: decoded text differs from tests/golden/%s.out' % (name, name))
        expectations(name, msg, problems)
    for n in names:
        if seen.get(n, 0) != 1:
            problems.append('%s: arrived %d times' % (n, seen.get(n, 0)))
    return problems


def check_numbered(maildir, suffix, n, first=0):
    problems, seen = [], {}
    for path, raw, msg in mails(maildir):
        sanitized(path, raw, msg, problems)
        r = rcpt(msg)
        seen[r] = seen.get(r, 0) + 1
    want = set('%d%s' % (k, suffix) for k in range(first, first + n))
    for r, c in seen.items():
        if r not in want:
            problems.append('unexpected recipient %s' % r)
        elif c != 1:
            problems.append('%s arrived %d times' % (r, c))
    missing = want - set(seen)
    if missing:
        problems.append('%d mails lost, e.g. %s' % (len(missing), sorted(missing)[:5]))
    return problems


def main(argv):
    if argv[0] == 'count':
        print(len(glob.glob(os.path.join(argv[1], 'new', '*'))))
        return 0
    if argv[0] == 'vaultids':
        # "FILE-RCPT ID" for every delivered mail whose notice names a vault ID
        for path, raw, msg in mails(argv[1]):
            for i in vault_ids(text_of(msg)):
                print(rcpt(msg), i)
        return 0
    if argv[0] == 'samples':
        problems = check_samples(argv[1], argv[2:])
    elif argv[0] == 'numbered':
        problems = check_numbered(argv[1], argv[2], int(argv[3]),
                                  int(argv[4]) if len(argv) > 4 else 0)
    else:
        print(__doc__)
        return 64
    for p in problems:
        print('    ' + p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
