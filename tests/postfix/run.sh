#!/bin/sh
# NAME
#	run.sh - mugai-milter in front of real Postfix: integration, load, faults
# SYNOPSIS
#	tests/postfix/run.sh [integration] [vault] [sidedoor] [load] [faults]
# DESCRIPTION
#	Starts a private gateway (tools/gateway.sh) under
#	/tmp/mugai-test-postfix (outside the source tree, which the daemons'
#	users may not be able to enter: a clone in /root) on ports 10225
#	(gateway) and 10226 (LGWAN side), with the fault-injecting daemon
#	build/tests/mugai-milter-fault (a normal mugai-milter unless the
#	file /tmp/mugai-test-postfix/fault says otherwise)
#	and samples/mugai.conf with test paths and max_message_size = 1M.
#	  integration  every samples/*.eml and tests/hostile/*.eml sent with
#	               swaks: accepted, refused 5xx or 4xx as the expectation
#	               says; an over-size mail refused 552 5.3.4; the Maildir
#	               checked decoded (tests/postfix/maildir_check.py); no
#	               spool file left open
#	  vault        the vault, `mugai quarantine`, release, a mail whose
#	               HTML text is not shown kept with its vault ID, a signature
#	               added while mail flows, `mugai audit verify`, a full
#	               vault disk (tests/postfix/phase_vault.sh); the test
#	               config uses a copy of the test signatures
#	               (database_check_interval = 1s) and a private vault
#	  sidedoor     the LGWAN side refuses every sender but the gateway's
#	               two, each with its TLS client certificate: a local
#	               user without the credentials, root without a listed
#	               certificate, releases with a bad credential
#	               (tests/postfix/phase_sidedoor.sh)
#	  load         500 mails over 20 parallel sessions with smtp-source:
#	               all arrive sanitized, none lost or duplicated
#	  faults       mugai-milter SIGKILLed during a run: refusals are 4xx
#	               only; after a restart, the sender's retry and postfix
#	               flush, every mail arrives once, sanitized. A full (or
#	               unwritable) spool, a config that cannot be read at
#	               start, and one that cannot be read at reload: tempfail
#	               or the old config, never unsanitized acceptance. An
#	               engine that hangs (slow:600000, max_message_time 2s):
#	               4xx within 2s + margin, nothing delivered, the daemon
#	               exits (ENGINE STUCK) after an overrun or at 4 stuck.
#	Every wait has a timeout; everything started is stopped on exit;
#	concurrent runs, from any tree, wait for each other (a lock in /tmp).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
T=/tmp/mugai-test-postfix
MAILDIR=$T/lgwan/Maildir
PHASES=${*:-integration vault sidedoor load faults}
export MUGAI_GW_DIR=$T MUGAI_SMTP_PORT=10225 MUGAI_LGWAN_PORT=10226
export MUGAI_CONF=$T/mugai.conf MUGAI_MILTER=$ROOT/build/tests/mugai-milter-fault
export MUGAI_FAULT_FILE=$T/fault
GWQ=$T/postfix-gw/queue
fail=0
mounted=
sidedoor_user=

say() { echo "postfix: $*"; }
bad() { echo "postfix: FAIL: $*"; fail=1; }

