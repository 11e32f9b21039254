#!/bin/sh
# NAME
#	smtp.sh - SMTP throughput of the gateway: no milter, mugai-milter, clamav-milter, MIMEDefang
# SYNOPSIS
#	bench/smtp.sh [MILTER]
# DESCRIPTION
#	In one run on loopback: smtp-source -> gateway Postfix -> smtp-sink,
#	first with no milter (the ceiling of this machine), then with
#	mugai-milter (samples/mugai.conf with bench paths), then with
#	clamav-milter and clamd (virus scan only, the same test
#	signatures), for six mails: 4 KB text, 60 KB HTML, a 1 MB
#	attachment, a 1 MB .docx, a 5 MB PDF and a zip of 100 small files
#	(the last three written by mugai-bench -w: the engine bench's own
#	messages), 20 parallel sessions.
#
#	The scanners' temporary files (mugai's [scan] temp_dir, clamd's
#	TemporaryDirectory, MIMEDefang's spool) go to one private tmpfs
#	mounted for the run, as a tuned installation would have them; the
#	Postfix queues and mugai's spool and vault stay on disk.
#
#	The four gateways run side by side on their own ports, and for
#	each mail the modes take turns, ROUNDS times (no milter, mugai,
#	clamav-milter, no milter, ...); a rate is the mean of its rounds.
#	Taking turns matters: every message creates and deletes queue
#	files, the file system slows down for a while afterwards, and a
#	mode measured first on a quiet file system would look faster than
#	one measured next.
#	Prints, per mail: messages/s accepted by the gateway (SMTP DATA done,
#	milter included), the ratio to the no-milter ceiling, p50/p99 of
#	the time before the queue manager (Postfix's "delays" a, 10 ms
#	steps), p50/p99 of the milter's own time per message, and the
#	milter's peak RSS; the milter's time is from MAIL FROM to its answer
#	at end of message, the engine's the part spent in engine_run. Then
#	the same rates with clamav-milter, and mugai's rate over clamav-milter's.
#	smtp-source sends one file over and over: both milters' libclamav
#	find the attachment already scanned clean in its cache, so these
#	rates are above those of new mail (mugai-bench measures new mail).
#
#	Then mugai-null-milter, a milter that receives every event and does
#	nothing: what the milter protocol alone costs Postfix and the
#	machine, the floor under any milter's rate.
#	Last, MIMEDefang doing the job of text mode (bench/mimedefang-filter:
#	the message scanned by the same clamd, text/plain kept, HTML turned
#	into text, every other part removed with a warning, the Subject
#	tagged), with its multiplexor (4 to 20 Perl workers) and milter.
#
#	clamd, clamav-milter and MIMEDefang (Debian packages clamav-daemon,
#	clamav-milter, mimedefang and libhtml-format-perl, which
#	"tools/deps.sh bench" installs) are started here, as user clamav, with private
#	configs, sockets and logs under the bench directory and a database
#	directory holding only a copy of samples/test-signatures: no
#	freshclam, no network, and the system's ClamAV services and
#	/etc/clamav are left alone. Their limits are mugai's [scan]
#	defaults. Each gateway must answer a test mail with 250 and pass
#	it on before it is measured; a program that is missing, does not
#	start, fails that test or fails during the run gets "-" in its
#	columns and its reason below the table, and the others are
#	measured all the same.
#	Everything the bench writes is under /var/tmp/mugai-bench-smtp
#	(the daemons' users must reach it, and the source tree may be
#	closed to them); its logs stay there for reading.
#	A benchmark, not a test: nothing fails on speed.
# ENVIRONMENT
#	BENCH_SCALE  multiply the message counts (default 1)
#	BENCH_ROUNDS turns per mode and mail (default 2)
#	MUGAI_BENCH  mugai-bench, which writes the .docx, PDF and zip mails
#	             (default build/mugai-bench; without it they are skipped)
#	MUGAI_NULL_MILTER  the do-nothing milter (default build/mugai-null-milter)
#	BENCH_MAILS  the mails and their counts, e.g. "text:20" for a quick
#	             trial (default: all six, counts as below)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MILTER=${1:-build/mugai-milter}
BENCH=${MUGAI_BENCH:-build/mugai-bench}
NULL_MILTER=${MUGAI_NULL_MILTER:-build/mugai-null-milter}
B=/var/tmp/mugai-bench-smtp
C=$B/clamd
MD=$B/mimedefang
T=$B/tmp
SCALE=${BENCH_SCALE:-1}
ROUNDS=${BENCH_ROUNDS:-2}
SINK_PORT=10336
export MUGAI_RELAY=127.0.0.1:$SINK_PORT MUGAI_MILTER=$ROOT/$MILTER
sink= clamd= clamilter= mdmx= mdmilter= null=

