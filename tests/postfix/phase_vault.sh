# NAME
#	phase_vault.sh - the vault phase of tests/postfix/run.sh (sourced)
# DESCRIPTION
#	With the gateway of run.sh running: EICAR refused 550 5.7.1 naming a
#	vault ID that `mugai quarantine list/show/export` find; a mail with
#	an attachment delivered with the vault ID in its notice and its
#	original kept; a release asked for by one real user and approved by
#	another (test users made here, running the command through sudo as
#	the vault's owner), re-injected through the LGWAN-side instance (no
#	milter), arriving with X-Mugai-Released; the requester unable to
#	approve, users outside the groups unable to ask or decide; no
#	option or configuration of theirs moving the audit chain; a
#	signature added to the database directory while mail flows judging
#	the next mail; `mugai audit verify`, which also finds rows deleted
#	from the index, a cleared virus flag and a chain rewritten without
#	the vault's key; a full vault disk (a small tmpfs, swapped in by a
#	reload) tempfailing a mail that must be kept, with nothing delivered.

VAULT_PEOPLE="mugaitest-alice mugaitest-bob mugaitest-eve"
VAULT_APPROVERS=mugaitest-approvers
VAULT_SUDOERS=/etc/sudoers.d/mugaitest-vault
# the command the test users run: a copy outside the source tree, which
# may be closed to them (a clone in /root, mode 0700)
VAULT_MUGAI=$T/bin/mugai

# vault_people_remove - the test users, their group and sudo rule, gone
vault_people_remove() {
    rm -f "$VAULT_SUDOERS"
    for u in $VAULT_PEOPLE; do
        id "$u" >/dev/null 2>&1 && userdel "$u" >/dev/null 2>&1
    done
    getent group "$VAULT_APPROVERS" >/dev/null && groupdel "$VAULT_APPROVERS" >/dev/null 2>&1
    return 0
}

