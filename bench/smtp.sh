#!/bin/sh
# NAME
#	smtp.sh - SMTP throughput of the gateway with and without mugai-milter
# SYNOPSIS
#	bench/smtp.sh [MILTER]
# DESCRIPTION
#	In one run on loopback: smtp-source -> gateway Postfix -> smtp-sink,
#	first with no milter (the ceiling of this machine), then with
#	mugai-milter (samples/mugai.conf with bench paths), for three mails:
#	4 KB text, 60 KB HTML and a 1 MB attachment, 20 parallel sessions.
#	Prints, per mail: messages/s accepted by the gateway (SMTP DATA done,
#	milter included), the ratio to the no-milter ceiling, p50/p99 of
#	the time before the queue manager (Postfix's "delays" a, 10 ms
#	steps), p50/p99 of the milter's own time per message, and the
#	milter's peak RSS; the milter's time is from MAIL FROM to its answer
#	at end of message, the engine's the part spent in engine_run.
#	A benchmark, not a test: nothing fails on speed.
# ENVIRONMENT
#	BENCH_SCALE  multiply the message counts (default 1)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MILTER=${1:-build/mugai-milter}
B=$ROOT/var/bench-smtp
SCALE=${BENCH_SCALE:-1}
SINK_PORT=10336
export MUGAI_SMTP_PORT=10325 MUGAI_RELAY=127.0.0.1:$SINK_PORT MUGAI_MILTER=$ROOT/$MILTER
sink=

cleanup() {
    for m in nomilter milter; do
        MUGAI_GW_DIR=$B/$m MUGAI_CONF=$B/mugai.conf sh tools/gateway.sh stop >/dev/null 2>&1 || true
    done
    if [ -n "$sink" ] && kill "$sink" 2>/dev/null; then wait "$sink" 2>/dev/null || true; fi
    return 0
}
mkdir -p "$ROOT/var"
exec 9>/tmp/mugai-bench-smtp.lock
flock -w 1200 9 || { echo "bench: another run holds /tmp/mugai-bench-smtp.lock" >&2; exit 1; }
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -rf "$B"
mkdir -p "$B/run" "$B/log" "$B/spool"
sed -e "s|^spool_dir = .*|spool_dir = $B/spool|" \
    -e "s|^socket = .*|socket = unix:$B/run/mugai-milter.sock|" \
    -e "s|^pid_file = .*|pid_file = $B/run/mugai-milter.pid|" \
    -e "s|^log = .*|log = $B/log/mugai-milter.log|" \
    samples/mugai.conf > "$B/mugai.conf"

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

MAILS="text:2000 html:600 attach:60"
for m in nomilter milter; do
    dir=$B/$m
    mkdir -p "$dir"
    if [ $m = nomilter ]; then nom=1; else nom=0; fi
    MUGAI_GW_DIR=$dir MUGAI_CONF=$B/mugai.conf MUGAI_NO_MILTER=$nom \
        sh tools/gateway.sh start >/dev/null
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
        fi
    done
    if [ $m = milter ]; then
        pid=$(cat "$B/run/mugai-milter.pid")
        rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status")
    fi
    MUGAI_GW_DIR=$dir MUGAI_CONF=$B/mugai.conf sh tools/gateway.sh stop >/dev/null
done

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
    case $name in text) label="4 KB text" ;; html) label="60 KB HTML" ;; *) label="1 MB attachment" ;; esac
    printf '%-16s %11s %9s %6s %15s %15s %13s %13s %10s\n' "$label" "$base" "$with" "$ratio" \
        "$bl50/$bl99" "$ml50/$ml99" "$1/$2" "$eng" "$(cat "$B/ok-$name")"
done
echo "mugai-milter peak RSS: ${rss:-?}"
