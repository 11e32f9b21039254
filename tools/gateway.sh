#!/bin/sh
# NAME
#	gateway.sh - start, stop or show the loopback demo gateway
# SYNOPSIS
#	tools/gateway.sh start|stop|status|user|certs
# DESCRIPTION
#	Three processes on 127.0.0.1, all under one runtime directory
#	(default var/ of the source tree), none touching the system's own
#	Postfix (/etc/postfix is only read for Postfix's file lists):
#	  postfix-gw     the internet-side gateway: smtpd on SMTP_PORT with
#	                 smtpd_milters = mugai-milter, milter_default_action =
#	                 tempfail, relaying everything to the LGWAN side
#	  mugai-milter   with the config CONF (socket taken from it)
#	  postfix-lgwan  stands for the LGWAN-side server: smtpd on LGWAN_PORT,
#	                 delivers every recipient into DIR/lgwan/Maildir/
#	Each Postfix instance has its own config directory, queue, data
#	directory and log file (maillog_file, no syslog needed), generated
#	from contrib/postfix/*.in. "start" is harmless when already running
#	and returns once the gateway answers SMTP; "stop" ends only what
#	"start" started (by pid file / postfix -c DIR stop). "user" creates
#	the config's unprivileged user and group if missing and prints them.
#	The LGWAN side accepts only the gateway's own two senders, each with
#	its TLS client certificate (STARTTLS required, the certificate's
#	SHA-256 fingerprint listed): postfix-gw's smtp client and
#	`mugai quarantine release`. On first start (or "certs") a private
#	demo CA and the three certificates are made under DIR/tls: ca.key,
#	lgwan.key and gateway.key root's (0600), release.key the vault
#	owner's (0600); see contrib/postfix/lgwan-server.cf.snippet.
#	"prepare" makes the runtime directory and prints the config the
#	milter runs with; "reload" copies that config again if it is a copy
#	and has the milter read it (SIGUSR1).
#
#	The daemons' users (postfix, mugai, nobody for the LGWAN Maildir)
#	must reach every file they use, also after the milter has dropped
#	root. A source tree they cannot enter (a clone in /root, mode 0700,
#	or under a mktemp -d directory) keeps the demo's state in
#	/var/lib/mugai-demo/NAME-HASH instead: var/ there, with a copy of
#	samples/mugai.conf and samples/test-signatures beside it (the same
#	layout, so the config's relative paths mean the same files), and
#	var in the tree becomes a link to it. A failed start prints its
#	reason: the command's output and the last lines of the log.
# ENVIRONMENT
#	MUGAI_GW_DIR      runtime directory (var)
#	MUGAI_SMTP_PORT   gateway SMTP port (10025)
#	MUGAI_LGWAN_PORT  LGWAN-side SMTP port (10026)
#	MUGAI_CONF        mugai-milter config (samples/mugai.conf)
#	MUGAI_MILTER      mugai-milter binary (build/mugai-milter)
#	MUGAI_NO_MILTER   1: the gateway runs without the milter (benchmarks)
#	MUGAI_RELAY       next hop instead of the LGWAN instance, host:port;
#	                  the LGWAN instance is then not started (benchmarks)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DIR=${MUGAI_GW_DIR:-var}
case $DIR in /*) ;; *) DIR=$ROOT/$DIR ;; esac
SMTP_PORT=${MUGAI_SMTP_PORT:-10025}
LGWAN_PORT=${MUGAI_LGWAN_PORT:-10026}
CONF=${MUGAI_CONF:-samples/mugai.conf}
case $CONF in /*) ;; *) CONF=$ROOT/$CONF ;; esac
# the demo's own state when the tree is out of the daemons' reach
STATE=
if [ -z "${MUGAI_GW_DIR:-}${MUGAI_CONF:-}" ]; then
    STATE=/var/lib/mugai-demo/$(basename "$ROOT")-$(printf %s "$ROOT" | sha256sum | cut -c1-8)
fi
MILTER=${MUGAI_MILTER:-build/mugai-milter}
NO_MILTER=${MUGAI_NO_MILTER:-0}
RELAY=${MUGAI_RELAY:-}
GW=$DIR/postfix-gw
LG=$DIR/postfix-lgwan
MAILDIR_OWNER=nobody:nogroup

# conf_get - a value of the milter config: conf_get SECTION KEY
conf_get() {
    awk -v sec="[$1]" -v key="$2" '
        /^[[:space:]]*\[/ { s = $1 }
        s == sec && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
            sub(/^[^=]*=[[:space:]]*/, ""); v = $0 }
        END { sub(/^"/, "", v); sub(/"$/, "", v); print v }' "$CONF"
}

