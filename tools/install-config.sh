#!/bin/sh
# NAME
#	install-config.sh - install mugai.conf for the daemon and the CSIRT
# SYNOPSIS
#	tools/install-config.sh SRC DEST [DESTDIR]
# DESCRIPTION
#	`make install` calls it. A DEST that exists is an administrator's
#	file and is left as it is (`mugai check-config` says when its mode
#	or owner keep mugai-milter's user from reading it). A new DEST is
#	SRC with owner root, the group of SRC's [milter] group (mugai) and
#	mode 0640:
#	  - mugai-milter reads the file again, as that user, at every
#	    reload, and `sudo -u mugai mugai quarantine` reads it too;
#	  - it stays root's, so that the daemon it configures cannot
#	    change its own policy, and unreadable to other local users.
#	Installing into the running system (no DESTDIR) as root creates
#	the [milter] user and group when they are missing (as the demo
#	does, tools/gateway.sh user). Under a DESTDIR, or without root, the
#	group is set only where it exists already; otherwise a note says
#	what to run on the target.
set -eu
SRC=$1 DEST=$2 DESTDIR=${3:-}
if [ -e "$DEST" ]; then
    echo "install-config: $DEST exists, left as it is"
    exit 0
fi
# the daemon's group: [milter] group ([vault] has a group key too)
group=$(awk '/^\[/{s=$0} s=="[milter]" && /^[[:space:]]*group[[:space:]]*=/ {
    sub(/^[^=]*=[[:space:]]*/, ""); gsub(/"/, ""); v=$0 } END { print v }' "$SRC")
group=${group:-mugai}
install -m 0640 "$SRC" "$DEST"
if [ "$(id -u)" = 0 ]; then
    if [ -z "$DESTDIR" ]; then
        MUGAI_CONF=$SRC sh "$(dirname "$0")/gateway.sh" user >/dev/null
    fi
    if getent group "$group" >/dev/null; then
        chown "root:$group" "$DEST"
        echo "install-config: $DEST root:$group 0640"
        exit 0
    fi
fi
echo "install-config: $DEST installed 0640 without group '$group'; on the" \
     "target run: chown root:$group ${DEST#"$DESTDIR"}" >&2
