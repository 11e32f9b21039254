#!/bin/sh
# run_unit.sh - run every cmocka test binary given; fail if any fails.
fail=0
for t in "$@"; do
    "$t" || fail=1
done
exit $fail
