#!/usr/bin/env python3
"""golden - run `mugai sanitize` over the sample corpus and the hostile corpus.

For samples/NAME.eml: the output must equal tests/golden/NAME.out byte for
byte (UPDATE=1 rewrites it), and tests/golden/NAME.expect states what the
decoded result must and must not contain. For tests/hostile/NAME.eml: the
exit status must be the one in NAME.expect, and a delivered result must be
a single text/plain part without any of the forbidden content.

samples/scan/NAME.eml (viruses, spoofing, archives) are checked the same way
against tests/golden/scan/. tests/variants/NAME.eml are samples run with another config (a `config:`
line), golden-checked like the samples.

Expectation lines:  config: PATH | exit: N | body: TEXT | !body: TEXT | subject: TEXT |
                    header: Name: value | !header: Name | charset: NAME |
                    report: KEY=VALUE (top-level JSON key) | finding: KIND |
                    part: PATH ACTION [DETECTED-TYPE]
                    smtp-KEY: ... (only through Postfix: tests/postfix/maildir_check.py)
"""
import base64, binascii, email, email.policy, json, os, re, subprocess, sys, tempfile

MUGAI = sys.argv[1]
CONF = 'samples/mugai.conf'
UPDATE = os.environ.get('UPDATE') == '1'
# A GLib critical (a misuse of GMime) aborts the run instead of only printing.
os.environ['G_DEBUG'] = 'fatal-criticals'
# A Date field added to a message without one takes this time: same bytes every run.
os.environ['SOURCE_DATE_EPOCH'] = '1796083200'
passed = failed = 0

# Bytes that must never reach the LGWAN side whatever the input.
NEVER = [b'MZ\x90\x00', b'TVqQAAMAAAAEAAAA', b'\x00']


def conf_of(expect):
    """The config a case runs with: a `config: PATH` line, else the sample config."""
    if os.path.exists(expect):
        for l in open(expect, encoding='utf-8'):
            if l.startswith('config: '):
                return l[8:].strip()
    return CONF


