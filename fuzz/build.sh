#!/bin/sh
# build.sh - build the libFuzzer targets with clang into build/fuzz/.
# Run one:  build/fuzz/fuzz_engine tests/fuzz-corpus/engine -max_total_time=60
#   fuzz_engine    engine_run without a scanner (the built-in type rules)
#   fuzz_htmltext  the HTML to text converter
#   fuzz_gateway   engine_run as mugai-milter runs it: libclamav with
#                  samples/test-signatures ($MUGAI_FUZZ_SIGS), archives on;
#                  run it from the source tree, seeds in
#                  tests/fuzz-corpus/gateway (samples/scan)
# Leaks (LeakSanitizer): libclamav 1.4 leaks a few KB inside its own
# parsers on some inputs (found by fuzz_gateway within two minutes:
# cli_max_malloc/cli_max_realloc). libclamav has no frame pointers, so
# the stack of such a leak stops inside libclamav.so: fuzz_gateway
# suppresses allocations made by libclamav ("leak:libclamav.so", in
# __lsan_default_suppressions built into the target, so no LSAN_OPTIONS
# are needed and make check's ASan replay applies the same rule). A leak
# allocated by our own code is still reported and fails the run. The
# daemon builds its libclamav engine afresh every 100000 scans, and
# bench/soak.sh shows its memory over a long run.
set -eu
mkdir -p build/fuzz
CFLAGS="-std=c11 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer,address,undefined \
$(pkg-config --cflags gmime-3.0 libxml-2.0 libzip uchardet inih libcrypto | sed 's/-I/-isystem /g')"
LIBS="$(pkg-config --libs gmime-3.0 libxml-2.0 libzip uchardet inih libcrypto libclamav libarchive sqlite3) -lmagic -lpthread"
SRC="$(ls sanitizer/*.c policy/*.c)"
for t in engine htmltext bincut gateway; do
    clang $CFLAGS -o build/fuzz/fuzz_$t fuzz/fuzz_$t.c $SRC $LIBS
    echo "built build/fuzz/fuzz_$t (corpus: tests/fuzz-corpus/$t)"
done
