#!/usr/bin/env python3
# NAME
#	soak.py - many mixed mails through a running mugai-milter, its memory sampled
# SYNOPSIS
#	bench/soak.py SOCKET PID COUNT [SESSIONS]
# DESCRIPTION
#	Speaks the milter protocol (version 6) to SOCKET (a unix socket path,
#	or HOST:PORT) like Postfix does: SESSIONS connections at once (4), 20
#	messages each, until COUNT messages have had their answer. The mails
#	rotate over samples/*.eml, samples/scan/*.eml and tests/hostile/*.eml
#	with a unique header and first line, freshly made archives (zip, tar.gz,
#	nested zip, some with the EICAR test string) and samples with a few
#	bytes changed, so that libclamav scans new content every time instead
#	of answering from its cache of clean files.
#
#	The resident set of PID (VmRSS) is sampled every COUNT/50 mails and
#	printed as a table; the last line says whether it is flat: the growth
#	from the end of the warm-up (the first fifth) to the end, against 5%
#	of the size and 4 MB. Exit status 0 when flat, 1 when it grows, 2 on a
#	protocol or connection error.
import glob, gzip, io, os, random, socket, struct, sys, tarfile, threading, zipfile

ACCEPT_CODES = {b"a": "accept", b"c": "continue", b"r": "reject", b"t": "tempfail",
                b"y": "reply", b"d": "discard"}


def eicar():
    return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


class Milter:
    def __init__(self, where):
        if ":" in where and not where.startswith("/"):
            host, port = where.rsplit(":", 1)
            self.s = socket.create_connection((host, int(port)), timeout=120)
        else:
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(120)
            self.s.connect(where)

    def send(self, cmd, data=b""):
        self.s.sendall(struct.pack("!I", len(data) + 1) + cmd + data)

    def recv(self):
        head = self._read(5)
        n = struct.unpack("!I", head[:4])[0]
        return head[4:5], self._read(n - 1)

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise OSError("milter closed the connection")
            buf += chunk
        return buf

    def ask(self, cmd, data=b""):
        self.send(cmd, data)
        while True:
            c, d = self.recv()
            if c != b"p":
                return c, d

    def open(self):
        # version 6, every action, no protocol step left out
        self.send(b"O", struct.pack("!III", 6, 0x1FF, 0))
        c, _ = self.recv()
        if c != b"O":
            raise OSError("negotiation answered %r" % c)
        c, _ = self.ask(b"C", b"client.test\x004" + struct.pack("!H", 25) + b"127.0.0.1\x00")
        if c != b"c":
            raise OSError("connect answered %r" % c)

    def message(self, qid, raw):
        head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
        self.send(b"D", b"M" + b"i\x00" + qid.encode() + b"\x00")
        c, _ = self.ask(b"M", b"<sender@example.com>\x00")
        if c != b"c":
            return ACCEPT_CODES.get(c, "?")
        c, _ = self.ask(b"R", b"<soumu@city.example.lg.jp>\x00")
        if c != b"c":
            return ACCEPT_CODES.get(c, "?")
        fields = []
        for line in head.split(b"\n"):
            if line[:1] in (b" ", b"\t") and fields:
                fields[-1] = (fields[-1][0], fields[-1][1] + b"\n" + line)
            elif b":" in line:
                name, _, value = line.partition(b":")
                fields.append((name, value.lstrip(b" ")))
        for name, value in fields:
            c, _ = self.ask(b"L", name + b"\x00" + value + b"\x00")
            if c != b"c":
                return ACCEPT_CODES.get(c, "?")
        c, _ = self.ask(b"N")
        if c != b"c":
            return ACCEPT_CODES.get(c, "?")
        body = body.replace(b"\n", b"\r\n")
        for i in range(0, len(body), 65535):
            c, _ = self.ask(b"B", body[i:i + 65535])
            if c != b"c":
                return ACCEPT_CODES.get(c, "?")
        self.send(b"E")
        while True:
            c, _ = self.recv()
            if c in ACCEPT_CODES:
                return ACCEPT_CODES[c]

    def close(self):
        try:
            self.send(b"Q")
        finally:
            self.s.close()