def run(path, conf, extra=()):
    with tempfile.TemporaryDirectory() as d:
        rep = os.path.join(d, 'r.json')
        p = subprocess.run([MUGAI, 'sanitize', '-c', conf, '--report', rep, *extra, path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        report = json.load(open(rep)) if os.path.exists(rep) else None
    return p.returncode, p.stdout, p.stderr.decode('utf-8', 'replace'), report


# Files that must not reach the LGWAN side in any text encoding either.
MAGIC = [b'MZ', b'\x7fELF', b'PK\x03\x04', b'\xd0\xcf\x11\xe0', b'Rar!', b'7z\xbc\xaf', b'\x1f\x8b']
B64WORD = re.compile(r'[A-Za-z0-9+/]{16,}')


def encoded_files(text):
    """What in the delivered text a decoder would turn back into a program or archive."""
    found = []
    if '=ybegin' in text:
        found.append('yEnc block')
    if re.search(r'(?m)^\s*:[!-r]{60,}$', text):
        found.append('BinHex line')
    for line in text.split('\n'):
        s = line.strip().lstrip('>').strip()
        try:
            data = binascii.a2b_uu(s) if s else b''
        except (binascii.Error, ValueError):
            data = b''
        if any(data.startswith(m) for m in MAGIC):
            found.append('uuencoded line %r' % s[:20])
        for w in B64WORD.findall(line):
            head = base64.b64decode(w[:min(24, len(w) // 4 * 4)])
            if any(head.startswith(m) for m in MAGIC):
                found.append('base64 word %r' % w[:20])
    return found


def check_delivered(out, errors):
    """A delivered message must be one text/plain part with clean lines."""
    for bad in NEVER:
        if bad in out:
            errors.append('forbidden bytes %r in output' % bad)
    for n, line in enumerate(out.split(b'\n')):
        if len(line) > 998:
            errors.append('line %d longer than 998 octets' % (n + 1))
    msg = email.message_from_bytes(out, policy=email.policy.default)
    if msg.is_multipart():
        errors.append('output is multipart')
        return msg, ''
    if msg.get_content_type() != 'text/plain':
        errors.append('output type is %s' % msg.get_content_type())
    raw = msg.get_payload(decode=True) or b''
    cs = msg.get_content_charset() or 'us-ascii'
    try:
        text = raw.decode({'iso-2022-jp': 'iso2022_jp_ext'}.get(cs, cs))
    except (UnicodeDecodeError, LookupError) as e:
        errors.append('body does not decode as %s: %s' % (cs, e))
        text = raw.decode('utf-8', 'replace')
    for bad in NEVER:
        if bad in raw:
            errors.append('forbidden bytes %r in decoded body' % bad)
    for what in encoded_files(text):
        errors.append('encoded file in the body: %s' % what)
    ctl = re.search('[\x00-\x08\x0b-\x1f\x7f-\x9f]', text.replace('\r\n', '\n'))
    if ctl:
        errors.append('control character U+%04X in the body' % ord(ctl.group()))
    return msg, text


def check_expect(name, expect_path, rc, out, report, errors):
    want_exit = 0
    lines = open(expect_path, encoding='utf-8').read().splitlines() if os.path.exists(expect_path) else []
    for l in lines:
        if l.startswith('exit: '):
            want_exit = int(l[6:])
    if rc != want_exit:
        errors.append('exit %d, expected %d' % (rc, want_exit))
        return
    if rc != 0:
        if out:
            errors.append('output written for a refused message')
        return
    msg, text = check_delivered(out, errors)
    for l in lines:
        if not l or l.startswith('#') or l.startswith('exit: ') or l.startswith('config: ') \
                or l.startswith('smtp-'):
            continue
        key, _, val = l.partition(': ')
        if key == 'body' and val not in text:
            errors.append('body lacks %r' % val)
        elif key == '!body' and (val in text or val.encode() in out):
            errors.append('body contains %r' % val)
        elif key == 'subject' and str(msg['subject']) != val:
            errors.append('subject is %r, expected %r' % (str(msg['subject']), val))
        elif key == 'header':
            hn, _, hv = val.partition(': ')
            if str(msg.get(hn)) != hv:
                errors.append('header %s is %r, expected %r' % (hn, msg.get(hn), hv))
        elif key == '!header' and msg.get(val) is not None:
            errors.append('header %s present' % val)
        elif key == 'charset' and msg.get_content_charset() != val:
            errors.append('charset %s, expected %s' % (msg.get_content_charset(), val))
        elif key == 'report':
            k, _, v = val.partition('=')
            if str(report.get(k)) != v:
                errors.append('report %s=%r, expected %r' % (k, report.get(k), v))
        elif key == 'finding':
            if not any(f['kind'] == val for f in report['findings']):
                errors.append('no finding %s' % val)
        elif key == 'part':
            f = val.split(' ')
            p = [x for x in report['parts'] if x['path'] == f[0]]
            if not p:
                errors.append('no part %s in report' % f[0])
            elif p[0]['action'] != f[1] or (len(f) > 2 and p[0]['detected_type'] != f[2]):
                errors.append('part %s is %s/%s, expected %s' % (f[0], p[0]['action'], p[0]['detected_type'], ' '.join(f[1:])))
        elif key not in ('body', '!body', 'subject', 'header', '!header', 'charset', 'report', 'finding', 'part'):
            errors.append('unknown expectation %r' % l)


def case(name, path, expect, golden):
    global passed, failed
    errors = []
    try:
        conf = conf_of(expect)
        rc, out, err, report = run(path, conf)
        if rc < 0 or rc not in (0, 2, 75):
            errors.append('exit %d (stderr: %s)' % (rc, err.strip()))
        if rc != 0 and '\n' in err.strip():
            errors.append('stderr is not one line: %r' % err)
        check_expect(name, expect, rc, out, report, errors)
        if golden and rc == 0:
            if UPDATE:
                open(golden, 'wb').write(out)
            elif not os.path.exists(golden) or open(golden, 'rb').read() != out:
                errors.append('output differs from %s' % golden)
        if rc == 0:
            # Same bytes again, and the same when read from a pipe.
            with open(path, 'rb') as f:
                p = subprocess.run([MUGAI, 'sanitize', '-c', conf, '-'], stdin=f,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            if p.stdout != out:
                errors.append('output from stdin differs (not deterministic?)')
    except subprocess.TimeoutExpired:
        errors.append('timed out')
    if errors:
        failed += 1
        print('FAIL %s: %s' % (name, '; '.join(errors)))
    else:
        passed += 1
        print('ok   %s' % name)


for f in sorted(os.listdir('samples')):
    if f.endswith('.eml'):
        n = f[:-4]
        case('samples/' + n, 'samples/' + f, 'tests/golden/%s.expect' % n, 'tests/golden/%s.out' % n)
for f in sorted(os.listdir('samples/scan')):
    if f.endswith('.eml'):
        n = f[:-4]
        case('scan/' + n, 'samples/scan/' + f, 'tests/golden/scan/%s.expect' % n, 'tests/golden/scan/%s.out' % n)
for f in sorted(os.listdir('tests/variants')):
    if f.endswith('.eml'):
        n = f[:-4]
        case('variants/' + n, 'tests/variants/' + f, 'tests/variants/%s.expect' % n, 'tests/variants/%s.out' % n)
for f in sorted(os.listdir('tests/hostile')):
    if f.endswith('.eml'):
        n = f[:-4]
        case('hostile/' + n, 'tests/hostile/' + f, 'tests/hostile/%s.expect' % n, None)
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