# not_measured - MODE is left out, for REASON (shown below the tables)
not_measured() {
    echo "$2" > "$B/why-$1"
    echo "bench: $1 not measured: $2" >&2
}

# why - the reason a mode was not measured, as a line of the report
why() {
    [ -f "$B/why-$1" ] && echo "  $1 not measured: $(cat "$B/why-$1")"
    return 0
}

# log_tail - the last lines of a program's log files, on one line
log_tail() {
    tail -q -n 3 "$@" 2>/dev/null | tr '\n' ' ' | cut -c1-300
}

# stop_pid - end a process this script started, and reap it
stop_pid() {
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || return 0
    n=0
    while kill -0 "$1" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# wait_sock - until socket PATH exists, while process PID lives, at most SECONDS
wait_sock() {
    n=0
    while [ ! -S "$1" ] && kill -0 "$2" 2>/dev/null && [ $n -lt $(($3 * 5)) ]; do
        sleep 0.2; n=$((n + 1))
    done
}

cleanup() {
    for m in nomilter milter null clamav mimedefang; do
        MUGAI_GW_DIR=$B/$m MUGAI_CONF=$B/mugai.conf sh tools/gateway.sh stop >/dev/null 2>&1 || true
    done
    stop_pid "$null"
    stop_pid "$mdmilter"
    stop_pid "$mdmx"
    stop_pid "$clamilter"
    stop_pid "$clamd"
    stop_pid "$sink"
    # the originals the milter kept (hundreds of MB); logs stay for reading
    rm -rf "$B/vault" "$B/audit"
    mountpoint -q "$T" 2>/dev/null && umount "$T"
    return 0
}
exec 9>/tmp/mugai-bench-smtp.lock
flock -w 1200 9 || { echo "bench: another run holds /tmp/mugai-bench-smtp.lock" >&2; exit 1; }
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -rf "$B"
mkdir -p "$B/run" "$B/log" "$B/spool" "$T"
# the scanners' temporary files, of all the milters alike, on a private
# tmpfs: every scan creates and removes a directory and files there
if mount -t tmpfs -o size=1g,mode=0755 mugai-bench-tmp "$T" 2>/dev/null; then
    TMPFS=1
else
    TMPFS=0
    echo "bench: cannot mount a tmpfs on $T: scan temporary files stay on disk" >&2
fi
mkdir -p "$T/mugai" "$T/clamd" "$T/mimedefang"
# every path private to the bench, the vault and its audit log too:
# text mode keeps each original with an attachment, and the demo's
# vault must not fill with bench mail
sed -e "s|^spool_dir = .*|spool_dir = $B/spool|" \
    -e "s|^socket = .*|socket = unix:$B/run/mugai-milter.sock|" \
    -e "s|^pid_file = .*|pid_file = $B/run/mugai-milter.pid|" \
    -e "s|^log = .*|log = $B/log/mugai-milter.log|" \
    -e "s|^dir = .*|dir = $B/vault|" \
    -e "s|^audit_log = .*|audit_log = $B/audit/audit.log|" \
    -e "s|^temp_dir = .*|temp_dir = $T/mugai|" \
    -e "s|^database_dir = .*|database_dir = $B/signatures|" \
    samples/mugai.conf > "$B/mugai.conf"
cp -R samples/test-signatures "$B/signatures"
chmod -R a+rX "$B/signatures"
grep -q "^dir = $B/vault" "$B/mugai.conf" && grep -q "^audit_log = $B/audit/" "$B/mugai.conf" &&
    grep -q "^temp_dir = $T/mugai" "$B/mugai.conf" || {
    echo "bench: samples/mugai.conf has no [vault] dir/audit_log or [scan] temp_dir line to redirect" >&2
    exit 1
}
# the milter, no longer root, writes the audit log's head file next to it
owner=$(MUGAI_CONF=$B/mugai.conf sh tools/gateway.sh user)
mkdir -p "$B/audit"
chown "$owner" "$B/audit" "$T/mugai"
chmod 2750 "$B/audit"

# the three mails
python3 - "$B" <<'PY'
import base64, os, sys
d = sys.argv[1]
head = ('From: Sender <sender@example.com>\nTo: soumu@city.example.lg.jp\n'
        'Subject: %s\nMessage-ID: <bench-%s@example.com>\nMIME-Version: 1.0\n')
line = 'このメールはベンチマーク用です。The quick brown fox jumps over the lazy dog.\n'
with open(os.path.join(d, 'text.eml'), 'w') as f:
    f.write(head % ('4KB text', 'text') + 'Content-Type: text/plain; charset=utf-8\n'
            'Content-Transfer-Encoding: 8bit\n\n')
    f.write(line * (4096 // len(line.encode())))
rows = ''.join('<tr><td>項目 %d</td><td><a href="https://example.com/item/%d">詳細 %d</a></td>'
               '<td>%d 円</td></tr>\n' % (i, i, i, i * 100) for i in range(400))
html = ('<html><head><style>td {color: red}</style></head><body><h1>お知らせ</h1>\n'
        '<p>本日のご案内です。<b>重要</b>な情報を含みます。</p>\n<table>\n%s</table>\n'
        '<p><img src="cid:logo" alt="ロゴ"></p></body></html>\n' % rows)
with open(os.path.join(d, 'html.eml'), 'w') as f:
    f.write(head % ('60KB HTML', 'html') + 'Content-Type: text/html; charset=utf-8\n'
            'Content-Transfer-Encoding: 8bit\n\n' + html)
blob = base64.encodebytes(os.urandom(1024 * 1024)).decode()
with open(os.path.join(d, 'attach.eml'), 'w') as f:
    f.write(head % ('1MB attachment', 'attach') +
            'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
            'Content-Type: text/plain; charset=utf-8\n\n資料を添付します。\n--b1\n'
            'Content-Type: application/pdf; name="report.pdf"\n'
            'Content-Disposition: attachment; filename="report.pdf"\n'
            'Content-Transfer-Encoding: base64\n\n' + blob + '--b1--\n')
PY
# the engine bench's scanning classes, byte for byte; the counts keep
# each run within about 20 s at the slowest milter's rate on 2 CPUs
MAILS="text:2000 html:600 attach:60"
if [ -x "$BENCH" ]; then
    "$BENCH" -w "$B"
    MAILS="$MAILS docx:100 pdf:20 zip:60"
else
    echo "bench: no $BENCH: the .docx, PDF and zip mails are skipped (make $BENCH)" >&2
fi
MAILS=${BENCH_MAILS:-$MAILS}

# clamd and clamav-milter, private to this run; CLAM=1 once both listen
CLAM=0
if command -v clamd >/dev/null && command -v clamav-milter >/dev/null &&
    getent passwd clamav >/dev/null; then
    mkdir -p "$C/db"
    cp samples/test-signatures/* "$C/db/"
    cat > "$C/clamd.conf" <<CONF
LocalSocket $C/clamd.sock
LocalSocketMode 660
FixStaleSocket yes
User clamav
Foreground yes
LogFile $C/clamd.log
LogTime yes
PidFile $C/clamd.pid
TemporaryDirectory $T/clamd
DatabaseDirectory $C/db
SelfCheck 3600
MaxThreads 20
StreamMaxLength 100M
MaxScanSize 200M
MaxFileSize 100M
MaxRecursion 16
MaxFiles 10000
MaxScanTime 30000
AlertExceedsMax yes
AlertEncrypted yes
AlertOLE2Macros yes
CONF
    cat > "$C/clamav-milter.conf" <<CONF
MilterSocket unix:$C/clamav-milter.sock
MilterSocketGroup postfix
MilterSocketMode 660
FixStaleSocket yes
User clamav
Foreground yes
PidFile $C/clamav-milter.pid
ClamdSocket unix:$C/clamd.sock
TemporaryDirectory $T/clamd
MaxFileSize 100M
OnClean Accept
OnInfected Reject
OnFail Defer
AddHeader No
LogFile $C/clamav-milter.log
LogTime yes
LogClean Basic
LogInfected Basic
CONF
    chown -R clamav:clamav "$C" "$T/clamd"
    chmod 0755 "$C"
    clamd -c "$C/clamd.conf" > "$C/clamd.out" 2>&1 &
    clamd=$!
    wait_sock "$C/clamd.sock" "$clamd" 30
    if [ -S "$C/clamd.sock" ]; then
        clamav-milter -c "$C/clamav-milter.conf" > "$C/clamav-milter.out" 2>&1 &
        clamilter=$!
        wait_sock "$C/clamav-milter.sock" "$clamilter" 10
        [ -S "$C/clamav-milter.sock" ] && CLAM=1
    fi
    [ $CLAM = 1 ] || not_measured clamav "clamd or clamav-milter did not start: $(log_tail "$C"/*.out "$C"/*.log)"
else
    not_measured clamav "no clamd/clamav-milter (Debian clamav-daemon, clamav-milter; tools/deps.sh bench)"
fi

# MIMEDefang doing text mode's job (bench/mimedefang-filter) with the same
# clamd: its multiplexor and milter, private to this run; MD=1 once both listen
MDEF=0
if [ $CLAM = 1 ] && command -v mimedefang >/dev/null && command -v mimedefang-multiplexor >/dev/null; then
    mkdir -p "$MD/run"
    # the multiplexor runs a program with no arguments of ours: this one
    # names the filter and clamd's socket
    # a copy of the filter: its user may not reach the source tree
    cp bench/mimedefang-filter "$MD/mimedefang-filter"
    cat > "$MD/filter.sh" <<EOF
#!/bin/sh
MUGAI_CLAMD_SOCK=$C/clamd.sock exec /usr/bin/mimedefang.pl -f $MD/mimedefang-filter "\$@"
EOF
    chmod 0755 "$MD/filter.sh"
    chown -R clamav:clamav "$MD" "$T/mimedefang"
    # workers: as many as the 20 sessions can use, started ahead; a
    # request that finds them all busy (one is recycled every 500
    # requests) waits in the queue instead of being tempfailed
    mimedefang-multiplexor -D -U clamav -s "$MD/run/mx.sock" -f "$MD/filter.sh" \
        -z "$T/mimedefang" -m 4 -x 20 -q 100 -Q 60 -t "$MD/stats" -u > "$MD/mx.out" 2>&1 &
    mdmx=$!
    wait_sock "$MD/run/mx.sock" "$mdmx" 10
    # -q: a connection that finds every worker busy waits in the
    # multiplexor's queue instead of being tempfailed at CONNECT
    mimedefang -D -X -q -U clamav -p "unix:$MD/run/md.sock" -m "$MD/run/mx.sock" \
        -z "$T/mimedefang" > "$MD/md.out" 2>&1 &
    mdmilter=$!
    wait_sock "$MD/run/md.sock" "$mdmilter" 10
    if [ -S "$MD/run/md.sock" ]; then
        chmod 0666 "$MD/run/md.sock"	# Postfix's cleanup and smtpd connect
        MDEF=1
    else
        not_measured mimedefang "MIMEDefang did not start: $(log_tail "$MD"/*.out)"
    fi
elif [ $CLAM = 1 ]; then
    not_measured mimedefang "no MIMEDefang (Debian mimedefang; tools/deps.sh bench)"
else
    not_measured mimedefang "it scans with the bench's clamd, which did not start"
fi

# the floor: a milter that receives everything and does nothing
NULLM=0
if [ -x "$NULL_MILTER" ]; then
    mkdir -p "$B/null/run"
    chown "$owner" "$B/null/run"
    # a copy its user can execute, wherever the source tree is
    install -m 0755 "$NULL_MILTER" "$B/null/mugai-null-milter"
    runuser -u "${owner%%:*}" -- "$B/null/mugai-null-milter" "unix:$B/null/run/null.sock" > "$B/null/out" 2>&1 &
    null=$!
    wait_sock "$B/null/run/null.sock" "$null" 10
    [ -S "$B/null/run/null.sock" ] && NULLM=1
fi
[ $NULLM = 1 ] || not_measured null "no do-nothing milter ($NULL_MILTER) or it did not start: $(log_tail "$B/null/out")"

smtp-sink -u postfix 127.0.0.1:$SINK_PORT 1000 &
sink=$!
sleep 0.5

# queue_empty - no mail left in the gateway's queue
queue_empty() {
    [ "$(find "$1/postfix-gw/queue/incoming" "$1/postfix-gw/queue/active" \
        "$1/postfix-gw/queue/deferred" -type f 2>/dev/null | wc -l)" = 0 ]
}

# percentiles - p50 and p99 of numbers on stdin, as "p50 p99"
percentiles() {
    sort -n | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "- -"; exit }
        i50 = int(NR * 0.50 + 0.5); if (i50 < 1) i50 = 1
        i99 = int(NR * 0.99 + 0.5); if (i99 < 1) i99 = 1; if (i99 > NR) i99 = NR
        print v[i50], v[i99] }'
}

# port - the SMTP port of a mode's gateway
port() {
    case $1 in
    nomilter) echo 10325 ;; milter) echo 10327 ;; clamav) echo 10328 ;; mimedefang) echo 10329 ;;
    null) echo 10330 ;;
    esac
}

# answers - whether MODE's gateway takes a test mail (250) and passes it
# on (its queue empties); else the reason on stdout
answers() {
    reply=$(python3 - "$(port "$1")" "$B/text.eml" <<'PY'
import smtplib, sys
try:
    s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=60)
    s.sendmail("sender@example.com", ["check@lgwan.test"], open(sys.argv[2], "rb").read())
    s.quit()
    print(250)
except smtplib.SMTPResponseException as e:
    print(e.smtp_code, e.smtp_error.decode(errors="replace"))
except (OSError, smtplib.SMTPException) as e:
    print("no SMTP answer:", e)
PY
)
    case $reply in
    250) ;;
    *) echo "a test mail was answered: $reply"; return 1 ;;
    esac
    n=0
    while ! queue_empty "$B/$1" && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
    queue_empty "$B/$1" || { echo "a test mail stayed in the gateway's queue"; return 1; }
}

# hint - what a mode's program says about itself when it failed a test
# mail: its log, or for MIMEDefang (which logs to syslog) its filter test
hint() {
    case $1 in
    milter) echo "; $(log_tail "$B/log/mugai-milter.log")" ;;
    clamav) echo "; $(log_tail "$C/clamav-milter.log" "$C/clamd.log")" ;;
    mimedefang)
        t=$(cd "$MD" && runuser -u clamav -- /usr/bin/mimedefang.pl \
            -f "$MD/mimedefang-filter" -test 2>&1 | head -n 1 | cut -c1-200)
        echo "; mimedefang.pl -test: $t" ;;
    esac
}

# drop - MODE out of MODES
drop() {
    MODES=$(echo " $MODES " | sed "s/ $1 / /; s/^ *//; s/ *$//")
    case $1 in null) NULLM=0 ;; clamav) CLAM=0 ;; mimedefang) MDEF=0 ;; esac
}

