#!/bin/sh
# deps.sh - install the Debian packages mugai needs, only those missing.
# Idempotent: a machine that has everything makes no apt call at all.
# "deps.sh bench" adds what only the benchmark compares against.
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev \
libmilter-dev libgmime-3.0-dev libmagic-dev libmagic-mgc libclamav-dev libzip-dev libarchive-dev \
libcmocka-dev libxml2-dev libinih-dev libuchardet-dev libsqlite3-dev \
libseccomp-dev libqpdf-dev libssl-dev openssl \
postfix swaks miltertest clamav clamav-daemon clamav-milter python3 sudo sqlite3"
# What the compared programs need at run time is named here, not left to
# recommendations (--no-install-recommends): mimedefang.pl loads Net::DNS
# at start, bench/mimedefang-filter HTML::TreeBuilder and HTML::FormatText;
# clamd and clamav-milter come with the base list.
[ "${1:-}" = bench ] && PKGS="$PKGS mimedefang libnet-dns-perl libhtml-tree-perl \
libhtml-format-perl libhtml-parser-perl"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages:$missing (run as root to install them)" >&2
    exit 1
fi
echo "deps: installing$missing"
# Postfix must not ask questions nor become the system's mail server by surprise.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string localhost" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