# vault_people OWNER GROUP - alice may ask (GROUP), bob may ask and
# approve (GROUP and the approvers' group), eve is in no group; sudo lets
# each run a copy of build/mugai as OWNER, as a site's rule would
vault_people() {
    vault_people_remove
    groupadd --system "$VAULT_APPROVERS" || return 1
    for spec in "mugaitest-alice:$2" "mugaitest-bob:$2,$VAULT_APPROVERS" "mugaitest-eve:"; do
        u=${spec%%:*}; g=${spec#*:}
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            ${g:+-G "$g"} "$u" || return 1
    done
    install -d -m 0755 "$T/bin"
    install -m 0755 "$ROOT/build/mugai" "$VAULT_MUGAI" || return 1
    printf '%s ALL=(%s) NOPASSWD: %s\n' "$(echo $VAULT_PEOPLE | tr ' ' ,)" "$1" \
        "$VAULT_MUGAI" > "$VAULT_SUDOERS.new"
    chmod 0440 "$VAULT_SUDOERS.new"
    visudo -cqf "$VAULT_SUDOERS.new" && mv "$VAULT_SUDOERS.new" "$VAULT_SUDOERS"
}

# as USER ARGS... - `mugai ARGS` run by USER through sudo as the vault's owner
as() {
    u=$1; shift
    (cd "$T" && runuser -u "$u" -- sudo -n -u "$owner" "$VAULT_MUGAI" "$@")
}

# request_no FILE - the request number printed by `quarantine request`
request_no() { sed -n 's/^request \([0-9]*\) .*/\1/p' "$1"; }

# forge_chain LOG ID - rewrite the whole chain, consistently, without the
# vault's key: the store record of ID loses its virus
forge_chain() {
    runuser -u "$owner" -- python3 - "$1" "$2" <<'PY'
import hashlib, re, sys
log, vid = sys.argv[1], sys.argv[2]
out, prev = [], "0" * 64
for line in open(log, encoding="utf-8").read().splitlines():
    body = line[:line.index(',"prev":"')]
    if '"action":"store"' in body and '"id":"%s"' % vid in body:
        body = re.sub(r' virus=[^ "]*', "", body)
    rec = body + ',"prev":"%s"' % prev
    prev = hashlib.sha256(rec.encode()).hexdigest()
    out.append(rec + ',"hash":"%s"}' % prev)
open(log, "w", encoding="utf-8").write("\n".join(out) + "\n")
open(log + ".head", "w").write("%d %s\n" % (len(out), prev))
PY
}

# phase_vault_people AID - two people for a release, and no side door
phase_vault_people() {
    aid=$1
    alog=$T/audit/audit.log
    vgroup=$(awk '/^\[/ { v = ($0 == "[vault]") } v && $1 == "group" { print $3 }' "$MUGAI_CONF")
    if ! vault_people "$owner" "$vgroup"; then
        bad "vault: cannot create the test users"
        return
    fi
    # eve, in no group, can neither ask nor decide
    as mugaitest-eve quarantine -c "$MUGAI_CONF" request "$aid" --reason eve > "$T/out" 2>&1
    [ $? = 77 ] || bad "vault: eve (no group) could ask for a release: $(cat "$T/out")"
    # bob asks, and cannot approve his own request, whatever the environment says
    as mugaitest-bob quarantine -c "$MUGAI_CONF" request "$aid" --reason "bob asks" > "$T/out" 2>&1 \
        || bad "vault: bob's request failed: $(cat "$T/out")"
    rb=$(request_no "$T/out")
    as mugaitest-bob quarantine -c "$MUGAI_CONF" approve "$rb" > "$T/out" 2>&1 \
        && bad "vault: bob approved his own request"
    grep -q "was made by mugaitest-bob" "$T/out" || bad "vault: self-approval: $(cat "$T/out")"
    runuser -u mugaitest-bob -- env SUDO_UID="$(id -u mugaitest-alice)" SUDO_USER=mugaitest-alice \
        sudo -n -u "$owner" "$VAULT_MUGAI" quarantine -c "$MUGAI_CONF" approve "$rb" \
        > "$T/out" 2>&1 && bad "vault: bob approved his own request claiming to be alice"
    grep -q "was made by mugaitest-bob" "$T/out" || bad "vault: bob as alice: $(cat "$T/out")"
    # an environment is no identity: the vault's owner run directly (not
    # by sudo) with SUDO_UID set is still itself
    runuser -u "$owner" -- env SUDO_UID="$(id -u mugaitest-alice)" SUDO_USER=mugaitest-alice \
        "$VAULT_MUGAI" quarantine -c "$MUGAI_CONF" approve "$rb" > "$T/out" 2>&1 \
        && bad "vault: the vault's owner approved as alice through its environment"
    grep -q "^mugai: $owner is the vault's owner account, not a person" "$T/out" \
        || bad "vault: owner as alice: $(cat "$T/out")"
    # the vault's owner is no person, however one becomes it (setpriv
    # here; a sudo killed after the start looks the same): it asks for
    # nothing and decides nothing, and no request is recorded
    nreq() { runuser -u "$owner" -- sqlite3 "$T/vault/index.sqlite" "SELECT count(*) FROM requests"; }
    n0=$(nreq)
    setpriv --reuid="$owner" --regid="$(id -g "$owner")" --init-groups \
        "$VAULT_MUGAI" quarantine -c "$MUGAI_CONF" request "$aid" --reason owner > "$T/out" 2>&1
    [ $? = 77 ] || bad "vault: the vault's owner (setpriv) could ask for a release: $(cat "$T/out")"
    grep -q "not a person" "$T/out" || bad "vault: owner request: $(cat "$T/out")"
    for d in approve deny; do
        setpriv --reuid="$owner" --regid="$(id -g "$owner")" --init-groups \
            "$VAULT_MUGAI" quarantine -c "$MUGAI_CONF" $d "$rb" > "$T/out" 2>&1
        [ $? = 77 ] || bad "vault: the vault's owner (setpriv) could $d: $(cat "$T/out")"
    done
    [ "$(nreq)" = "$n0" ] || bad "vault: the vault's owner's request was recorded"
    [ "$(runuser -u "$owner" -- sqlite3 "$T/vault/index.sqlite" \
        "SELECT state FROM requests WHERE rid = $rb")" = pending ] \
        || bad "vault: the vault's owner decided request $rb"
    # a reason is one line: a newline would forge a line of the request list
    nl='forged
999  20990101-FORGED00  2099-01-01 00:00:00  approved  mugaitest-bob'
    for r in "$nl" "$(printf 'esc\033[2J')" "$(printf 'tab\there')"; do
        as mugaitest-alice quarantine -c "$MUGAI_CONF" request "$aid" --reason "$r" > "$T/out" 2>&1
        [ $? = 64 ] || bad "vault: a reason with a control character was taken: $(cat "$T/out")"
        grep -q "one line of text" "$T/out" || bad "vault: control reason: $(cat "$T/out")"
    done
    as mugaitest-bob quarantine -c "$MUGAI_CONF" deny "$rb" --reason "$nl" > "$T/out" 2>&1
    [ $? = 64 ] || bad "vault: a decision reason with a newline was taken: $(cat "$T/out")"
    as mugaitest-alice quarantine -c "$MUGAI_CONF" requests --all > "$T/out" 2>&1
    grep -q FORGED "$T/out" && bad "vault: a forged line in the request list"
    # neither eve nor alice (no approver) may decide
    as mugaitest-eve quarantine -c "$MUGAI_CONF" deny "$rb" > "$T/out" 2>&1
    [ $? = 77 ] || bad "vault: eve could decide on a request: $(cat "$T/out")"
    as mugaitest-alice quarantine -c "$MUGAI_CONF" deny "$rb" > "$T/out" 2>&1
    [ $? = 77 ] || bad "vault: alice (no approver) could decide on a request: $(cat "$T/out")"
    grep -q '"actor":"mugaitest-bob".*"action":"decision-refused"' "$alog" \
        || bad "vault: the refused self-approval is not in the audit chain"

    # alice asks, bob approves: the release goes through the LGWAN-side instance
    clear_maildir
    as mugaitest-alice quarantine -c "$MUGAI_CONF" request "$aid" --reason "postfix test" \
        > "$T/out" 2>&1 || bad "vault: alice's request failed: $(cat "$T/out")"
    ra=$(request_no "$T/out")
    if as mugaitest-bob quarantine -c "$MUGAI_CONF" approve "$ra" --reason checked \
        > "$T/release" 2>&1; then
        wait_count 1 30
        grep -l "^X-Mugai-Released: $aid" "$MAILDIR"/new/* >/dev/null 2>&1 \
            || bad "vault: released original did not arrive with X-Mugai-Released"
        say "vault: $aid asked for by alice (request $ra), approved by bob, arrived with X-Mugai-Released"
    else
        bad "vault: release failed: $(cat "$T/release")"
    fi
    ua=$(id -u mugaitest-alice); ub=$(id -u mugaitest-bob)
    for act in approve release; do
        grep "\"action\":\"$act\"" "$alog" | grep -q "requester=mugaitest-alice (uid $ua) approver=mugaitest-bob (uid $ub)" \
            || bad "vault: the $act record does not name both users"
    done
    # the one-person form is gone
    "$cli" quarantine -c "$MUGAI_CONF" release "$aid" --requester alice --approver bob \
        --reason x > /dev/null 2>&1 && bad "vault: the old release command still works"

    # no side door: another log, another config, another vault
    before=$(wc -l < "$alog"); items=$(q list | wc -l)
    as mugaitest-alice quarantine -c "$MUGAI_CONF" --audit-log /tmp/mugaitest-x.log \
        purge --older-than 1s > "$T/out" 2>&1 && bad "vault: --audit-log was accepted"
    sed "s|^audit_log = .*|audit_log = $T/alice-audit.log|" "$MUGAI_CONF" > "$T/alice.conf"
    chown mugaitest-alice "$T/alice.conf"
    as mugaitest-alice quarantine -c "$T/alice.conf" purge --older-than 1s > "$T/out" 2>&1 \
        && bad "vault: a configuration of alice's own was accepted"
    grep -q "refusing configuration" "$T/out" || bad "vault: alice's config: $(cat "$T/out")"
    as mugaitest-alice quarantine --vault-dir "$T/vault" -c "$MUGAI_CONF" purge --older-than 1s \
        > "$T/out" 2>&1 && bad "vault: --vault-dir was accepted through sudo"
    [ "$(q list | wc -l)" = "$items" ] || bad "vault: items went missing through a side door"
    # a configuration only root can change, naming another log: the vault
    # still writes to the log it recorded
    chown root "$T/alice.conf"
    as mugaitest-alice quarantine -c "$T/alice.conf" list > "$T/out" 2>&1 \
        || bad "vault: list with a root-owned config failed: $(cat "$T/out")"
    [ -e "$T/alice-audit.log" ] && bad "vault: a config moved the audit log"
    # nor makes alice an approver: the groups are the ones the vault recorded
    sed -i "s|^approver_group = .*|approver_group = $vgroup|" "$T/alice.conf"
    as mugaitest-alice quarantine -c "$T/alice.conf" deny "$rb" > "$T/out" 2>&1
    [ $? = 77 ] || bad "vault: a root-owned config made alice an approver: $(cat "$T/out")"
    grep -q "not a member of $VAULT_APPROVERS" "$T/out" || bad "vault: alice's groups: $(cat "$T/out")"
    [ "$(wc -l < "$alog")" -gt "$before" ] || bad "vault: the audit log did not grow"
    say "vault: requester cannot approve, outsiders refused, --audit-log/-c/--vault-dir side doors closed"
}

# phase_vault_evidence EID - the index and the chain against tampering
phase_vault_evidence() {
    eid=$1
    alog=$T/audit/audit.log
    id mugaitest-alice >/dev/null 2>&1 || return
    db=$T/vault/index.sqlite
    av() { as mugaitest-alice audit -c "$MUGAI_CONF" verify > "$T/verify" 2>&1; }
    sql() { runuser -u "$owner" -- sqlite3 "$db" "$1"; }
    av || bad "vault: audit verify through sudo: $(cat "$T/verify")"
    grep -q "head authenticated" "$T/verify" && grep -q "index agrees" "$T/verify" \
        || bad "vault: audit verify did not check key and index: $(cat "$T/verify")"
    sql "CREATE TABLE keep AS SELECT * FROM releases; DELETE FROM releases;"
    av && bad "vault: deleted releases rows went unnoticed"
    grep -q "releases rows were deleted" "$T/verify" || bad "vault: releases: $(cat "$T/verify")"
    sql "INSERT INTO releases SELECT * FROM keep; DROP TABLE keep;"
    virus=$(sql "SELECT virus FROM items WHERE id = '$eid'")
    sql "UPDATE items SET virus = NULL WHERE id = '$eid'"
    av && bad "vault: a cleared virus flag went unnoticed"
    grep -q "virus flag was changed" "$T/verify" || bad "vault: virus flag: $(cat "$T/verify")"
    sql "UPDATE items SET virus = '$virus' WHERE id = '$eid'"
    av || bad "vault: the restored index does not verify: $(cat "$T/verify")"
    cp -p "$alog" "$T/audit.keep"; cp -p "$alog.head" "$T/audit.head.keep"
    forge_chain "$alog" "$eid"
    av && bad "vault: a chain rewritten without the key went unnoticed"
    grep -q "not authenticated" "$T/verify" || bad "vault: rewritten chain: $(cat "$T/verify")"
    cp -p "$T/audit.keep" "$alog"; cp -p "$T/audit.head.keep" "$alog.head"
    av || bad "vault: the restored chain does not verify: $(cat "$T/verify")"
    # the key deleted: verify makes no new one, and fails
    key=$alog.key
    mv "$key" "$T/audit.key.keep"
    av && bad "vault: audit verify passed without the audit key"
    grep -q "audit key .* is missing" "$T/verify" || bad "vault: no key: $(cat "$T/verify")"
    [ -e "$key" ] && bad "vault: audit verify created an audit key"
    # another open makes a new key: a second audit-key record, found
    "$cli" quarantine -c "$MUGAI_CONF" list > /dev/null 2>&1
    [ -e "$key" ] || bad "vault: opening the vault made no new audit key"
    av && bad "vault: a replaced audit key went unnoticed"
    grep -q "second audit key" "$T/verify" || bad "vault: new key: $(cat "$T/verify")"
    rm -f "$key"; mv "$T/audit.key.keep" "$key"
    cp -p "$T/audit.keep" "$alog"; cp -p "$T/audit.head.keep" "$alog.head"
    av || bad "vault: the restored key does not verify: $(cat "$T/verify")"
    # an index that cannot be opened (mode 0640) fails verify for the owner and root
    chmod 0640 "$db"
    av; r1=$?
    "$cli" audit -c "$MUGAI_CONF" verify > "$T/verify.root" 2>&1; r2=$?
    chmod 0600 "$db"
    [ "$r1" = 1 ] && grep -q "cannot be checked" "$T/verify" \
        || bad "vault: verify (owner) with an index it cannot open: $r1 $(cat "$T/verify")"
    [ "$r2" = 1 ] && grep -q "cannot be checked" "$T/verify.root" \
        || bad "vault: verify (root) with an index it cannot open: $r2 $(cat "$T/verify.root")"
    av || bad "vault: the restored index mode does not verify: $(cat "$T/verify")"
    say "vault: deleted releases rows, a cleared virus flag, a chain rewritten without the key, a deleted or replaced key and an index verify cannot open are found"
}

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
    ug=$(sh tools/gateway.sh user); owner=${ug%%:*}
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

        # 3. a release takes two people, identified by the system
        phase_vault_people "$aid"
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
    [ -n "$id" ] && phase_vault_evidence "$id"
    vault_people_remove

    # 6. a full vault disk: tempfail, nothing delivered
    clear_maildir
    mkdir -p "$T/vaultfull"
    if mount -t tmpfs -o size=256k,mode=2750 mugai-test-vault "$T/vaultfull" 2>/dev/null; then
        chown "$ug" "$T/vaultfull"
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