# run_one - mode, mail, count: one round; appends messages/s to $B/MODE-MAIL.rates
run_one() {
    case " $MODES " in *" $1 "*) ;; *) return 0 ;; esac
    dir=$B/$1
    t0=$(date +%s.%N)
    if ! smtp-source -s 20 -m "$3" -N -f sender@example.com -t bench@lgwan.test \
        -M client.test -F "$B/$2.eml" "127.0.0.1:$(port "$1")" 2> "$B/source.err"; then
        not_measured "$1" "failed during the run: $(log_tail "$B/source.err")"
        drop "$1"
        return 0
    fi
    t1=$(date +%s.%N)
    n=0
    while ! queue_empty "$dir" && [ $n -lt 600 ]; do sleep 0.2; n=$((n + 1)); done
    sleep 0.5
    echo "$3 $t0 $t1" | awk '{ printf "%.1f\n", $1 / ($3 - $2) }' >> "$B/$1-$2.rates"
}

# summarize - mode, mail: "msgs/s p50 p99" into $B/MODE-MAIL: the mean rate
#	of the rounds, and the time before the queue manager over all of them
#	(Postfix's delays a, ms)
summarize() {
    rate=$(awk '{ s += $1 } END { printf "%.1f", s / NR }' "$B/$1-$2.rates")
    lat=$(sed -n 's/.*delays=\([0-9.]*\)\/.*/\1/p' "$B/$1/log/postfix-gw.log" \
        | awk '{ print $1 * 1000 }' | percentiles)
    echo "$rate $lat" > "$B/$1-$2"
}