# conf_path - a file name of the config, absolute: a relative one is
# taken from the config file's directory, as mugai does
conf_path() {
    case $1 in
    /*|"") echo "$1" ;;
    *) echo "$(dirname "$CONF")/$1" ;;
    esac
}

# milter_pidfile - the pid file named by the config, absolute
milter_pidfile() {
    conf_path "$(conf_get milter pid_file)"
}

# milter_socket_postfix - the config's socket in Postfix's syntax
milter_socket_postfix() {
    s=$(conf_get milter socket)
    case $s in
    inet:*@*) port=${s#inet:}; port=${port%%@*}; host=${s#*@}
              echo "inet:$host:$port" ;;
    unix:*|local:*) echo "unix:$(conf_path "${s#*:}")" ;;
    *) echo "gateway: unsupported socket '$s' in $CONF" >&2; exit 1 ;;
    esac
}

# as_nobody - run a test command as a user with no rights of its own:
# what it can reach, every daemon user can
as_nobody() {
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
}

# use_state - point DIR and CONF at the state directory, if the demo
# keeps its state there: the one var links to (also after the tree moved)
use_state() {
    [ -n "$STATE" ] && [ -L "$ROOT/var" ] || return 0
    DIR=$(readlink "$ROOT/var")
    STATE=$(dirname "$DIR")
    CONF=$STATE/samples/mugai.conf
    GW=$DIR/postfix-gw
    LG=$DIR/postfix-lgwan
}

# copy_config - the config and its test signatures into the state
# directory, readable by the daemons (the sample holds no secret)
copy_config() {
    mkdir -p "$STATE/samples"
    chmod 0755 /var/lib/mugai-demo "$STATE" "$STATE/samples"
    install -m 0644 "$ROOT/samples/mugai.conf" "$STATE/samples/mugai.conf"
    rm -rf "$STATE/samples/test-signatures"
    cp -R "$ROOT/samples/test-signatures" "$STATE/samples/test-signatures"
    chmod -R a+rX "$STATE/samples/test-signatures"
}

# cmd_prepare - the runtime directory, reachable by the daemons' users;
# prints the config the milter runs with
cmd_prepare() {
    [ "$(id -u)" = 0 ] || { echo "gateway: run as root" >&2; exit 1; }
    if [ -n "$STATE" ] && [ ! -L "$ROOT/var" ] &&
        ! as_nobody test -r "$CONF" 2>/dev/null; then
        mkdir -p "$STATE/var"
        # what is in var/ already (mugai sanitize's spool, an earlier
        # failed start) moves along
        if [ -d "$ROOT/var" ]; then
            cp -a "$ROOT/var/." "$STATE/var/" && rm -rf "$ROOT/var"
            echo "gateway: the daemons' users cannot enter $ROOT: moved var/ to $STATE/var" >&2
        fi
        ln -sfn "$STATE/var" "$ROOT/var"
    fi
    use_state
    [ "$CONF" != "$STATE/samples/mugai.conf" ] || copy_config
    mkdir -p "$DIR/log" "$DIR/run" "$DIR/spool" "$DIR/lgwan"
    # Postfix and the milter run as their own users: the directories of
    # the source tree down to DIR must let them through
    d=$(cd "$DIR" && pwd)
    case $d in
    "$ROOT"/*)
        while [ "$d" != "$ROOT" ]; do
            chmod o+x "$d"
            d=$(dirname "$d")
        done ;;
    esac
    for f in "$DIR/log" "$CONF"; do
        as_nobody test -r "$f" 2>/dev/null || {
            echo "gateway: the daemons' users cannot reach $f: a directory" \
                 "above it is closed to them (set MUGAI_GW_DIR and MUGAI_CONF to" \
                 "a place they can reach)" >&2
            exit 1
        }
    done
    echo "$CONF"
}

# smtp_ready - whether 127.0.0.1:PORT answers with a 220 greeting
smtp_ready() {
    python3 - "$1" <<'PY'
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    ok = s.recv(512).startswith(b"220")
    s.sendall(b"QUIT\r\n")
    s.close()
except OSError:
    ok = False
sys.exit(0 if ok else 1)
PY
}

# wait_for - run a test command until it succeeds, at most $1 seconds
wait_for() {
    n=$(( $1 * 5 )); shift
    while [ "$n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.2
        n=$((n - 1))
    done
    return 1
}

# pf_running - whether the instance in config dir $1 runs
pf_running() {
    [ -f "$1/etc/main.cf" ] && postfix -c "$1/etc" status >/dev/null 2>&1
}

# milter_running - pid of the running milter, or nothing
milter_running() {
    f=$(milter_pidfile)
    [ -f "$f" ] || return 1
    pid=$(cat "$f" 2>/dev/null || true)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# ensure_user - the unprivileged user mugai-milter runs as
ensure_user() {
    u=$(conf_get milter user); u=${u:-mugai}
    g=$(conf_get milter group); g=${g:-mugai}
    if ! getent group "$g" >/dev/null; then
        groupadd --system "$g"
    fi
    if ! getent passwd "$u" >/dev/null; then
        useradd --system --gid "$g" --home-dir /nonexistent --no-create-home \
            --shell /usr/sbin/nologin "$u"
    fi
    echo "$u:$g"
}

# render - a template with @KEY@ replaced: render IN OUT
render() {
    sed -e "s|@ROOT@|$ROOT|g" -e "s|@DIR@|$DIR|g" -e "s|@NAME@|$NAME|g" \
        -e "s|@PORT@|$PORT|g" -e "s|@MILTERS@|$MILTERS|g" \
        -e "s|@RELAYHOST@|$RELAYHOST|g" "$1" > "$2"
}

# pf_setup - config dir, queue and data of one instance: pf_setup DIR TEMPLATE
pf_setup() {
    mkdir -p "$1/etc" "$1/queue" "$1/data" "$DIR/log"
    render "contrib/postfix/$2-main.cf.in" "$1/etc/main.cf"
    render contrib/postfix/master.cf.in "$1/etc/master.cf"
    chown root:root "$1/queue"
    chown postfix:postfix "$1/data"
    # "check" creates the queue's subdirectories with their owners; it
    # only reads the system's files (set-permissions would also reset
    # the modes of Postfix's installed programs, so it is not used)
    postfix -c "$1/etc" check
}

# start_failed - why NAME did not start: OUTPUT of its start command
# and the last problems in its LOG; then exit
start_failed() {
    echo "gateway: $1 did not start" >&2
    [ -z "$2" ] || printf '%s\n' "$2" | sed 's/^/  /' >&2
    if [ -f "$3" ]; then
        echo "  last problems in $3:" >&2
        { grep -E 'fatal|panic|error|warning|UNAVAILABLE|refus|cannot' "$3" ||
              cat "$3"; } | tail -n 8 | sed 's/^/    /' >&2
    fi
    exit 1
}

# pf_start - start one instance and wait for its SMTP port
pf_start() {
    log=$DIR/log/postfix-$(basename "$1" | sed 's/^postfix-//').log
    out=
    if ! pf_running "$1"; then
        out=$(postfix -c "$1/etc" start 2>&1) || start_failed "$(basename "$1")" "$out" "$log"
    fi
    wait_for 30 smtp_ready "$2" ||
        start_failed "$(basename "$1") (no answer on port $2)" "$out" "$log"
}

# tls_leaf - a key and a certificate signed by the demo CA: tls_leaf NAME CN
#	EXTKU SAN (in DIR/tls; the key 0600 root's until chowned)
tls_leaf() {
    t=$DIR/tls
    ext=$t/$1.ext
    printf '%s\n' "basicConstraints = critical, CA:FALSE" \
        "keyUsage = critical, digitalSignature" "extendedKeyUsage = $3" \
        ${4:+"subjectAltName = $4"} > "$ext"
    (umask 077; openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$t/$1.key" -out "$t/$1.csr" -subj "/O=mugai demo/CN=$2" 2>/dev/null)
    openssl x509 -req -in "$t/$1.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -days 825 -extfile "$ext" \
        -out "$t/$1.crt" 2>/dev/null
    rm -f "$ext" "$t/$1.csr"
    chmod 0644 "$t/$1.crt"
}

# tls_fingerprint - the SHA-256 fingerprint of a certificate as Postfix writes it
tls_fingerprint() {
    openssl x509 -noout -fingerprint -sha256 -in "$1" | sed 's/^.*=//'
}

# tls_setup - the demo CA and certificates (made once), the LGWAN side's
#	list of the two client certificates it accepts, and the gateway's
#	TLS policy for its next hop: tls_setup VAULT_OWNER
tls_setup() {
    t=$DIR/tls
    mkdir -p "$t"
    chown root:root "$t"
    chmod 0755 "$t"
    if [ ! -s "$t/ca.crt" ] || [ ! -s "$t/ca.key" ]; then
        rm -f "$t"/*.crt "$t"/*.key
        (umask 077; openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
            -nodes -keyout "$t/ca.key" -out "$t/ca.crt" -days 3650 \
            -subj "/O=mugai demo/CN=mugai demo LGWAN CA" \
            -addext "basicConstraints = critical, CA:TRUE" \
            -addext "keyUsage = critical, keyCertSign, cRLSign" 2>/dev/null)
        chmod 0644 "$t/ca.crt"
    fi
    [ -s "$t/lgwan.crt" ] && [ -s "$t/lgwan.key" ] || tls_leaf lgwan lgwan.mugai.test serverAuth \
        "DNS:lgwan.mugai.test, DNS:localhost, IP:127.0.0.1, IP:::1"
    [ -s "$t/gateway.crt" ] && [ -s "$t/gateway.key" ] || tls_leaf gateway gateway.mugai.test clientAuth
    [ -s "$t/release.crt" ] && [ -s "$t/release.key" ] || tls_leaf release "mugai release" clientAuth
    chown root:root "$t/ca.key" "$t/lgwan.key" "$t/gateway.key"
    chmod 0600 "$t/ca.key" "$t/lgwan.key" "$t/gateway.key"
    chown "$1" "$t/release.key"
    chmod 0600 "$t/release.key"
    mkdir -p "$LG/etc" "$GW/etc"
    {
        echo "# the only clients the LGWAN side accepts (SHA-256 of their certificates)"
        echo "$(tls_fingerprint "$t/gateway.crt") gateway"
        echo "$(tls_fingerprint "$t/release.crt") release"
    } > "$LG/etc/relay_clientcerts"
    echo "[127.0.0.1]:$LGWAN_PORT secure match=lgwan.mugai.test" > "$GW/etc/tls_policy"
}

# tls_owner - who holds the release key: the vault's owner, else the milter's user
tls_owner() {
    o=$(conf_get vault owner)
    if [ -n "$o" ]; then echo "$o"; else echo "${1%%:*}"; fi
}

cmd_start() {
    cmd_prepare >/dev/null
    use_state
    owner=$(ensure_user)
    # the milter's own directories belong to its user; Postfix must
    # reach a unix socket next to the pid file
    for k in general:spool_dir scan:temp_dir milter:pid_file; do
        v=$(conf_path "$(conf_get "${k%%:*}" "${k#*:}")")
        [ -n "$v" ] || continue
        mode=0750
        [ "$k" = milter:pid_file ] && { v=$(dirname "$v"); mode=0755; }
        mkdir -p "$v"
        chown "$owner" "$v"
        chmod $mode "$v"
    done
    chown $MAILDIR_OWNER "$DIR/lgwan"
    tls_setup "$(tls_owner "$owner")"

    # the LGWAN side first, so the gateway can relay at once
    if [ -z "$RELAY" ]; then
        NAME=lgwan PORT=$LGWAN_PORT MILTERS= RELAYHOST=
        pf_setup "$LG" lgwan
        pf_start "$LG" "$LGWAN_PORT"
        RELAYHOST="[127.0.0.1]:$LGWAN_PORT"
    else
        RELAYHOST="[${RELAY%:*}]:${RELAY##*:}"
    fi

    if [ "$NO_MILTER" != 1 ]; then
        mlog=$(conf_get milter log)
        case $mlog in syslog|stderr|"") mlog= ;; *) mlog=$(conf_path "$mlog") ;; esac
        if ! milter_running >/dev/null; then
            out=$("$MILTER" -n -c "$CONF" 2>&1) || start_failed mugai-milter "$out" ""
            out=$("$MILTER" -c "$CONF" 2>&1) || start_failed mugai-milter "$out" "$mlog"
        fi
        MILTERS=$(milter_socket_postfix)
        wait_for 10 milter_running >/dev/null ||
            start_failed mugai-milter "${out:-}" "$mlog"
    else
        MILTERS=
    fi
    NAME=gw PORT=$SMTP_PORT
    pf_setup "$GW" gw
    if pf_running "$GW"; then
        postfix -c "$GW/etc" reload >/dev/null 2>&1
    fi
    pf_start "$GW" "$SMTP_PORT"
}

cmd_reload() {
    use_state
    [ "$CONF" != "$STATE/samples/mugai.conf" ] || copy_config
    pid=$(milter_running) || { echo "gateway: mugai-milter is not running" >&2; exit 1; }
    kill -USR1 "$pid"
}

cmd_stop() {
    use_state
    for d in "$GW" "$LG"; do
        if pf_running "$d"; then
            postfix -c "$d/etc" stop >/dev/null 2>&1 || true
        fi
    done
    if pid=$(milter_running); then
        kill -TERM "$pid"
        wait_for 10 sh -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
    fi
    # Postfix's master exits shortly after "stop" returns
    for d in "$GW" "$LG"; do
        [ -f "$d/etc/main.cf" ] || continue
        wait_for 10 sh -c "! postfix -c '$d/etc' status >/dev/null 2>&1" || true
    done
}

cmd_status() {
    use_state
    rc=0
    for d in "$GW" "$LG"; do
        if pf_running "$d"; then echo "$(basename "$d"): running"
        else echo "$(basename "$d"): stopped"; rc=1; fi
    done
    if pid=$(milter_running); then echo "mugai-milter: running (pid $pid)"
    else echo "mugai-milter: stopped"; rc=1; fi
    return $rc
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
prepare) cmd_prepare ;;
reload) cmd_reload ;;
user) ensure_user ;;
certs) cmd_prepare >/dev/null; use_state; tls_setup "$(tls_owner "$(ensure_user)")" ;;
*) echo "usage: $0 start|stop|status|prepare|reload|user|certs" >&2; exit 64 ;;
esac
