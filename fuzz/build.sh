#!/bin/sh
# build.sh - build the libFuzzer targets with clang into build/fuzz/.
# Run one:  build/fuzz/fuzz_engine tests/fuzz-corpus/engine -max_total_time=60
set -eu
mkdir -p build/fuzz
CFLAGS="-std=c11 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer,address,undefined \
$(pkg-config --cflags gmime-3.0 libxml-2.0 libzip uchardet inih libcrypto | sed 's/-I/-isystem /g')"
LIBS="$(pkg-config --libs gmime-3.0 libxml-2.0 libzip uchardet inih libcrypto libclamav libarchive sqlite3) -lmagic -lpthread"
SRC="$(ls sanitizer/*.c policy/*.c)"
for t in engine htmltext bincut; do
    clang $CFLAGS -o build/fuzz/fuzz_$t fuzz/fuzz_$t.c $SRC $LIBS
    echo "built build/fuzz/fuzz_$t (corpus: tests/fuzz-corpus/$t)"
done