MODES="nomilter milter"
[ $NULLM = 1 ] && MODES="$MODES null"
[ $CLAM = 1 ] && MODES="$MODES clamav"
[ $MDEF = 1 ] && MODES="$MODES mimedefang"
# the gateway with mugai-milter first: gateway.sh starts the milter with it
for m in milter nomilter null clamav mimedefang; do
    case " $MODES " in *" $m "*) ;; *) continue ;; esac
    mkdir -p "$B/$m"
    if [ $m = milter ]; then nom=0; else nom=1; fi
    MUGAI_GW_DIR=$B/$m MUGAI_CONF=$B/mugai.conf MUGAI_NO_MILTER=$nom \
        MUGAI_SMTP_PORT=$(port $m) sh tools/gateway.sh start >/dev/null
    # gateway.sh starts only mugai-milter: point the others at theirs
    other=
    [ $m = clamav ] && other=unix:$C/clamav-milter.sock
    [ $m = mimedefang ] && other=unix:$MD/run/md.sock
    [ $m = null ] && other=unix:$B/null/run/null.sock
    if [ -n "$other" ]; then
        postconf -c "$B/$m/postfix-gw/etc" -e "smtpd_milters = $other"
        postfix -c "$B/$m/postfix-gw/etc" reload >/dev/null 2>&1
        sleep 1
    fi
