#!/bin/sh
# run_golden.sh - sample and hostile corpus through the mugai binary given.
exec python3 tests/golden.py "$1"
