# NAME
#	phase_vault.sh - the vault phase of tests/postfix/run.sh (sourced)
# DESCRIPTION
#	With the gateway of run.sh running: EICAR refused 550 5.7.1 naming a
#	vault ID that `mugai quarantine list/show/export` find; a mail with
#	an attachment delivered with the vault ID in its notice and its
#	original kept; `mugai quarantine release` re-injecting that original
#	through the LGWAN-side instance (no milter), arriving with
#	X-Mugai-Released; a signature added to the database directory while
#	mail flows judging the next mail; `mugai audit verify`; a full vault
#	disk (a small tmpfs, swapped in by a reload) tempfailing a mail that
#	must be kept, with nothing delivered.

# reply - send file $2 to $1@lgwan.test as it is; print "CODE TEXT" of the end of data
reply() {
    python3 - "$1" "$2" <<'PY'
import smtplib, sys
try:
    s = smtplib.SMTP("127.0.0.1", 10225, timeout=100)
    s.ehlo("client.test")
    s.mail("sender@example.com")
    s.rcpt(sys.argv[1] + "@lgwan.test")
    code, text = s.data(open(sys.argv[2], "rb").read())
    s.quit()
except smtplib.SMTPResponseException as e:
    code, text = e.smtp_code, e.smtp_error
except OSError as e:
    code, text = 0, str(e).encode()
print(code, text.decode(errors="replace").replace("\n", " "))
PY
}

# marker_mail - a clean-looking mail that carries the project's second marker
marker_mail() {
    printf 'From: a@example.com\r\nSubject: marker %s\r\nMessage-ID: <marker%s@example.com>\r\n\r\nMUGAI-RELOAD-MARKER-%s\r\n' \
        "$1" "$1" "$1"
}

# attachment_mail - a mail with an attachment of about $1 kB, which is removed
attachment_mail() {
    python3 - "$1" <<'PY'
import base64, sys
data = base64.encodebytes(bytes(range(256)) * (int(sys.argv[1]) * 4)).decode()
sys.stdout.write('From: a@example.com\r\nSubject: big attachment\r\nMIME-Version: 1.0\r\n'
                 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n'
                 'Content-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n'
                 'Content-Type: application/octet-stream\r\n'
                 'Content-Disposition: attachment; filename=data.bin\r\n'
                 'Content-Transfer-Encoding: base64\r\n\r\n'
                 + data.replace('\n', '\r\n') + '--b--\r\n')
PY
}

