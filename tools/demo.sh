#!/bin/sh
# demo.sh - `make run`: start the loopback demo gateway (tools/gateway.sh)
# and tell how to send it a mail and where to read what the LGWAN side got.
# Running it again while the gateway runs is harmless.
set -eu
cd "$(dirname "$0")/.."
# the config the milter will run with (a copy when the tree is out of
# the daemons' reach), the demo's TLS certificates (check-config checks
# the release's), then its errors, its signatures and its modes
conf=$(sh tools/gateway.sh prepare)
sh tools/gateway.sh certs
build/mugai check-config -c "$conf" >/dev/null
sh tools/gateway.sh start
state=$(cd var && pwd -P)
cat <<TXT

mugai demo gateway is running on loopback:
  127.0.0.1:${MUGAI_SMTP_PORT:-10025}  gateway (Postfix + mugai-milter, $conf)
  127.0.0.1:${MUGAI_LGWAN_PORT:-10026}  LGWAN-side server, delivers into var/lgwan/Maildir/; it takes
                   mail only over TLS from the gateway's two client certificates
                   (var/tls/), so a plain swaks to it is refused

The demo's state (queues, spool, vault, logs, the LGWAN Maildir) is in
$state/ (var/ of the source tree, or what it links to).

Send a sample mail (any sender and recipient are accepted):
  swaks --server 127.0.0.1:${MUGAI_SMTP_PORT:-10025} --from alice@example.com \\
        --to soumu@city.example.lg.jp --data samples/ja-rfc2231-attachment.eml

Read what the LGWAN side received (decoded):
  tools/lgwan-read.py                 # the newest mail
  ls var/lgwan/Maildir/new/           # the raw files

Originals kept in the vault (this config; the vault refuses a path
through the var link):
  build/mugai quarantine -c $conf list

Logs: var/log/mugai-milter.log (one line per mail), var/log/postfix-gw.log,
var/log/postfix-lgwan.log. After editing samples/mugai.conf:
sh tools/gateway.sh reload. Stop everything: make stop
TXT
