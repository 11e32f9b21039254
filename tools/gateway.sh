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
MILTER=${MUGAI_MILTER:-build/mugai-milter}
NO_MILTER=${MUGAI_NO_MILTER:-0}
RELAY=${MUGAI_RELAY:-}
GW=$DIR/postfix-gw
LG=$DIR/postfix-lgwan
MAILDIR_OWNER=nobody:nogroup

# conf_get - a value of the milter config: conf_get KEY
conf_get() {
    sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$CONF" | tail -n 1 |
        sed 's/^"\(.*\)"$/\1/'
}

# milter_pidfile - the pid file named by the config, absolute
milter_pidfile() {
    p=$(conf_get pid_file)
    case $p in /*) echo "$p" ;; *) echo "$ROOT/$p" ;; esac
}

# milter_socket_postfix - the config's socket in Postfix's syntax
milter_socket_postfix() {
    s=$(conf_get socket)
    case $s in
    inet:*@*) port=${s#inet:}; port=${port%%@*}; host=${s#*@}
              echo "inet:$host:$port" ;;
    unix:/*|local:/*) echo "unix:${s#*:}" ;;
    unix:*|local:*) echo "unix:$ROOT/${s#*:}" ;;
    *) echo "gateway: unsupported socket '$s' in $CONF" >&2; exit 1 ;;
    esac
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
    u=$(conf_get user); u=${u:-mugai}
    g=$(conf_get group); g=${g:-mugai}
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

# pf_start - start one instance and wait for its SMTP port
pf_start() {
    if ! pf_running "$1"; then
        postfix -c "$1/etc" start >/dev/null
    fi
    wait_for 30 smtp_ready "$2" || {
        echo "gateway: $(basename "$1") does not answer on port $2; see $DIR/log" >&2
        exit 1
    }
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
    o=$(conf_get owner)
    if [ -n "$o" ]; then echo "$o"; else echo "${1%%:*}"; fi
}

cmd_start() {
    [ "$(id -u)" = 0 ] || { echo "gateway: run as root" >&2; exit 1; }
    mkdir -p "$DIR/log" "$DIR/run" "$DIR/spool" "$DIR/lgwan"
    # Postfix and the milter run as their own users: every directory from
    # the project down to DIR must let them through
    d=$(cd "$DIR" && pwd)
    while [ "$d" != "$ROOT" ] && [ "$d" != / ]; do
        chmod o+x "$d"
        d=$(dirname "$d")
    done
    owner=$(ensure_user)
    # the milter's own directories belong to its user; Postfix must
    # reach a unix socket next to the pid file
    for k in spool_dir temp_dir pid_file; do
        v=$(conf_get "$k")
        [ -n "$v" ] || continue
        mode=0750
        [ "$k" = pid_file ] && { v=$(dirname "$v"); mode=0755; }
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
        if ! milter_running >/dev/null; then
            "$MILTER" -n -c "$CONF" >/dev/null
            "$MILTER" -c "$CONF"
        fi
        MILTERS=$(milter_socket_postfix)
        wait_for 10 milter_running >/dev/null || {
            echo "gateway: mugai-milter did not start; see its log" >&2
            exit 1
        }
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

cmd_stop() {
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
user) ensure_user ;;
certs) tls_setup "$(tls_owner "$(ensure_user)")" ;;
*) echo "usage: $0 start|stop|status|user|certs" >&2; exit 64 ;;
esac
