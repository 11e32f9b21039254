# NAME
#	phase_sidedoor.sh - the side-door phase of tests/postfix/run.sh (sourced)
# DESCRIPTION
#	The LGWAN side (port 10226) must take mail only from the gateway's
#	own two senders, each with its TLS client certificate. Attacks, each
#	with the raw HTML and PE mail of tests/postfix/lgwan_probe.py, none
#	of which may arrive:
#	  a local user with no groups (a real system user made for the
#	  test): plain SMTP, STARTTLS without a certificate, the demo's
#	  certificates (their keys unreadable to the user)
#	  root: plain SMTP, STARTTLS without a certificate, a self-signed
#	  certificate, a certificate of the demo CA that is not one of the
#	  two listed; local submission with the sendmail of the gateway's
#	  instance and of the LGWAN one ("not allowed to submit")
#	and a control that the probe does deliver with the gateway's own
#	certificate. The keys' owners and modes; the gateway's relaying
#	and the LGWAN side's acceptance both over verified TLS; a release
#	with a missing, foreign, unprotected or untrusted credential fails
#	with a clear error and delivers nothing; check-config reports an
#	unprotected release key.

# sidedoor_probe - lgwan_probe.py against the LGWAN side, as user $1 (or root: -)
sidedoor_probe() {
    who=$1; shift
    if [ "$who" = - ]; then python3 tests/postfix/lgwan_probe.py 10226 "$@"
    else
        # a copy the user can read: the source tree may be closed to them
        install -d -m 0755 "$T/bin"
        install -m 0644 tests/postfix/lgwan_probe.py "$T/bin/lgwan_probe.py"
        (cd "$T" && runuser -u "$who" -- python3 "$T/bin/lgwan_probe.py" 10226 "$@")
    fi
}

# sidedoor_refused - an attempt ($1 names it) must be refused: sidedoor_refused WHAT WHO ARGS...
sidedoor_refused() {
    what=$1; shift
    r=$(sidedoor_probe "$@" 2>&1)
    case $r in
    refused\ *) say "sidedoor: $what: $r" ;;
    *) bad "sidedoor: $what was not refused: $r" ;;
    esac
}

# sidedoor_release - release $1 with config $2, asked for by alice (the
# test user of phase_vault.sh) and approved by root; the output in
# $T/release; 0 if released
sidedoor_release() {
    as mugaitest-alice quarantine -c "$MUGAI_CONF" request "$1" --reason "side door test" \
        > "$T/release" 2>&1 || return 1
    rn=$(request_no "$T/release")
    build/mugai quarantine -c "$2" approve "$rn" --reason "side door test" > "$T/release" 2>&1
}

