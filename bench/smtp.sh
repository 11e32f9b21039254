#!/bin/sh
# NAME
#	smtp.sh - SMTP throughput of the gateway: no milter, mugai-milter, clamav-milter
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
#	clamd and clamav-milter (Debian packages clamav-daemon and
#	clamav-milter) are started here, as user clamav, with private
#	configs, sockets and logs under the bench directory and a database
#	directory holding only a copy of samples/test-signatures: no
#	freshclam, no network, and the system's ClamAV services and
#	/etc/clamav are left alone. Their limits are mugai's [scan]
#	defaults. Without those programs the clamav-milter columns say "-".
#	A benchmark, not a test: nothing fails on speed.
# ENVIRONMENT
#	BENCH_SCALE  multiply the message counts (default 1)
#	MUGAI_BENCH  mugai-bench, which writes the .docx, PDF and zip mails
#	             (default build/mugai-bench; without it they are skipped)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MILTER=${1:-build/mugai-milter}
BENCH=${MUGAI_BENCH:-build/mugai-bench}
B=$ROOT/var/bench-smtp
C=$B/clamd
SCALE=${BENCH_SCALE:-1}
SINK_PORT=10336
export MUGAI_SMTP_PORT=10325 MUGAI_RELAY=127.0.0.1:$SINK_PORT MUGAI_MILTER=$ROOT/$MILTER
sink= clamd= clamilter=

# stop_pid - end a process this script started, and reap it
stop_pid() {
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || return 0
    n=0
    while kill -0 "$1" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

cleanup() {
    for m in nomilter milter clamav; do
        MUGAI_GW_DIR=$B/$m MUGAI_CONF=$B/mugai.conf sh tools/gateway.sh stop >/dev/null 2>&1 || true
    done
    stop_pid "$clamilter"
    stop_pid "$clamd"
    stop_pid "$sink"
    # the originals the milter kept (hundreds of MB); logs stay for reading
    rm -rf "$B/vault" "$B/audit"
    return 0
}
mkdir -p "$ROOT/var"
exec 9>/tmp/mugai-bench-smtp.lock
flock -w 1200 9 || { echo "bench: another run holds /tmp/mugai-bench-smtp.lock" >&2; exit 1; }
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -rf "$B"
mkdir -p "$B/run" "$B/log" "$B/spool"
# every path private to the bench, the vault and its audit log too:
# text mode keeps each original with an attachment, and the demo's
# vault must not fill with bench mail
sed -e "s|^spool_dir = .*|spool_dir = $B/spool|" \
    -e "s|^socket = .*|socket = unix:$B/run/mugai-milter.sock|" \
    -e "s|^pid_file = .*|pid_file = $B/run/mugai-milter.pid|" \
    -e "s|^log = .*|log = $B/log/mugai-milter.log|" \
    -e "s|^dir = .*|dir = $B/vault|" \
    -e "s|^audit_log = .*|audit_log = $B/audit/audit.log|" \
    samples/mugai.conf > "$B/mugai.conf"
grep -q "^dir = $B/vault" "$B/mugai.conf" && grep -q "^audit_log = $B/audit/" "$B/mugai.conf" || {
    echo "bench: samples/mugai.conf has no [vault] dir/audit_log line to redirect" >&2
    exit 1
}
# the milter, no longer root, writes the audit log's head file next to it
owner=$(MUGAI_CONF=$B/mugai.conf sh tools/gateway.sh user)
mkdir -p "$B/audit"
chown "$owner" "$B/audit"
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

# clamd and clamav-milter, private to this run; CLAM=1 once both listen
CLAM=0
if command -v clamd >/dev/null && command -v clamav-milter >/dev/null &&
    getent passwd clamav >/dev/null; then
    mkdir -p "$C/db" "$C/tmp"
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
TemporaryDirectory $C/tmp
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
TemporaryDirectory $C/tmp
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
    chown -R clamav:clamav "$C"
    chmod 0755 "$C"
    clamd -c "$C/clamd.conf" > "$C/clamd.out" 2>&1 &
    clamd=$!
    n=0
    while [ ! -S "$C/clamd.sock" ] && kill -0 "$clamd" 2>/dev/null && [ $n -lt 150 ]; do
        sleep 0.2; n=$((n + 1))
    done
    if [ -S "$C/clamd.sock" ]; then
        clamav-milter -c "$C/clamav-milter.conf" > "$C/clamav-milter.out" 2>&1 &
        clamilter=$!
        n=0
        while [ ! -S "$C/clamav-milter.sock" ] && kill -0 "$clamilter" 2>/dev/null &&
            [ $n -lt 50 ]; do
            sleep 0.2; n=$((n + 1))
        done
        [ -S "$C/clamav-milter.sock" ] && CLAM=1
    fi
    [ $CLAM = 1 ] || echo "bench: clamd or clamav-milter did not start; see $C/" >&2
else
    echo "bench: no clamd/clamav-milter (Debian clamav-daemon, clamav-milter): skipped" >&2
fi

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

# run_one - mode, mail, count: prints "msgs/s p50 p99" (ms before qmgr)
run_one() {
    dir=$B/$1
    : > "$dir/log/postfix-gw.log"
    t0=$(date +%s.%N)
    smtp-source -s 20 -m "$3" -N -f sender@example.com -t bench@lgwan.test \
        -M client.test -F "$B/$2.eml" 127.0.0.1:10325
    t1=$(date +%s.%N)
    n=0
    while ! queue_empty "$dir" && [ $n -lt 600 ]; do sleep 0.2; n=$((n + 1)); done
    sleep 0.5
    rate=$(echo "$3 $t0 $t1" | awk '{ printf "%.1f", $1 / ($3 - $2) }')
    lat=$(sed -n 's/.*delays=\([0-9.]*\)\/.*/\1/p' "$dir/log/postfix-gw.log" \
        | awk '{ print $1 * 1000 }' | percentiles)
    echo "$rate $lat"
}

MODES="nomilter milter"
[ $CLAM = 1 ] && MODES="$MODES clamav"
for m in $MODES; do
    dir=$B/$m
    mkdir -p "$dir"
    if [ $m = milter ]; then nom=0; else nom=1; fi
    MUGAI_GW_DIR=$dir MUGAI_CONF=$B/mugai.conf MUGAI_NO_MILTER=$nom \
        sh tools/gateway.sh start >/dev/null
    if [ $m = clamav ]; then
        # gateway.sh starts only mugai-milter: point its running gateway at clamav-milter
        postconf -c "$dir/postfix-gw/etc" -e "smtpd_milters = unix:$C/clamav-milter.sock"
        postfix -c "$dir/postfix-gw/etc" reload >/dev/null 2>&1
        sleep 1
    fi
    for w in $MAILS; do
        name=${w%%:*}; count=$(( ${w##*:} * SCALE ))
        : > "$B/log/mugai-milter.log"
        set -- $(run_one "$m" "$name" "$count")
        echo "$1 $2 $3" > "$B/$m-$name"
        if [ $m = milter ]; then
            sed -n 's/.* ms=\([0-9]*\).*/\1/p' "$B/log/mugai-milter.log" | percentiles > "$B/ms-$name"
            sed -n 's/.* engine_ms=\([0-9]*\).*/\1/p' "$B/log/mugai-milter.log" | percentiles > "$B/ems-$name"
            bad=$(grep -c "verdict=" "$B/log/mugai-milter.log" || true)
            ok=$(grep -c "verdict=sanitized" "$B/log/mugai-milter.log" || true)
            echo "$ok/$bad" > "$B/ok-$name"
        elif [ $m = clamav ]; then
            # LogClean/LogInfected Basic: one line per message clamd answered
            all=$(grep -c -E 'Clean message from|infected by' "$C/clamav-milter.log" || true)
            ok=$(grep -c 'Clean message from' "$C/clamav-milter.log" || true)
            echo "$ok/$all" > "$B/cok-$name"
            : > "$C/clamav-milter.log"
        fi
    done
    if [ $m = milter ]; then
        pid=$(cat "$B/run/mugai-milter.pid")
        rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status")
    elif [ $m = clamav ]; then
        crss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$clamd/status")
        cmrss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$clamilter/status")
    fi
    MUGAI_GW_DIR=$dir MUGAI_CONF=$B/mugai.conf sh tools/gateway.sh stop >/dev/null
done

# label - the table's name of a mail
label() {
    case $1 in
    text) echo "4 KB text" ;; html) echo "60 KB HTML" ;; attach) echo "1 MB attachment" ;;
    docx) echo "1 MB docx" ;; pdf) echo "5 MB PDF" ;; zip) echo "zip 100 files" ;; *) echo "$1" ;;
    esac
}