cleanup() {
    sh tools/gateway.sh stop >/dev/null 2>&1
    [ -n "$mounted" ] && umount "$T/spool" 2>/dev/null
    mountpoint -q "$T/vaultfull" 2>/dev/null && umount "$T/vaultfull"
    rm -f "$MUGAI_FAULT_FILE"
    vault_people_remove
    [ -n "$sidedoor_user" ] && userdel "$sidedoor_user" 2>/dev/null
}
# conf - samples/mugai.conf with the test paths (and extra sed edits)
conf() {
    sed -e "s|^spool_dir = .*|spool_dir = $T/spool|" \
        -e "s|^socket = .*|socket = unix:$T/run/mugai-milter.sock|" \
        -e "s|^pid_file = .*|pid_file = $T/run/mugai-milter.pid|" \
        -e "s|^log = .*|log = $T/log/mugai-milter.log|" \
        -e "s|^max_message_size = .*|max_message_size = 1M|" \
        -e "s|^database_dir = .*|database_dir = $T/signatures|" \
        -e "s|^database_check_interval = .*|database_check_interval = 1s|" \
        -e "s|^dir = .*|dir = $T/vault|" \
        -e "s|^audit_log = .*|audit_log = $T/audit/audit.log|" \
        -e "s|^approver_group = .*|approver_group = mugaitest-approvers|" \
        -e "s|^release_port = .*|release_port = $MUGAI_LGWAN_PORT|" \
        -e "s|^release_tls_cert = .*|release_tls_cert = $T/tls/release.crt|" \
        -e "s|^release_tls_key = .*|release_tls_key = $T/tls/release.key|" \
        -e "s|^release_tls_ca = .*|release_tls_ca = $T/tls/ca.crt|" \
        "$@" samples/mugai.conf > "$MUGAI_CONF"
}

milter_pid() { cat "$T/run/mugai-milter.pid" 2>/dev/null; }

# wait_count - until the Maildir holds N mails and the gateway queue is
# empty, at most S seconds; 0 on success
wait_count() {
    n=$1; s=$2
    while [ "$s" -gt 0 ]; do
        have=$(python3 tests/postfix/maildir_check.py count "$MAILDIR")
        queued=$(find "$GWQ/incoming" "$GWQ/active" "$GWQ/deferred" "$GWQ/maildrop" -type f 2>/dev/null | wc -l)
        [ "$have" -ge "$n" ] && [ "$queued" = 0 ] && { sleep 1; return 0; }
        sleep 1; s=$((s - 1))
    done
    return 1
}

clear_maildir() { rm -rf "$MAILDIR/new" "$MAILDIR/cur" "$MAILDIR/tmp"; }

# expected_exit - the verdict a tests/hostile file expects (0 = delivered)
expected_exit() {
    e=${1%.eml}.expect
    v=$(sed -n 's/^exit: //p' "$e" 2>/dev/null)
    echo "${v:-0}"
}

# raw_code - send file $2 as it is (swaks puts its own message in place
# of an empty file); print the SMTP code of the end of data
raw_code() {
    python3 - "$1" "$2" <<'PY'
import smtplib, sys
try:
    s = smtplib.SMTP("127.0.0.1", 10225, timeout=100)
    s.sendmail("sender@example.com", [sys.argv[1] + "@lgwan.test"], open(sys.argv[2], "rb").read())
    s.quit()
    print(250)
except smtplib.SMTPDataError as e:
    print(e.smtp_code)
except smtplib.SMTPResponseException as e:
    print(e.smtp_code)
PY
}

# swaks_code - send file $2 to $1@lgwan.test; print the final SMTP code
swaks_code() {
    timeout 120 swaks --server 127.0.0.1:10225 --from sender@example.com \
        --to "$1@lgwan.test" --data "$2" --timeout 100 2>&1 \
        | awk '/^ -> \.$/ { dot = 1; next }
               dot && /^<[-*~]/ { print $2; exit }
               /^<\*\* / { last = $2 } END { if (!dot) print last }' 
}