done
# each gateway must do its job once before it is measured
for m in $MODES; do
    if ! why_not=$(answers "$m"); then
        [ "$m" = nomilter ] && { echo "bench: Postfix alone fails: $why_not; see $B/nomilter/log" >&2; exit 1; }
        not_measured "$m" "$why_not$(hint "$m")"
        drop "$m"
    fi
done
for w in $MAILS; do
    name=${w%%:*}; count=$(( ${w##*:} * SCALE ))
    : > "$B/log/mugai-milter.log"
    [ $CLAM = 1 ] && : > "$C/clamav-milter.log"
    [ $MDEF = 1 ] && : > "$MD/stats"
    for m in $MODES; do : > "$B/$m/log/postfix-gw.log"; done
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        for m in $MODES; do run_one "$m" "$name" "$count"; done
        r=$((r + 1))
    done
    for m in $MODES; do [ -s "$B/$m-$name.rates" ] && summarize "$m" "$name"; done
    sed -n 's/.* ms=\([0-9]*\).*/\1/p' "$B/log/mugai-milter.log" | percentiles > "$B/ms-$name"
    sed -n 's/.* engine_ms=\([0-9]*\).*/\1/p' "$B/log/mugai-milter.log" | percentiles > "$B/ems-$name"
    bad=$(grep -c "verdict=" "$B/log/mugai-milter.log" || true)
    ok=$(grep -c "verdict=sanitized" "$B/log/mugai-milter.log" || true)
    echo "$ok/$bad" > "$B/ok-$name"
    if [ $CLAM = 1 ]; then
        # LogClean/LogInfected Basic: one line per message clamd answered
        all=$(grep -c -E 'Clean message from|infected by' "$C/clamav-milter.log" || true)
        ok=$(grep -c 'Clean message from' "$C/clamav-milter.log" || true)
        echo "$ok/$all" > "$B/cok-$name"
    fi
    [ $NULLM = 1 ] && echo "-" > "$B/nullok-$name"
    if [ $MDEF = 1 ]; then
        # the multiplexor's statistics: one StartFilter line per message
        all=$(grep -c 'StartFilter' "$MD/stats" || true)
        echo "$all" > "$B/mdok-$name"
    fi
done
pid=$(cat "$B/run/mugai-milter.pid" 2>/dev/null || true)
rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/${pid:-0}/status" 2>/dev/null || true)
if [ $CLAM = 1 ]; then
    crss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$clamd/status")
    [ $MDEF = 1 ] && mdrss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$mdmilter/status")
    cmrss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$clamilter/status")
fi
for m in nomilter milter null clamav mimedefang; do
    [ -d "$B/$m/postfix-gw" ] || continue
    MUGAI_GW_DIR=$B/$m MUGAI_CONF=$B/mugai.conf sh tools/gateway.sh stop >/dev/null
done

# label - the table's name of a mail
label() {
    case $1 in
    text) echo "4 KB text" ;; html) echo "60 KB HTML" ;; attach) echo "1 MB attachment" ;;
    docx) echo "1 MB docx" ;; pdf) echo "5 MB PDF" ;; zip) echo "zip 100 files" ;; *) echo "$1" ;;
    esac
}