phase_vault() {
    cli=build/mugai
    q() { "$cli" quarantine -c "$MUGAI_CONF" "$@"; }
    clear_maildir

    # 1. EICAR: 550 5.7.1 with the vault ID; list, show, export find it
    r=$(reply eicar samples/scan/eicar-plain.eml)
    id=$(echo "$r" | sed -n 's/.*vault ID \([0-9]\{8\}-[0-9A-Z]\{8\}\).*/\1/p')
    case $r in 550\ 5.7.1*) ;; *) bad "vault: EICAR answered '$r', expected 550 5.7.1" ;; esac
    if [ -z "$id" ]; then
        bad "vault: no vault ID in the EICAR refusal: $r"
    else
        q list --virus '*' 2>&1 | grep -q "$id" || bad "vault: quarantine list does not show $id"
        q show "$id" > "$T/show" 2>&1 && grep -q "Mugai.Test.EICAR" "$T/show" \
            || bad "vault: quarantine show $id: $(head -3 "$T/show")"
        rm -rf "$T/export"
        if q export "$id" "$T/export" >/dev/null 2>&1; then
            (cd "$T/export" && sha256sum -c --quiet "$id.sha256") || bad "vault: export of $id does not check"
        else
            bad "vault: quarantine export $id failed"
        fi
        grep -q "eicar.* vault=$id virus=Mugai.Test.EICAR[.A-Z]* av_db=" "$T/log/mugai-milter.log" \
            || bad "vault: no log line with vault=$id and virus="
        say "vault: EICAR refused ($r), kept as $id; list, show and export find it"
    fi

    # 2. an attachment: delivered sanitized, the notice names the vault ID
    code=$(swaks_code ja-rfc2231-attachment samples/ja-rfc2231-attachment.eml)
    [ "$code" = 250 ] || bad "vault: attachment mail answered $code"
    wait_count 1 30 || bad "vault: the attachment mail did not arrive"
    aid=$(python3 tests/postfix/maildir_check.py vaultids "$MAILDIR" | awk '{ print $2; exit }')
    if [ -z "$aid" ]; then
        bad "vault: no vault ID in the delivered notice"
    else
        q show "$aid" > "$T/show" 2>&1 || bad "vault: delivered vault ID $aid is not in the vault"
        say "vault: attachment removed, delivered with vault ID $aid, original kept"

        # 3. release through the LGWAN-side instance, which has no milter
        clear_maildir
        if q release "$aid" --requester alice --approver bob --reason "postfix test" \
            > "$T/release" 2>&1; then
            wait_count 1 30
            grep -l "^X-Mugai-Released: $aid" "$MAILDIR"/new/* >/dev/null 2>&1 \
                || bad "vault: released original did not arrive with X-Mugai-Released"
            say "vault: $aid released by bob for alice, arrived with X-Mugai-Released"
        else
            bad "vault: release failed: $(cat "$T/release")"
        fi
        q release "$aid" --requester alice --approver alice --reason same > /dev/null 2>&1 \
            && bad "vault: a release with the requester as approver was accepted"
    fi

    # 3b. text not delivered (an HTML alternative that says more than the
    # plain one): the original is kept too, and the notice names it
    clear_maildir
    code=$(swaks_code alternative-differs tests/hostile/alternative-differs.eml)
    [ "$code" = 250 ] || bad "vault: alternative mail answered $code"
    wait_count 1 30 || bad "vault: the alternative mail did not arrive"
    tid=$(python3 tests/postfix/maildir_check.py vaultids "$MAILDIR" | awk '{ print $2; exit }')
    if [ -z "$tid" ]; then
        bad "vault: no vault ID in the notice of a mail whose HTML text was not delivered"
    elif q show "$tid" > "$T/show" 2>&1 && grep -q "text-not-delivered" "$T/show"; then
        say "vault: HTML alternative not shown, delivered with vault ID $tid, original kept"
    else
        bad "vault: $tid not kept as text-not-delivered: $(head -5 "$T/show")"
    fi

    # 4. a signature added while mail flows judges the next mail
    clear_maildir
    marker_mail 1 > "$T/marker.eml"
    r=$(reply marker "$T/marker.eml")
    case $r in 250*) ;; *) bad "vault: the marker mail before the new signature answered '$r'" ;; esac
    hex=$(printf 'MUGAI-RELOAD-MARKER-' | od -An -tx1 | tr -d ' \n')
    echo "Mugai.Test.ReloadMarker:0:*:$hex" > "$T/signatures/reload.ndb"
    n=0; r=
    while [ $n -lt 15 ]; do
        sleep 1; n=$((n + 1))
        r=$(reply marker "$T/marker.eml")
        case $r in 550*) break ;; esac
    done
    case $r in
    550\ 5.7.1*Mugai.Test.ReloadMarker*) say "vault: new signature in force after ${n}s: $r" ;;
    *) bad "vault: after the new signature the marker mail answered '$r'" ;;
    esac
    rm -f "$T/signatures/reload.ndb"

    # 5. the audit chain holds after all of it
    "$cli" audit -c "$MUGAI_CONF" verify > "$T/verify" 2>&1 \
        && say "vault: audit verify: $(tail -n 1 "$T/verify")" \
        || bad "vault: audit verify failed: $(cat "$T/verify")"

    # 6. a full vault disk: tempfail, nothing delivered
    clear_maildir
    owner=$(sh tools/gateway.sh user)
    mkdir -p "$T/vaultfull"
    if mount -t tmpfs -o size=256k,mode=2750 mugai-test-vault "$T/vaultfull" 2>/dev/null; then
        chown "$owner" "$T/vaultfull"
        cp "$MUGAI_CONF" "$T/mugai.conf.orig"
        sed -i "s|^dir = .*|dir = $T/vaultfull|" "$MUGAI_CONF"
        kill -USR1 "$(milter_pid)"
        sleep 2
        attachment_mail 600 > "$T/full.eml"
        r=$(reply full "$T/full.eml")
        case $r in 4*) ;; *) bad "vault: full vault disk answered '$r', expected 4xx" ;; esac
        sleep 2
        [ "$(python3 tests/postfix/maildir_check.py count "$MAILDIR")" = 0 ] \
            || bad "vault: a mail was delivered while its original could not be kept"
        grep -q "cannot keep the original" "$T/log/mugai-milter.log" \
            || bad "vault: no log line for the full vault"
        cp "$T/mugai.conf.orig" "$MUGAI_CONF"
        kill -USR1 "$(milter_pid)"
        sleep 2
        umount "$T/vaultfull"
        say "vault: full vault disk (256k tmpfs): $r, nothing delivered"
    else
        say "vault: no tmpfs mount here; full vault disk not tested"
    fi
}
