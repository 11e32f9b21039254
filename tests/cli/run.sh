#!/bin/sh
# NAME
#	run.sh - the commands as a user runs them: build, config paths, install
# SYNOPSIS
#	tests/cli/run.sh [MUGAI]
# DESCRIPTION
#	make-deps     the Makefile asks pkg-config nothing when it is read;
#	              every building target (all, run, check, bench,
#	              install) runs deps before its first compile (make -n);
#	              and a real compile of sanitizer/charset.c (which needs
#	              uchardet's flags) works in one make although pkg-config
#	              fails until deps has "installed" the packages
#	config-paths  samples/mugai.conf from another working directory:
#	              check-config OK, the test virus found by `mugai
#	              sanitize`; a missing database named by check-config,
#	              with its absolute path, from two directories
#	config-modes  check-config (as root) warns when [milter] user cannot
#	              read the config (0600 root:root) or the signatures,
#	              and not when the file is root:GROUP 0640
#	install       make install DESTDIR=...: the config root:GROUP 0640
#	              (GROUP = [milter] group), the programs 0755; an
#	              existing config is left as it is
#	Run from the top of the source tree, as root (make check does).
set -u
MUGAI=${1:-build/mugai}
TOP=$(pwd)
case $MUGAI in /*) ;; *) MUGAI=$TOP/$MUGAI ;; esac
fail=0
tmp=$(mktemp -d /tmp/mugai-cli-XXXXXX)
chmod 0755 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
ok() { echo "cli $1: ok"; }
bad() { echo "cli $1: FAIL: $2"; fail=1; }

# make-deps ---------------------------------------------------------------
mkdir -p "$tmp/bin"
cat > "$tmp/bin/pkg-config" <<PC
#!/bin/sh
# fails like on a machine without the packages, until deps has run
echo "\$*" >> "$tmp/pkg-config.calls"
[ -f "$tmp/installed" ] || exit 1
exec /usr/bin/pkg-config "\$@"
PC
chmod +x "$tmp/bin/pkg-config"
r=ok
: > "$tmp/pkg-config.calls"
PATH=$tmp/bin:$PATH make -n --no-print-directory deps >/dev/null 2>&1
[ -s "$tmp/pkg-config.calls" ] && r="pkg-config called while the Makefile is read: $(head -n 1 "$tmp/pkg-config.calls")"
for target in all run check bench install; do
    PATH=$tmp/bin:$PATH make -n --no-print-directory BUILD="$tmp/n-$target" \
        DEPS_CMD="touch $tmp/installed" "$target" > "$tmp/n.out" 2>&1
    d=$(grep -n "touch $tmp/installed" "$tmp/n.out" | head -n 1 | cut -d: -f1)
    c=$(grep -n -- " -c -o " "$tmp/n.out" | head -n 1 | cut -d: -f1)
    if [ -z "$c" ]; then r="make -n $target compiles nothing"
    elif [ -z "$d" ] || [ "$d" -gt "$c" ]; then r="make $target compiles before deps"; fi
done
rm -f "$tmp/installed"
if ! PATH=$tmp/bin:$PATH make --no-print-directory BUILD="$tmp/b" \
    DEPS_CMD="touch $tmp/installed" "$tmp/b/sanitizer/charset.o" > "$tmp/b.out" 2>&1; then
    r="first build with packages installed by deps failed: $(grep -m1 "error:" "$tmp/b.out")"
fi
[ "$r" = ok ] && ok make-deps || bad make-deps "$r"

# config-paths ------------------------------------------------------------
r=ok
for dir in / "$tmp"; do
    out=$(cd "$dir" && "$MUGAI" check-config -c "$TOP/samples/mugai.conf" 2>&1) ||
        r="check-config from $dir: $out"
    (cd "$dir" && "$MUGAI" sanitize -c "$TOP/samples/mugai.conf" \
        < "$TOP/samples/scan/eicar-plain.eml" > /dev/null 2> "$tmp/san.err")
    rc=$?
    [ "$rc" = 2 ] && grep -q "virus found: Mugai.Test.EICAR" "$tmp/san.err" ||
        r="sanitize from $dir: exit $rc, $(cat "$tmp/san.err")"
done
mkdir -p "$tmp/conf"
sed 's|^database_dir = .*|database_dir = no-such-db|' samples/mugai.conf > "$tmp/conf/mugai.conf"
for dir in / "$TOP"; do
    out=$(cd "$dir" && "$MUGAI" check-config -c "$tmp/conf/mugai.conf" 2>&1) &&
        r="check-config from $dir accepts a missing database"
    echo "$out" | grep -q "database_dir $tmp/conf/no-such-db: .*No such file or directory" ||
        r="check-config from $dir does not name the missing database: $out"
done
[ "$r" = ok ] && ok config-paths || bad config-paths "$r"

# config-modes ------------------------------------------------------------
owner=$(sh tools/gateway.sh user)
user=${owner%%:*} group=${owner#*:}
r=ok
cp -R samples/test-signatures "$tmp/conf/sigs"
chmod -R a+rX "$tmp/conf/sigs"
sed 's|^database_dir = .*|database_dir = sigs|' samples/mugai.conf > "$tmp/conf/mugai.conf"
chmod 0600 "$tmp/conf/mugai.conf"
out=$("$MUGAI" check-config -c "$tmp/conf/mugai.conf" 2>&1) || r="0600: check-config failed: $out"
echo "$out" | grep -q "warning: \[milter\] user $user (group $group) cannot read this file (0600 root:root" ||
    r="0600 root:root: no warning: $out"
chgrp "$group" "$tmp/conf/mugai.conf"
chmod 0640 "$tmp/conf/mugai.conf"
out=$("$MUGAI" check-config -c "$tmp/conf/mugai.conf" 2>&1)
echo "$out" | grep "warning" | grep -qv "release TLS credentials" && r="root:$group 0640: warned: $out"
chmod 0700 "$tmp/conf/sigs"
out=$("$MUGAI" check-config -c "$tmp/conf/mugai.conf" 2>&1)
echo "$out" | grep -q "cannot read \[scan\] database_dir $tmp/conf/sigs" ||
    r="closed signatures: no warning: $out"
[ "$r" = ok ] && ok config-modes || bad config-modes "$r"

# install -----------------------------------------------------------------
r=ok
dest=$tmp/dest
if ! make --no-print-directory install DESTDIR="$dest" PREFIX=/usr/local > "$tmp/i.out" 2>&1; then
    r="make install failed: $(tail -n 3 "$tmp/i.out")"
else
    conf=$dest/etc/mugai/mugai.conf
    [ "$(stat -c '%a %U:%G' "$conf")" = "640 root:$group" ] ||
        r="config installed $(stat -c '%a %U:%G' "$conf"), expected 640 root:$group"
    [ "$(stat -c %a "$dest/usr/local/sbin/mugai-milter")" = 755 ] || r="mugai-milter not 0755"
    cmp -s "$conf" contrib/mugai.conf || r="installed config differs from contrib/mugai.conf"
    echo "# edited" >> "$conf"
    chmod 0600 "$conf"
    make --no-print-directory install DESTDIR="$dest" PREFIX=/usr/local > "$tmp/i.out" 2>&1
    { tail -n 1 "$conf" | grep -q "# edited" && [ "$(stat -c %a "$conf")" = 600 ]; } ||
        r="a second install changed an existing config"
fi
[ "$r" = ok ] && ok install || bad install "$r"
exit $fail
