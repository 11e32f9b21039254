#!/bin/sh
# NAME
#	bombs.sh - CPU per KB of the worst archive mails (bench/bombs.py)
# SYNOPSIS
#	bench/bombs.sh MUGAI [CONF]
# DESCRIPTION
#	Builds the mails in a private directory, runs `MUGAI sanitize -c
#	CONF` (samples/mugai.conf: the test signatures, default limits) on
#	each and prints user+system CPU seconds, the mail size and the CPU
#	milliseconds per KB of mail beyond the fixed cost of one run (start,
#	loading the signatures: samples/plain-ascii.eml); the last line names
#	the worst.
set -eu
MUGAI=$1
CONF=${2:-samples/mugai.conf}
D=$(mktemp -d /tmp/mugai-bombs.XXXXXX)
trap 'rm -rf "$D"' EXIT
python3 "$(dirname "$0")/bombs.py" "$D"
# cpu FILE - CPU seconds of one run
cpu() {
    /usr/bin/time -f '%U %S' -o "$D/time" "$MUGAI" sanitize -c "$CONF" "$1" \
        -o "$D/out" --report "$D/report.json" >/dev/null 2>&1 || true
    awk '{ printf "%.2f", $1 + $2 }' "$D/time"
}
base=$(cpu samples/plain-ascii.eml)
echo "fixed cost of one run: $base s CPU"
printf '%-16s %10s %8s %10s  %s\n' mail KB cpu_s ms_per_KB verdict
worst=0 wname=
for f in "$D"/*.eml; do
    n=$(basename "$f" .eml)
    kb=$(( ($(stat -c %s "$f") + 1023) / 1024 ))
    c=$(cpu "$f")
    per=$(awk -v c="$c" -v b="$base" -v k="$kb" 'BEGIN { printf "%.2f", (c - b) * 1000 / k }')
    v=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("verdict", "?"))' \
        "$D/report.json" 2>/dev/null || echo '?')
    printf '%-16s %10s %8s %10s  %s\n' "$n" "$kb" "$c" "$per" "$v"
    if awk -v a="$per" -v b="$worst" 'BEGIN { exit !(a > b) }'; then worst=$per; wname=$n; fi
done
echo "worst: $wname $worst ms CPU per KB of mail"