echo
echo "SMTP benchmark: smtp-source (20 sessions) -> Postfix gateway -> smtp-sink, $(nproc) CPUs"
printf '%-16s %11s %9s %6s %15s %15s %13s %13s %10s\n' MAIL "no-milter/s" "milter/s" ratio \
    "before-qmgr ms" "before-qmgr ms" "milter ms" "engine ms" sanitized
printf '%-16s %11s %9s %6s %15s %15s %13s %13s %10s\n' "" "" "" "" "no milter" "with milter" \
    "p50/p99" "p50/p99" ""
for w in $MAILS; do
    name=${w%%:*}
    set -- $(cat "$B/nomilter-$name")
    base=$1 bl50=$2 bl99=$3
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

echo
echo "clamav-milter + clamd (same signatures, mugai's [scan] limits), same run"
printf '%-16s %11s %9s %6s %15s %9s %12s %10s\n' MAIL "no-milter/s" "clamav/s" ratio \
    "before-qmgr ms" "mugai/s" "mugai/clamav" clean
for w in $MAILS; do
    name=${w%%:*}
    set -- $(cat "$B/nomilter-$name")
    base=$1
    set -- $(cat "$B/milter-$name")
    with=$1
    if [ $CLAM = 1 ]; then
        set -- $(cat "$B/clamav-$name")
        cl=$1 cl50=$2 cl99=$3
        ratio=$(echo "$cl $base" | awk '{ printf "%.0f%%", 100 * $1 / $2 }')
        vs=$(echo "$with $cl" | awk '{ printf "%.2fx", $1 / $2 }')
        ok=$(cat "$B/cok-$name")
    else
        cl=- cl50=- cl99=- ratio=- vs=- ok=-
    fi
    printf '%-16s %11s %9s %6s %15s %9s %12s %10s\n' "$(label "$name")" "$base" "$cl" "$ratio" \
        "$cl50/$cl99" "$with" "$vs" "$ok"
done
echo "clamd peak RSS: ${crss:-?}  clamav-milter peak RSS: ${cmrss:-?}"
