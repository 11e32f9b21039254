#!/bin/sh
# NAME
#	tls_certs.sh - certificates for the release client's unit tests
# SYNOPSIS
#	sh tests/unit/tls_certs.sh DIR
# DESCRIPTION
#	Two private CAs, "ca" (the site's) and "rogue" (anyone else's), each
#	with a server certificate for 127.0.0.1 and localhost (SERVER.crt,
#	SERVER.key: ca-server, rogue-server) and a client certificate
#	(ca-client, rogue-client). Keys are EC P-256, mode 0600.
set -eu
d=$1
mkdir -p "$d"
cd "$d"
umask 077
key() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
}
for ca in ca rogue; do
    key "$ca"
    openssl req -x509 -new -key "$ca.key" -out "$ca.crt" -days 2 -subj "/CN=test $ca" \
        -addext "basicConstraints = critical, CA:TRUE" \
        -addext "keyUsage = critical, keyCertSign" 2>/dev/null
    for leaf in server client; do
        n=$ca-$leaf
        key "$n"
        if [ $leaf = server ]; then
            printf '%s\n' "extendedKeyUsage = serverAuth" \
                "subjectAltName = IP:127.0.0.1, DNS:localhost" > "$n.ext"
        else
            printf '%s\n' "extendedKeyUsage = clientAuth" > "$n.ext"
        fi
        openssl req -new -key "$n.key" -subj "/CN=$n" 2>/dev/null |
            openssl x509 -req -CA "$ca.crt" -CAkey "$ca.key" -set_serial 1 -days 2 \
                -extfile "$n.ext" -out "$n.crt" 2>/dev/null
        rm -f "$n.ext"
    done
done
chmod 0644 ./*.crt