echo
echo "SMTP benchmark: smtp-source (20 sessions) -> Postfix gateway -> smtp-sink, $(nproc) CPUs,"
echo "modes taking turns, mean of $ROUNDS rounds each; total messages: count x $ROUNDS per mode;"
if [ $TMPFS = 1 ]; then
    echo "scan temporary files on a private tmpfs: mugai [scan] temp_dir, clamd's TemporaryDirectory, MIMEDefang's spool"
else
    echo "scan temporary files on disk (no tmpfs could be mounted)"
fi
printf '%-16s %11s %9s %6s %15s %15s %13s %13s %10s\n' MAIL "no-milter/s" "milter/s" ratio \
    "before-qmgr ms" "before-qmgr ms" "milter ms" "engine ms" sanitized
printf '%-16s %11s %9s %6s %15s %15s %13s %13s %10s\n' "" "" "" "" "no milter" "with milter" \
    "p50/p99" "p50/p99" ""
for w in $MAILS; do
    name=${w%%:*}
    set -- $(cat "$B/nomilter-$name")
    base=$1 bl50=$2 bl99=$3
    if [ ! -f "$B/milter-$name" ]; then
        printf '%-16s %11s %9s\n' "$(label "$name")" "$base" -
        continue
    fi
    set -- $(cat "$B/milter-$name")
    with=$1 ml50=$2 ml99=$3
    set -- $(cat "$B/ems-$name")
    eng="$1/$2"
    set -- $(cat "$B/ms-$name")
    ratio=$(echo "$with $base" | awk '{ printf "%.0f%%", 100 * $1 / $2 }')
    printf '%-16s %11s %9s %6s %15s %15s %13s %13s %10s\n' "$(label "$name")" "$base" "$with" \
        "$ratio" "$bl50/$bl99" "$ml50/$ml99" "$1/$2" "$eng" "$(cat "$B/ok-$name")"
