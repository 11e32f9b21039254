#!/bin/sh
# demo.sh - `make run`: show what an LGWAN terminal receives for each bundled
# sample, using the embedded defaults of samples/mugai.conf.
set -u
MUGAI=${1:-build/mugai}
OUT=var/demo
mkdir -p "$OUT"
"$MUGAI" check-config -c samples/mugai.conf || exit 1
echo
printf '%-32s %-10s %s\n' SAMPLE VERDICT "REMOVED / RESULT"
for f in samples/*.eml; do
    n=$(basename "$f" .eml)
    "$MUGAI" sanitize -c samples/mugai.conf --report "$OUT/$n.json" "$f" -o "$OUT/$n.eml" 2>"$OUT/$n.err"
    rc=$?
    case $rc in
        0) v=sanitized; r=$(sed -n 's/^X-Mugai-Result: //p' "$OUT/$n.eml") ;;
        2) v=rejected; r=$(cat "$OUT/$n.err") ;;
        75) v=tempfail; r=$(cat "$OUT/$n.err") ;;
        *) v="exit $rc"; r=$(cat "$OUT/$n.err") ;;
    esac
    printf '%-32s %-10s %s\n' "$n" "$v" "$r"
done
echo
echo "Sanitized mails and JSON reports are in $OUT/."
echo "Example (decoded): $MUGAI sanitize samples/ja-rfc2231-attachment.eml"
echo
python3 - "$OUT/ja-rfc2231-attachment.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
print('Subject:', m['subject'])
print(m.get_content())
PY
