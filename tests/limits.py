#!/usr/bin/env python3
"""limits - the work and output of one message are bounded as a whole.

A mail of 23 Shift_JIS half-width-kana text parts (48 MB as sent, each
part on its own within max_text_size; generated here, not kept) must give
an output within max_output_size, with the text cut, the notice saying so
and the original marked to be kept; the text that is shown must be exact.
Peak memory is measured with /usr/bin/time (not under ASan). Then
`mugai check-config` must refuse a max_output_size above Postfix's
message_size_limit, read with the real postconf from a config directory
made here (MAIL_CONFIG).
"""
import base64, email, email.policy, json, os, re, subprocess, sys, tempfile

MUGAI = sys.argv[1]
ASAN = 'asan' in MUGAI
CONF = 'samples/mugai.conf'
os.environ['SOURCE_DATE_EPOCH'] = '1796083200'
failed = []


def check(cond, what):
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        failed.append(what)


def kana_mail(path, parts, size):
    line = bytes(range(0xb1, 0xb1 + 38)) + b'\r\n'	# ｱ..ﾖ in Shift_JIS
    with open(path, 'wb') as f:
        f.write(b'From: a@example.com\nTo: b@example.jp\nSubject: kana\n'
                b'Date: Thu, 3 Dec 2026 10:00:00 +0900\nMIME-Version: 1.0\n'
                b'Content-Type: multipart/mixed; boundary="k"\n\n')
        for i in range(parts):
            f.write(b'--k\nContent-Type: text/plain; charset=Shift_JIS\n'
                    b'Content-Transfer-Encoding: base64\n\n')
            f.write(base64.encodebytes((b'PART%02d ' % i) + line * (size // len(line))))
        f.write(b'--k--\n')


def sanitize(d, conf, mail):
    rep = os.path.join(d, 'r.json')
    cmd = [MUGAI, 'sanitize', '-c', conf, '--report', rep, mail]
    if not ASAN and os.path.exists('/usr/bin/time'):
        cmd = ['/usr/bin/time', '-f', 'MAXRSS %M'] + cmd
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    m = re.search(r'MAXRSS (\d+)', p.stderr.decode())
    return p.returncode, p.stdout, json.load(open(rep)), int(m.group(1)) if m else None


def decoded(out):
    msg = email.message_from_bytes(out, policy=email.policy.default)
    cs = msg.get_content_charset()
    return msg, msg.get_payload(decode=True).decode({'iso-2022-jp': 'iso2022_jp_ext'}.get(cs, cs))


with tempfile.TemporaryDirectory() as d:
    mail = os.path.join(d, 'kana.eml')
    # Under ASan a smaller mail of the same shape: still many times the budget.
    kana_mail(mail, 23 if not ASAN else 6, 1600000)
    size = os.path.getsize(mail)
    rc, out, rep, rss = sanitize(d, CONF, mail)
    check(rc == 0, 'kana mail (%d bytes) sanitized, exit %d' % (size, rc))
    msg, text = decoded(out)
    check(len(out) <= 9 * 1024 * 1024, 'output %d bytes within max_output_size 9M' % len(out))
    check(len(text.encode()) <= 2 * 1024 * 1024 + 4096, 'text within the 2M budget of the whole message')
    check('PART00 ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖ\n' in text, 'half-width kana shown exactly')
    check('PART22' not in text, 'text beyond the budget is not shown')
    check('以降を省略しました。' in text, 'the notice says the text was cut')
    check(rep['keep_original'] is True and rep['keep_reason'] == 'text-not-delivered',
          'the original is to be kept (%s, %s)' % (rep['keep_original'], rep['keep_reason']))
    if rss is not None:
        print('     peak RSS %d kB for %d bytes in, %d bytes out' % (rss, size, len(out)))
        check(rss < 256 * 1024, 'peak memory below 256 MB')

    # ISO-2022-JP output (kana become full width, with escapes) and a 1M output limit.
    conf = os.path.join(d, 'jis.conf')
    src = open(CONF, encoding='utf-8').read()
    src = re.sub(r'(?m)^output_charset = .*$', 'output_charset = iso-2022-jp', src)
    src = re.sub(r'(?m)^max_output_size = .*$', 'max_output_size = 1M', src)
    # relative paths of a config are taken from its directory: the copy lives elsewhere
    base = os.path.dirname(os.path.abspath(CONF))
    src = re.sub(r'(?m)^(database_dir|spool_dir|temp_dir|dir|audit_log) = (?![/"])(\S.*)$',
                 lambda m: '%s = %s' % (m.group(1), os.path.normpath(os.path.join(base, m.group(2)))),
                 src)
    open(conf, 'w', encoding='utf-8').write(src)
    rc, out, rep, rss = sanitize(d, conf, mail)
    check(rc == 0 and len(out) <= 1024 * 1024, 'ISO-2022-JP output %d bytes within 1M' % len(out))
    msg, text = decoded(out)
    check(msg.get_content_charset() == 'iso-2022-jp', 'charset ISO-2022-JP')
    check('PART00 アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨ\n' in text,
          'kana shown exactly in full width')
    check('以降を省略しました。' in text and rep['keep_original'] is True, 'cut to fit, said, original kept')

    # check-config against Postfix's message_size_limit, with the real postconf.
    if subprocess.run(['sh', '-c', 'command -v postconf'], stdout=subprocess.DEVNULL).returncode == 0:
        pf = os.path.join(d, 'postfix')
        os.mkdir(pf)
        # the sample's release credentials are the demo's, made by `make run`:
        # this config has its own, so that only the size limit is in question
        key, crt = os.path.join(d, 'release.key'), os.path.join(d, 'release.crt')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                        'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt,
                        '-days', '2', '-subj', '/CN=limits test'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        os.chmod(key, 0o600)
        cc = os.path.join(d, 'cc.conf')
        src = open(CONF, encoding='utf-8').read()
        src = re.sub(r'(?m)^(database_dir) = (?![/"])(\S.*)$',
                     lambda m: '%s = %s' % (m.group(1), os.path.normpath(os.path.join(base, m.group(2)))),
                     src)
        src = re.sub(r'(?m)^release_tls_(cert|ca) = .*$', lambda m: 'release_tls_%s = %s' % (m.group(1), crt), src)
        src = re.sub(r'(?m)^release_tls_key = .*$', 'release_tls_key = ' + key, src)
        open(cc, 'w', encoding='utf-8').write(src)
        for limit, want in ((5000000, 1), (10240000, 0), (0, 0)):
            open(os.path.join(pf, 'main.cf'), 'w').write('message_size_limit = %d\n' % limit)
            p = subprocess.run([MUGAI, 'check-config', '-c', cc], env=dict(os.environ, MAIL_CONFIG=pf),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            err = p.stderr.decode()
            check(p.returncode == want and (want == 0 or 'message_size_limit 5000000' in err),
                  'check-config with message_size_limit %d: exit %d %s' % (limit, p.returncode, err.strip()))

print('%s' % ('limits: %d failed' % len(failed) if failed else 'limits: all passed'))
sys.exit(1 if failed else 0)