done
echo "mugai-milter peak RSS: ${rss:-?}"
why milter

# compare - the table of another milter against the ceiling and mugai:
#	compare MODE RAN(1/0) COUNTS-FILE-PREFIX COUNTS-HEADING
compare() {
    printf '%-16s %11s %12s %6s %15s %9s %13s %10s\n' MAIL "no-milter/s" "$1/s" ratio \
        "before-qmgr ms" "mugai/s" "mugai/other" "$4"
    for w in $MAILS; do
        name=${w%%:*}
        base=$(cut -d' ' -f1 "$B/nomilter-$name")
        with=$(cut -d' ' -f1 "$B/milter-$name" 2>/dev/null || echo -)
        if [ "$2" = 1 ] && [ -f "$B/$1-$name" ]; then
            read -r o o50 o99 < "$B/$1-$name"
            ratio=$(echo "$o $base" | awk '{ printf "%.0f%%", 100 * $1 / $2 }')
            vs=$(echo "$with $o" | awk '$1 == "-" { print "-"; next } { printf "%.2fx", $1 / $2 }')
            ok=$(cat "$B/$3-$name")
        else
            o=- o50=- o99=- ratio=- vs=- ok=-
        fi
        printf '%-16s %11s %12s %6s %15s %9s %13s %10s\n' "$(label "$name")" "$base" "$o" \
            "$ratio" "$o50/$o99" "$with" "$vs" "$ok"
    done
}

echo
echo "The floor: mugai-null-milter, which receives every event and does nothing, same run"
compare null "$NULLM" nullok "-"
why null

echo
echo "clamav-milter + clamd (same signatures, mugai's [scan] limits), same run"
compare clamav "$CLAM" cok clean
why clamav
echo "clamd peak RSS: ${crss:-?}  clamav-milter peak RSS: ${cmrss:-?}"

echo
echo "MIMEDefang doing text mode's job (bench/mimedefang-filter: clamd scan, HTML to text,"
echo "other parts removed, Subject tag), same clamd, same run"
compare mimedefang "$MDEF" mdok filtered
why mimedefang
echo "mimedefang milter peak RSS: ${mdrss:-?} (its Perl workers are separate processes)"
