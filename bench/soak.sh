#!/bin/sh
# NAME
#	soak.sh - mugai-milter through many mixed mails; is its memory flat?
# SYNOPSIS
#	bench/soak.sh [MILTER]
# DESCRIPTION
#	Starts MILTER (build/mugai-milter) in the foreground with
#	samples/mugai.conf and every path private (spool, socket, log, vault,
#	audit log, temporary files under a directory removed at exit), runs
#	bench/soak.py against it (BENCH_SOAK mails, 100000 by default, over 4
#	sessions) and prints its resident set over time and whether it stays
#	flat (exit 1 when it grows). The milter is stopped at the end.
# ENVIRONMENT
#	BENCH_SOAK   number of mails (e.g. 2000 for a quick run)
#	SOAK_STDERR  keep the milter's stderr in this file (a sanitizer build's reports)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MILTER=${1:-build/mugai-milter}
N=${BENCH_SOAK:-100000}
B=$(mktemp -d /tmp/mugai-soak.XXXXXX)
chmod 0755 "$B"
pid=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$B"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
sed -e "s|^spool_dir = .*|spool_dir = $B/spool|" \
    -e "s|^socket = .*|socket = unix:$B/run/milter.sock|" \
    -e "s|^pid_file = .*|pid_file = $B/run/milter.pid|" \
    -e "s|^log = .*|log = $B/milter.log|" \
    -e "s|^dir = .*|dir = $B/vault|" \
    -e "s|^audit_log = .*|audit_log = $B/audit/audit.log|" \
    -e "s|^temp_dir = .*|temp_dir = $B/tmp|" \
    -e "s|^database_dir = .*|database_dir = $ROOT/samples/test-signatures|" \
    samples/mugai.conf > "$B/mugai.conf"
owner=$(MUGAI_CONF=$B/mugai.conf sh tools/gateway.sh user)
mkdir -p "$B/spool" "$B/run" "$B/audit" "$B/tmp"
chown "$owner" "$B/spool" "$B/run" "$B/audit" "$B/tmp"
chmod 2750 "$B/audit"
"$MILTER" -f -c "$B/mugai.conf" 2>"${SOAK_STDERR:-$B/stderr}" &
pid=$!
n=0
while [ ! -S "$B/run/milter.sock" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
[ -S "$B/run/milter.sock" ] || { echo "soak: the milter did not start" >&2; cat "$B/stderr" >&2; exit 2; }
echo "soak: $N mails through $MILTER (pid $pid)"
start=$(date +%s)
python3 bench/soak.py "$B/run/milter.sock" "$pid" "$N"
rc=$?
echo "soak: $(( $(date +%s) - start )) s"
exit $rc
