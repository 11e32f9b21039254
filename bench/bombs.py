#!/usr/bin/env python3
# NAME
#	bombs.py - archive mails built to cost the most CPU per KB within the limits
# SYNOPSIS
#	bench/bombs.py DIR
# DESCRIPTION
#	Writes DIR/NAME.eml, one mail per shape, each a text part and one or
#	more base64 attachments: 42.zip style nests (deeper, wider), many
#	small members, many empty members, gzip in tar in zip, many small
#	bomb attachments, and zeros just under the per-member ratio floor.
#	bench/bombs.sh runs them through `mugai sanitize` and prints the CPU
#	seconds per KB of mail.
import base64, gzip, io, os, random, sys, tarfile, zipfile

MIB = 1 << 20


def zip_of(members, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method, compresslevel=9) as z:
        for name, data in members:
            z.writestr(name, data)
    return b.getvalue()


def nest(depth, width, leaf):
    if depth == 0:
        return bytes(leaf)
    inner = nest(depth - 1, width, leaf)
    ext = "bin" if depth == 1 else "zip"
    return zip_of([("%d.%s" % (i, ext), inner) for i in range(width)])


def tar_of(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return b.getvalue()


def mail(attachments):
    out = ["From: sender@example.com", "To: soumu@city.example.lg.jp",
           "Subject: bomb", "MIME-Version: 1.0",
           'Content-Type: multipart/mixed; boundary="b"', "", "--b",
           "Content-Type: text/plain; charset=UTF-8", "", "添付をご確認ください。", ""]
    for name, data in attachments:
        out += ["--b", 'Content-Type: application/octet-stream; name="%s"' % name,
                'Content-Disposition: attachment; filename="%s"' % name,
                "Content-Transfer-Encoding: base64", ""]
        b64 = base64.b64encode(data).decode()
        out += [b64[i:i + 76] for i in range(0, len(b64), 76)]
        out.append("")
    out.append("--b--")
    return ("\n".join(out) + "\n").encode()


def shapes():
    rnd = random.Random(42)
    words = [("%x" % rnd.getrandbits(24)) for _ in range(4096)]
    text = lambda n: " ".join(rnd.choice(words) for _ in range(n // 7)).encode()
    yield "nest-42", [("42.zip", nest(2, 16, MIB))]
    yield "nest-deep", [("deep.zip", nest(4, 6, 256 << 10))]
    yield "nest-wide", [("wide.zip", nest(2, 60, 256 << 10))]
    yield "small-members", [("small.zip", zip_of([("%d.txt" % i, text(1024)) for i in range(999)]))]
    yield "empty-members", [("empty.zip", zip_of([("%d" % i, b"") for i in range(999)],
                                                  zipfile.ZIP_STORED))]
    gz = [("%d.gz" % i, gzip.compress(bytes(MIB - 1), 9)) for i in range(60)]
    yield "gzip-tar-zip", [("gtz.zip", zip_of([("%d.tar" % i, tar_of(gz)) for i in range(4)]))]
    yield "many-bombs", [("%d.zip" % i, nest(1, 1, MIB - 1)) for i in range(200)]
    yield "floor-zeros", [("floor.zip", zip_of([("%d.bin" % i, bytes(MIB)) for i in range(200)]))]


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for name, atts in shapes():
        with open(os.path.join(d, name + ".eml"), "wb") as f:
            f.write(mail(atts))


main()