phase_integration() {
    names= transformed=
    for f in samples/*.eml tests/hostile/*.eml; do
        n=$(basename "$f" .eml)
        if [ -s "$f" ]; then code=$(swaks_code "$n" "$f")
        else code=$(raw_code "$n" "$f"); fi
        case $(expected_exit "$f") in
        0) want=2 ;; 2) want=5 ;; *) want=4 ;;
        esac
        case $code in
        $want*) [ "$want" = 2 ] && names="$names $n" ;;
        # Postfix itself reshapes some hostile input (it ends the header
        # block at the first line that is not a header, cuts long
        # headers): a refusal or a sanitized delivery are both fine
        250) if [ "$want" = 5 ]; then names="$names $n"; transformed="$transformed $n"
             else bad "integration: $f answered 250, expected ${want}xx"; fi ;;
        *) bad "integration: $f answered '$code', expected ${want}xx" ;;
        esac
    done
    # over the milter's max_message_size (1M): 552 5.3.4 while arriving
    python3 -c "
import sys
sys.stdout.write('From: a@example.com\r\nSubject: big\r\n\r\n' + ('x' * 998 + '\r\n') * 2000)" > "$T/big.eml"
    code=$(swaks_code big "$T/big.eml")
    [ "$code" = 552 ] || bad "integration: over-size mail answered '$code', expected 552"
    grep -q 'verdict=reject.*reason="message size exceeds the limit' "$T/log/mugai-milter.log" \
        || bad "integration: no log line for the over-size refusal"
    count=$(echo $names | wc -w)
    wait_count "$count" 60 || bad "integration: only $(python3 tests/postfix/maildir_check.py count "$MAILDIR") of $count mails arrived"
    if python3 tests/postfix/maildir_check.py samples "$MAILDIR" $names; then
        say "integration: $count mails arrived sanitized, decoded text as expected; refusals as expected"
        [ -z "$transformed" ] || say "integration: reshaped by Postfix, delivered sanitized instead of refused:$transformed"
    else
        bad "integration: Maildir check"
    fi
    pid=$(milter_pid)
    open=$(ls -l "/proc/$pid/fd" 2>/dev/null | grep -c "$T/spool")
    left=$(find "$T/spool" -type f | wc -l)
    [ "$open" = 0 ] && [ "$left" = 0 ] || bad "integration: spool not empty ($open open, $left files)"
}

. tests/postfix/phase_vault.sh
. tests/postfix/phase_sidedoor.sh

phase_load() {
    clear_maildir
    start=$(date +%s)
    if ! timeout 300 smtp-source -s 20 -m 500 -l 4000 -N -f sender@example.com \
        -t load@lgwan.test -S "load test" -M client.test 127.0.0.1:10225; then
        bad "load: smtp-source failed"
    fi
    wait_count 500 180 || bad "load: not all 500 mails arrived"
    secs=$(( $(date +%s) - start ))
    if python3 tests/postfix/maildir_check.py numbered "$MAILDIR" load@lgwan.test 500 1; then
        say "load: 500 mails over 20 sessions arrived sanitized, none lost or duplicated (${secs}s)"
    else
        bad "load: Maildir check"
    fi
}

phase_faults() {
    # 1. SIGKILL while mails are being judged
    clear_maildir
    echo slow:100 > "$MUGAI_FAULT_FILE"
    python3 tests/postfix/send.py 10225 kill@lgwan.test 0 40 > "$T/sent1" &
    sender=$!
    sleep 1.5
    pid=$(milter_pid)
    kill -KILL "$pid"
    wait $sender
    # a killed daemon takes a moment to go, and as an orphan it may stay
    # a zombie until init reaps it: its pid file must not make the
    # restart below believe it still runs
    n=0
    while [ $n -lt 50 ] && kill -0 "$pid" 2>/dev/null \
        && ! grep -q ') Z' "/proc/$pid/stat" 2>/dev/null; do
        sleep 0.2; n=$((n + 1))
    done
    rm -f "$T/run/mugai-milter.pid"
    : > "$MUGAI_FAULT_FILE"
    grep -Ev ' (250|4[0-9][0-9])$' "$T/sent1" | grep . && bad "faults: a mail got an answer other than 250 or 4xx after SIGKILL"
    refused=$(grep -c ' 4[0-9][0-9]$' "$T/sent1")
    [ "$refused" -gt 0 ] || bad "faults: no mail was tempfailed while the milter was down"
    sh tools/gateway.sh start >/dev/null || bad "faults: restart failed"
    # the sender's MTA retries what was tempfailed
    for k in $(sed -n 's/ 4[0-9][0-9]$//p' "$T/sent1"); do
        python3 tests/postfix/send.py 10225 kill@lgwan.test "$k" 1 >> "$T/sent2"
    done
    postfix -c "$T/postfix-gw/etc" flush
    postfix -c "$T/postfix-lgwan/etc" flush
    wait_count 40 60 || bad "faults: not all 40 mails arrived after the restart"
    if python3 tests/postfix/maildir_check.py numbered "$MAILDIR" kill@lgwan.test 40; then
        say "faults: SIGKILL: $refused mails tempfailed, after restart and flush all 40 arrived once, sanitized"
    else
        bad "faults: SIGKILL Maildir check"
    fi

    # 2. a full spool file system (a small tmpfs), else an unwritable spool
    clear_maildir
    owner=$(sh tools/gateway.sh user)
    if mount -t tmpfs -o size=64k,mode=0750 mugai-test-spool "$T/spool" 2>/dev/null; then
        mounted=1
        chown "$owner" "$T/spool"
        what="full spool (64k tmpfs)"
    else
        chown root:root "$T/spool"
        chmod 0700 "$T/spool"
        what="unwritable spool"
    fi
    code=$(python3 tests/postfix/send.py 10225 spool@lgwan.test 0 1 300000 | cut -d' ' -f2)
    case $code in 4*) ;; *) bad "faults: $what answered $code, expected 4xx" ;; esac
    if [ -n "$mounted" ]; then umount "$T/spool"; mounted=; fi
    chown "$owner" "$T/spool"; chmod 0750 "$T/spool"
    code=$(python3 tests/postfix/send.py 10225 spool@lgwan.test 1 1 300000 | cut -d' ' -f2)
    [ "$code" = 250 ] || bad "faults: after the spool was fixed: $code"
    wait_count 1 30
    [ "$(python3 tests/postfix/maildir_check.py count "$MAILDIR")" = 1 ] \
        || bad "faults: $what: a refused mail was delivered"
    say "faults: $what: tempfailed (4xx), nothing delivered; fine again once fixed"

    # 3. a config that cannot be read at reload: the old one stays
    chmod 0600 "$MUGAI_CONF"		# root's; the milter runs as its user
    kill -USR1 "$(milter_pid)"
    sleep 1
    grep -q "reload refused" "$T/log/mugai-milter.log" || bad "faults: unreadable config at reload not refused"
    code=$(python3 tests/postfix/send.py 10225 reload@lgwan.test 0 1 | cut -d' ' -f2)
    [ "$code" = 250 ] || bad "faults: after a refused reload: $code"
    chmod 0644 "$MUGAI_CONF"

    # 4. a config that cannot be read at start: no milter, tempfail
    kill -TERM "$(milter_pid)"
    sleep 1
    chmod 0000 "$MUGAI_CONF"
    mv "$MUGAI_CONF" "$MUGAI_CONF.unreadable"
    if "$MUGAI_MILTER" -c "$MUGAI_CONF" 2>"$T/start.err"; then
        bad "faults: the milter started without a readable config"
    fi
    grep -q "cannot open" "$T/start.err" || bad "faults: no 'cannot open' from the milter"
    code=$(python3 tests/postfix/send.py 10225 noconf@lgwan.test 0 1 | cut -d' ' -f2)
    case $code in 4*) ;; *) bad "faults: without a milter the gateway answered $code, expected 4xx" ;; esac
    mv "$MUGAI_CONF.unreadable" "$MUGAI_CONF"
    chmod 0644 "$MUGAI_CONF"
    sh tools/gateway.sh start >/dev/null || bad "faults: restart failed"
    wait_count 2 30
    python3 tests/postfix/maildir_check.py numbered "$MAILDIR" reload@lgwan.test 1 >/dev/null 2>&1
    [ "$(python3 tests/postfix/maildir_check.py count "$MAILDIR")" = 2 ] \
        || bad "faults: unexpected mails after the config faults"
    say "faults: unreadable config: refused at reload (old config kept), at start no milter and 4xx"
    phase_stuck
}

# milter_gone PID SECONDS - 0 once PID has exited (or is a zombie), else 1
milter_gone() {
    n=0
    while [ $n -lt $(($2 * 5)) ]; do
        kill -0 "$1" 2>/dev/null && ! grep -q ') Z' "/proc/$1/stat" 2>/dev/null || return 0
        sleep 0.2; n=$((n + 1))
    done
    return 1
}

# restart_milter - stop the milter, then start the gateway with the
# current config (and fault file)
restart_milter() {
    pid=$(milter_pid)
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && milter_gone "$pid" 10
    rm -f "$T/run/mugai-milter.pid"
    sh tools/gateway.sh start >/dev/null || bad "faults: restart failed"
}

# phase_stuck - an engine that hangs far beyond max_message_time (2s):
# Postfix has a 4xx within the budget and the margin (2s), nothing is
# delivered, and the daemon exits for its supervisor once the stuck engine
# has overrun as long again, or at once when 4 are stuck
phase_stuck() {
    clear_maildir
    conf -e 's/^max_message_time = .*/max_message_time = 2s/'
    echo slow:600000 > "$MUGAI_FAULT_FILE"
    restart_milter
    pid=$(milter_pid)
    start=$(date +%s)
    code=$(python3 tests/postfix/send.py 10225 stuck@lgwan.test 0 1 | cut -d' ' -f2)
    secs=$(( $(date +%s) - start ))
    case $code in 4*) ;; *) bad "faults: stuck engine answered $code, expected 4xx" ;; esac
    [ "$secs" -le 6 ] || bad "faults: stuck engine: answer after ${secs}s, expected within 2s + 2s"
    milter_gone "$pid" 15 || bad "faults: the daemon stays with a stuck engine"
    grep -q "ENGINE STUCK.*as long again" "$T/log/mugai-milter.log" \
        || bad "faults: no ENGINE STUCK line for the overrun"
    # meanwhile Postfix tempfails on its own (milter_default_action)
    code=$(python3 tests/postfix/send.py 10225 stuck@lgwan.test 1 1 | cut -d' ' -f2)
    case $code in 4*) ;; *) bad "faults: without the milter: $code, expected 4xx" ;; esac

    restart_milter
    pid=$(milter_pid)
    for k in 2 3 4 5; do
        python3 tests/postfix/send.py 10225 stuck@lgwan.test $k 1 > "$T/stuck$k" &
    done
    wait
    for k in 2 3 4 5; do
        code=$(cut -d' ' -f2 "$T/stuck$k")
        case $code in 4*) ;; *) bad "faults: stuck engine $k answered $code, expected 4xx" ;; esac
    done
    milter_gone "$pid" 5 || bad "faults: the daemon stays with 4 stuck engines"
    grep -q "ENGINE STUCK.*too many" "$T/log/mugai-milter.log" \
        || bad "faults: no ENGINE STUCK line for 4 stuck engines"

    : > "$MUGAI_FAULT_FILE"
    conf
    restart_milter
    code=$(python3 tests/postfix/send.py 10225 after@lgwan.test 0 1 | cut -d' ' -f2)
    [ "$code" = 250 ] || bad "faults: after the restart: $code"
    wait_count 1 30
    if [ "$(python3 tests/postfix/maildir_check.py count "$MAILDIR")" = 1 ] \
        && python3 tests/postfix/maildir_check.py numbered "$MAILDIR" after@lgwan.test 1 >/dev/null 2>&1; then
        say "faults: stuck engine: 4xx within ${secs}s, daemon exited for a restart (overrun, 4 at once), nothing delivered"
    else
        bad "faults: stuck engine: a stuck mail was delivered, or the one after it was not"
    fi
}

# one run at a time: the ports and $T are shared
exec 9>/tmp/mugai-test-postfix.lock
if ! flock -w 900 9; then
    bad "another tests/postfix run holds /tmp/mugai-test-postfix.lock"
    exit 1
fi
# only now: what the cleanup stops is ours
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -rf "$T"
mkdir -p "$T/run" "$T/log"
# a copy of the test signatures that the vault phase adds to
cp -r samples/test-signatures "$T/signatures"
conf
: > "$MUGAI_FAULT_FILE"
if ! sh tools/gateway.sh start >/dev/null; then
    bad "the test gateway did not start"
    exit 1
fi
for p in $PHASES; do
    "phase_$p"
done
sh tools/gateway.sh stop >/dev/null 2>&1
[ "$fail" = 0 ] && say "all passed"
exit $fail
