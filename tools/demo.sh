#!/bin/sh
# demo.sh - `make run`: start the loopback demo gateway (tools/gateway.sh)
# and tell how to send it a mail and where to read what the LGWAN side got.
# Running it again while the gateway runs is harmless.
set -eu
cd "$(dirname "$0")/.."
# the demo's TLS certificates first: check-config checks the release's
sh tools/gateway.sh certs
build/mugai check-config -c samples/mugai.conf >/dev/null
sh tools/gateway.sh start
cat <<'TXT'

mugai demo gateway is running on loopback:
  127.0.0.1:10025  gateway (Postfix + mugai-milter, samples/mugai.conf)
  127.0.0.1:10026  LGWAN-side server, delivers into var/lgwan/Maildir/; it takes
                   mail only over TLS from the gateway's two client certificates
                   (var/tls/), so a plain swaks to it is refused

Send a sample mail (any sender and recipient are accepted):
  swaks --server 127.0.0.1:10025 --from alice@example.com \
        --to soumu@city.example.lg.jp --data samples/ja-rfc2231-attachment.eml

Read what the LGWAN side received (decoded):
  tools/lgwan-read.py                 # the newest mail
  ls var/lgwan/Maildir/new/           # the raw files

Logs: var/log/mugai-milter.log (one line per mail), var/log/postfix-gw.log,
var/log/postfix-lgwan.log. Reload the config: kill -USR1 $(cat var/run/mugai-milter.pid)
Stop everything: make stop
TXT