def attachment_mail(name, data, k):
    b64 = __import__("base64").b64encode(data).decode()
    lines = [b64[i:i + 76] for i in range(0, len(b64), 76)]
    return ("From: sender@example.com\nTo: soumu@city.example.lg.jp\n"
            "Subject: soak %d\nMessage-ID: <soak%d@example.com>\nMIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
            "Content-Type: text/plain; charset=UTF-8\n\n添付 %d をご確認ください。\n\n--b\n"
            'Content-Type: application/octet-stream; name="%s"\n'
            "Content-Transfer-Encoding: base64\n\n%s\n--b--\n"
            % (k, k, k, name, "\n".join(lines))).encode()


def zip_bytes(members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members:
            z.writestr(n, d)
    return b.getvalue()


def tgz_bytes(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz") as t:
        for n, d in members:
            info = tarfile.TarInfo(n)
            info.size = len(d)
            t.addfile(info, io.BytesIO(d))
    return b.getvalue()


class Mails:
    def __init__(self):
        self.files = [open(f, "rb").read() for f in sorted(
            glob.glob("samples/*.eml") + glob.glob("samples/scan/*.eml") +
            glob.glob("tests/hostile/*.eml")) if os.path.getsize(f) < 200000]

    def get(self, k, rnd):
        kind = k % 4
        if kind == 0 or kind == 1:
            raw = self.files[(k // 4) % len(self.files)]
            if kind == 1 and len(raw) > 64:
                raw = bytearray(raw)
                for _ in range(4):
                    i = rnd.randrange(len(raw) // 2, len(raw))
                    raw[i] = rnd.randrange(32, 127)
                raw = bytes(raw)
            head, sep, body = raw.partition(b"\n\n")
            return b"X-Soak: %d\n" % k + head + sep + b"soak %d\n" % k + body
        text = ("soak %d %x\n" % (k, rnd.getrandbits(64))).encode() * rnd.randrange(1, 200)
        members = [("a%d.txt" % k, text), ("b.bin", os.urandom(rnd.randrange(16, 4096)))]
        if k % 16 == 2:
            members.append(("t.com", eicar()))
        if kind == 2:
            return attachment_mail("x.zip", zip_bytes([("in.zip", zip_bytes(members))] + members), k)
        return attachment_mail("x.tgz", tgz_bytes(members), k)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    where, pid, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sessions = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    mails = Mails()
    lock = threading.Lock()
    state = {"next": 0, "done": 0, "errors": 0, "verdicts": {}}
    step = max(1, count // 50)
    samples = [(0, rss_kb(pid))]

    def take():
        with lock:
            if state["next"] >= count:
                return None
            state["next"] += 1
            return state["next"] - 1

    def finished(v):
        with lock:
            state["done"] += 1
            state["verdicts"][v] = state["verdicts"].get(v, 0) + 1
            if state["done"] % step == 0:
                samples.append((state["done"], rss_kb(pid)))

    def worker(w):
        rnd = random.Random(w)
        while True:
            try:
                m = Milter(where)
                m.open()
                for _ in range(20):
                    k = take()
                    if k is None:
                        m.close()
                        return
                    finished(m.message("SOAK%07d" % k, mails.get(k, rnd)))
                m.close()
            except (OSError, struct.error) as e:
                with lock:
                    state["errors"] += 1
                    if state["errors"] > 10:
                        print("soak: %s" % e, file=sys.stderr)
                        return

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("%10s %10s" % ("mails", "rss_kb"))
    for n, r in samples:
        print("%10d %10d" % (n, r))
    print("verdicts: %s; connection errors: %d" % (
        ", ".join("%s=%d" % kv for kv in sorted(state["verdicts"].items())), state["errors"]))
    if state["done"] < count:
        print("soak: only %d of %d mails answered" % (state["done"], count))
        return 2
    warm = [r for n, r in samples if n >= count // 5]
    base, last = warm[0], max(warm[-3:])
    grow = last - base
    limit = max(base // 20, 4096)
    flat = grow <= limit
    print("soak: %d mails; RSS %d KB after warm-up, %d KB at the end: %s (%+d KB, %.2f KB per 1000 mails; limit %d KB)"
          % (count, base, last, "flat" if flat else "GROWS", grow,
             grow * 1000.0 / max(1, count - count // 5), limit))
    return 0 if flat else 1


sys.exit(main())