phase_sidedoor() {
    tls=$T/tls
    clear_maildir

    # 0. the credentials: root's keys, the release key the vault owner's
    for k in ca lgwan gateway; do
        m=$(stat -c '%U %a' "$tls/$k.key")
        [ "$m" = "root 600" ] || bad "sidedoor: $k.key is '$m', expected 'root 600'"
    done
    m=$(stat -c '%U %a' "$tls/release.key")
    [ "$m" = "mugai 600" ] || bad "sidedoor: release.key is '$m', expected 'mugai 600'"

    # 1. a local user with no groups and no credentials
    sidedoor_user=mugai-sd$$
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
        --gid nogroup "$sidedoor_user" || { bad "sidedoor: useradd failed"; return; }
    u=$sidedoor_user
    for k in ca lgwan gateway release; do
        runuser -u "$u" -- cat "$tls/$k.key" >/dev/null 2>&1 \
            && bad "sidedoor: user $u can read $k.key"
    done
    sidedoor_refused "user $u, plain SMTP" "$u" plain
    sidedoor_refused "user $u, STARTTLS without a certificate" "$u" tls
    sidedoor_refused "user $u, the release certificate" "$u" tls "$tls/release.crt" "$tls/release.key"
    sidedoor_refused "user $u, the gateway certificate" "$u" tls "$tls/gateway.crt" "$tls/gateway.key"
    userdel "$u" && sidedoor_user=

    # local submission to either instance: pickup has no milter (the
    # gateway's relays to LGWAN), so neither takes any. As root: a
    # user's setgid postdrop would ignore -C and fail for another reason.
    python3 -c 'import sys; sys.path.insert(0, "tests/postfix"); import lgwan_probe
sys.stdout.buffer.write(lgwan_probe.MAIL)' > "$T/raw-pe.eml"
    for inst in gw lgwan; do
        /usr/sbin/sendmail -C "$T/postfix-$inst/etc" -t < "$T/raw-pe.eml" > "$T/pickup.out" 2>&1 \
            && bad "sidedoor: root submitted raw mail to the $inst instance's sendmail"
        grep -q "not allowed to submit" "$T/pickup.out" \
            || bad "sidedoor: root, the $inst instance's sendmail: $(cat "$T/pickup.out")"
        say "sidedoor: root, the $inst instance's sendmail: $(tail -n 1 "$T/pickup.out")"
        postfix -c "$T/postfix-$inst/etc" flush 2>/dev/null
    done

    # 2. root without a certificate the LGWAN side knows
    sidedoor_refused "root, plain SMTP" - plain
    sidedoor_refused "root, STARTTLS without a certificate" - tls
    (umask 077; openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$T/self.key" -out "$T/self.crt" -days 2 -subj "/CN=gateway.mugai.test" 2>/dev/null)
    sidedoor_refused "root, a self-signed certificate" - tls "$T/self.crt" "$T/self.key"
    (umask 077; openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$T/other.key" -subj "/CN=gateway.mugai.test" 2>/dev/null |
        openssl x509 -req -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -set_serial 99 -days 2 \
            -out "$T/other.crt" 2>/dev/null)
    sidedoor_refused "root, a demo-CA certificate not listed" - tls "$T/other.crt" "$T/other.key"
    sleep 2
    n=$(grep -l -e MUGAI-SIDE-DOOR -e TVqQ "$MAILDIR"/new/* 2>/dev/null | wc -l)
    [ "$n" = 0 ] && say "sidedoor: nothing of the 10 attempts arrived" \
        || bad "sidedoor: $n side-door mails arrived in the LGWAN Maildir"

    # 3. control: the probe delivers with the gateway's own credentials
    r=$(sidedoor_probe - tls-verify "$tls/gateway.crt" "$tls/gateway.key" "$tls/ca.crt")
    wait_count 1 30
    n=$(grep -l MUGAI-SIDE-DOOR "$MAILDIR"/new/* 2>/dev/null | wc -l)
    case $r in
    delivered\ 250) [ "$n" = 1 ] && say "sidedoor: control with the gateway's certificate: delivered" \
                        || bad "sidedoor: control accepted but $n arrived" ;;
    *) bad "sidedoor: the control with the gateway's certificate: $r" ;;
    esac
    grep -q "Verified TLS connection established to 127.0.0.1\[127.0.0.1\]:10226" \
        "$T/log/postfix-gw.log" || bad "sidedoor: the gateway does not relay over verified TLS"
    grep -q "Trusted TLS connection established from" "$T/log/postfix-lgwan.log" \
        || bad "sidedoor: the LGWAN side logs no trusted client certificate"

    # 4. a release with a missing, foreign, unprotected or untrusted credential
    ug=$(sh tools/gateway.sh user); owner=${ug%%:*}
    vgroup=$(awk '/^\[/ { v = ($0 == "[vault]") } v && $1 == "group" { print $3 }' "$MUGAI_CONF")
    vault_people "$owner" "$vgroup" || bad "sidedoor: cannot create the test users"
    clear_maildir
    code=$(swaks_code sidedoor samples/ja-rfc2231-attachment.eml)
    [ "$code" = 250 ] || bad "sidedoor: attachment mail answered $code"
    wait_count 1 30 || bad "sidedoor: the attachment mail did not arrive"
    id=$(python3 tests/postfix/maildir_check.py vaultids "$MAILDIR" | awk '{ print $2; exit }')
    [ -n "$id" ] || { bad "sidedoor: no vault ID delivered"; return; }
    clear_maildir
    cp "$tls/release.key" "$T/open.key"
    chmod 0644 "$T/open.key"
    for c in "key:$T/none.key:cannot open" \
             "key:$tls/gateway.key:does not match the certificate" \
             "key:$T/open.key:mode 0644 lets group or others use it" \
             "cert:$T/self.crt:does not match the certificate" \
             "ca:$T/self.crt:the server's certificate does not verify"; do
        k=${c%%:*}; rest=${c#*:}; v=${rest%%:*}; want=${rest#*:}
        sed "s|^release_tls_$k = .*|release_tls_$k = $v|" "$MUGAI_CONF" > "$T/bad.conf"
        if sidedoor_release "$id" "$T/bad.conf"; then
            bad "sidedoor: release with release_tls_$k = $v succeeded"
        elif grep -q "not released: .*$want" "$T/release"; then
            say "sidedoor: release with release_tls_$k = $(basename "$v"): $(sed 's/^.*not released: //' "$T/release")"
        else
            bad "sidedoor: release with release_tls_$k = $v: unclear error: $(cat "$T/release")"
        fi
    done
    # a self-signed client certificate with its own key: the LGWAN side hangs up
    sed -e "s|^release_tls_cert = .*|release_tls_cert = $T/self.crt|" \
        -e "s|^release_tls_key = .*|release_tls_key = $T/self.key|" "$MUGAI_CONF" > "$T/bad.conf"
    if sidedoor_release "$id" "$T/bad.conf"; then
        bad "sidedoor: release with a self-signed client certificate succeeded"
    else
        say "sidedoor: release with a self-signed client certificate: $(sed 's/^.*not released: //' "$T/release")"
    fi
    sleep 2
    [ "$(python3 tests/postfix/maildir_check.py count "$MAILDIR")" = 0 ] \
        || bad "sidedoor: a release with a bad credential was delivered"
    grep -c '"action":"release-failed"' "$T/audit/audit.log" | grep -qv '^0$' \
        || bad "sidedoor: the failed releases are not in the audit log"
    vault_people_remove

    # 5. check-config reports an unprotected release key
    sed "s|^release_tls_key = .*|release_tls_key = $T/open.key|" "$MUGAI_CONF" > "$T/bad.conf"
    if build/mugai check-config -c "$T/bad.conf" > "$T/cc" 2>&1; then
        bad "sidedoor: check-config accepted a release key of mode 0644"
    else
        grep -q "\[vault\] release TLS key .*mode 0644" "$T/cc" \
            || bad "sidedoor: check-config: $(cat "$T/cc")"
    fi
    build/mugai check-config -c "$MUGAI_CONF" > "$T/cc" 2>&1 \
        || bad "sidedoor: check-config of the test config: $(cat "$T/cc")"
}
