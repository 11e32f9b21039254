#!/bin/sh
# run_golden.sh - sample and hostile corpus through the mugai binary given,
# then the whole-message limits (a generated 48 MB mail, check-config).
python3 tests/golden.py "$1" || exit 1
exec python3 tests/limits.py "$1"
