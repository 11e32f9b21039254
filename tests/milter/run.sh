#!/bin/sh
# NAME
#	run.sh - the miltertest scenarios of mugai-milter, one per feature
# SYNOPSIS
#	tests/milter/run.sh MILTER FAULT_MILTER
# DESCRIPTION
#	For each tests/milter/t-NAME.lua: a private directory with spool,
#	pid file and log; a config made of t-NAME.conf (if any) plus those
#	runtime settings and a loopback port; mugai-milter started in the
#	foreground (t-tempfail runs FAULT_MILTER with MUGAI_FAULT=tempfail,
#	t-stuck with an engine that hangs: 4xx in time, then the daemon
#	exits 70 for its supervisor);
#	miltertest runs the script; the milter is stopped and its spool
#	must be empty. Each run has a private vault and a copy of the test
#	signatures (the milter's user may not reach the source tree); after
#	t-virus the refused original must be in it under the vault ID of the
#	log line. t-badconfig checks that a config with errors stops the
#	daemon from starting, with every error named FILE:LINE; t-baduser
#	that a config the start refuses ([milter] user = root, an unknown
#	user or group) is refused by -n too, with the same reason.
#	Everything started is stopped on exit; each step has a timeout.
set -u
MILTER=${1:-build/mugai-milter}
FAULT=${2:-build/tests/mugai-milter-fault}
DIR=tests/milter
PORT=${MUGAI_MT_PORT:-10140}
OWNER=$(sh tools/gateway.sh user)
# one run at a time: the ports are shared
exec 9>/tmp/mugai-test-milter.lock
flock -w 600 9 || { echo "milter: another run holds /tmp/mugai-test-milter.lock"; exit 1; }
fail=0
pid=

cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    [ -n "${tmp:-}" ] && rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# make_conf - t-NAME.conf plus the runtime settings into $tmp/mugai.conf
make_conf() {
    { [ -f "$DIR/$1.conf" ] && cat "$DIR/$1.conf"
      printf '[general]\nspool_dir = %s/spool\n' "$tmp"
      printf '[scan]\ndatabase_dir = %s/signatures\nmax_database_age = 0s\n' "$tmp"
      printf '[milter]\nsocket = inet:%s@127.0.0.1\npid_file = %s/run/milter.pid\nlog = %s/milter.log\n' \
          "$PORT" "$tmp" "$tmp"
      # a private vault, created at start for the milter's user
      printf '[vault]\ndir = %s/vault\naudit_log = %s/audit/audit.log\nowner = %s\ngroup = %s\n' \
          "$tmp" "$tmp" "${OWNER%%:*}" "${OWNER#*:}"
    } > "$tmp/mugai.conf"
}

