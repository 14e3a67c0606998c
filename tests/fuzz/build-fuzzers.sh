#!/bin/sh
# Build the libFuzzer binaries for the capture-stage targets with clang.
#
#   tests/fuzz/build-fuzzers.sh [outdir]      (default: ./fuzz-build)
#
# The code under test is compiled from source here (not linked from
# libtlsdiag.a) so that it carries libFuzzer's coverage instrumentation.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-fuzz-build}
CC=${CC:-clang}
CFLAGS=${CFLAGS:--g -O1 -fno-omit-frame-pointer}
SAN=${SAN:--fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all}
mkdir -p "$out"
cap="$top/capture/cursor.c $top/capture/xalloc.c $top/capture/source.c \
     $top/capture/decode.c $top/capture/tcp.c"
for t in decode tcp source; do
	# shellcheck disable=SC2086
	$CC $CFLAGS $SAN -std=gnu11 -D_GNU_SOURCE -I"$top" \
		"$top/tests/fuzz/fuzz_$t.c" $cap -lz -o "$out/fuzz_$t"
	echo "built $out/fuzz_$t"
done