for t in ${MT_ONLY:-"$DIR"/t-*.lua}; do
    name=$(basename "$t" .lua)
    tmp=$(mktemp -d /tmp/mugai-mt-XXXXXX)
    chmod 0755 "$tmp"
    mkdir -p "$tmp/spool" "$tmp/run"
    chown "$OWNER" "$tmp/spool" "$tmp/run"
    # the milter reads them after dropping root: a copy where its user
    # can reach it, wherever the source tree is
    cp -R samples/test-signatures "$tmp/signatures"
    chmod -R a+rX "$tmp/signatures"
    make_conf "$name"
    bin=$MILTER
    fault=
    [ "$name" = t-tempfail ] && { bin=$FAULT; fault=tempfail; }
    [ "$name" = t-stuck ] && { bin=$FAULT; fault=slow:600000; }
    MUGAI_FAULT=$fault "$bin" -f -c "$tmp/mugai.conf" 2>"$tmp/stderr" &
    pid=$!
    [ -z "$fault" ] && unset MUGAI_FAULT
    if MT_DIR=$DIR MT_PORT=$PORT timeout 60 miltertest -s "$t" >"$tmp/out" 2>&1; then
        result=ok
    else
        result=FAIL
    fi
    # t-stuck: the daemon leaves by itself, for its supervisor to restart it
    if [ "$name" = t-stuck ] && [ "$result" = ok ]; then
        n=0
        while [ $n -lt 100 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
        if kill -0 "$pid" 2>/dev/null; then
            result="FAIL (still running with a stuck engine)"
        else
            wait "$pid"; rc=$?
            [ "$rc" = 70 ] && grep -q "ENGINE STUCK" "$tmp/milter.log" \
                || result="FAIL (exit $rc, expected 70 and ENGINE STUCK)"
        fi
        # a stuck engine holds its spool copy until the exit; then it is gone
    fi
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
    left=$(find "$tmp/spool" -type f | wc -l)
    [ "$left" = 0 ] || result="FAIL (spool not empty)"
    # t-virus: the refused original is in the vault under the logged ID
    if [ "$name" = t-virus ] && [ "$result" = ok ]; then
        id=$(sed -n 's/.*verdict=reject.* vault=\([0-9A-Z-]*\).*/\1/p' "$tmp/milter.log" | tail -n 1)
        if [ -z "$id" ] || ! grep -q "virus=Mugai.Test.EICAR" "$tmp/milter.log"; then
            result="FAIL (no vault=/virus= in the log line)"
        elif ! "$(dirname "$MILTER")/mugai" quarantine -c "$tmp/mugai.conf" show "$id" >"$tmp/show" 2>&1 \
            || ! grep -q "Mugai.Test.EICAR" "$tmp/show"; then
            result="FAIL (vault item $id not found)"
        fi
    fi
    # a build with sanitizers reports on stderr
    if grep -q -e "Sanitizer" -e "runtime error" "$tmp/stderr"; then
        result="FAIL (sanitizer report)"
    fi
    echo "milter $name: $result"
    if [ "$result" != ok ]; then
        fail=1
        cat "$tmp/out" "$tmp/stderr" "$tmp/milter.log" 2>/dev/null | sed 's/^/    /'
    fi
    rm -rf "$tmp"
    tmp=
    PORT=$((PORT + 1))
done

# t-badconfig: errors reported, nothing started
tmp=$(mktemp -d /tmp/mugai-mt-XXXXXX)
printf '[limits]\nmax_parts = lots\n[milter]\nsocket = inet:%s@127.0.0.1\nsocket2 = x\n' "$PORT" > "$tmp/bad.conf"
timeout 10 "$MILTER" -f -c "$tmp/bad.conf" >"$tmp/out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "bad.conf:2: max_parts: invalid value 'lots'" "$tmp/out" \
    && grep -q "bad.conf:5: unknown key 'socket2' in \[milter\]" "$tmp/out" \
    && grep -q "not started" "$tmp/out" \
    && ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$PORT),1)" 2>/dev/null; then
    echo "milter t-badconfig: ok"
else
    echo "milter t-badconfig: FAIL (exit $rc)"
    sed 's/^/    /' "$tmp/out"
    fail=1
fi
rm -rf "$tmp"
tmp=

# t-baduser: what the start refuses as root, -n refuses too, same reason
tmp=$(mktemp -d /tmp/mugai-mt-XXXXXX)
result=ok
for bad in "user = root|refusing to run as root" \
    "user = mugai-no-such-user|unknown user 'mugai-no-such-user'" \
    "group = mugai-no-such-group|unknown group 'mugai-no-such-group'" \
    "socket_group = mugai-no-such-group|unknown group 'mugai-no-such-group'"; do
    printf '[general]\nspool_dir = %s\n[milter]\nsocket = inet:%s@127.0.0.1\npid_file = %s/pid\nlog = %s/log\n%s\n' \
        "$tmp" "$PORT" "$tmp" "$tmp" "${bad%%|*}" > "$tmp/u.conf"
    timeout 10 "$MILTER" -n -c "$tmp/u.conf" >"$tmp/n.out" 2>&1
    nrc=$?
    timeout 10 "$MILTER" -f -c "$tmp/u.conf" >"$tmp/s.out" 2>&1
    src=$?
    if [ "$nrc" != 1 ] || [ "$src" != 1 ] || ! grep -q "${bad#*|}" "$tmp/n.out" \
        || ! grep -q "${bad#*|}" "$tmp/s.out" \
        || python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT),1)" 2>/dev/null; then
        result="FAIL (${bad%%|*}: -n exit $nrc, start exit $src)"
        sed 's/^/    -n: /' "$tmp/n.out"
        sed 's/^/    start: /' "$tmp/s.out"
    fi
done
echo "milter t-baduser: $result"
[ "$result" = ok ] || fail=1
rm -rf "$tmp"
tmp=
exit $fail
