#!/bin/bash
# bench.sh - speed and memory of tlsdiag against tshark on one large
# capture, measured in one run (ratios, since machines here are noisy).
#
#   tests/bench/bench.sh [TLSDIAG] [SESSIONS] [BULK_MB]
#
# The capture is generated (deterministically) from the repository's real
# handshake captures plus bulk flows; see make-bench-pcap.py. Prints wall
# and CPU time (user+sys: steadier than wall time on a shared machine),
# throughput, peak RSS, lines of output, and the ratios to tshark doing the
# least it can to show the same certificates.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/tlsdiag}
sessions=${2:-20000}
bulk=${3:-300}
work=${BENCH_DIR:-/tmp/tlsdiag-bench}
mkdir -p "$work"
pcap=$work/bench-$sessions-$bulk.pcap
if [ ! -s "$pcap" ]; then
	/usr/bin/python3 "$here/make-bench-pcap.py" "$pcap" --sessions "$sessions" --bulk-mb "$bulk" \
		"$top"/tests/captures/tls/tls12-mtls.pcap "$top"/tests/captures/tls/alert-before-ccs.pcap \
		"$top"/tests/captures/tls/tls12-rsa-chain3.pcap "$top"/tests/captures/tls/tls12-ecdsa.pcap \
		"$top"/tests/captures/tls/tls13-rsa.pcap
fi
size=$(stat -c %s "$pcap")
mb=$(awk -v s="$size" 'BEGIN{printf "%.1f", s/1048576}')

measure() { # name cmd... -> prints "name secs rss_kb" and sets SECS RSS
	local name=$1; shift
	local t0 t1 out
	out=$(mktemp)
	t0=$(date +%s.%N)
	/usr/bin/time -f "%M %U %S" -o "$out.rss" "$@" > "$out" 2>/dev/null || true
	t1=$(date +%s.%N)
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
	read -r RSS usr sys < <(tail -1 "$out.rss")
	CPU=$(awk -v u="$usr" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
	LINES=$(wc -l < "$out")
	rm -f "$out" "$out.rss"
	printf '%-24s %7s s wall %7s s cpu %8.1f MB/s (cpu) %6d MB peak RSS %7d lines\n' "$name" \
		"$SECS" "$CPU" "$(awk -v m="$mb" -v s="$CPU" 'BEGIN{print (s>0)? m/s : 0}')" \
		$((RSS / 1024)) "$LINES"
}

echo "capture: $pcap ($mb MB, $sessions handshakes + bulk flows)"
measure "tlsdiag --json" "$bin" --json -j 1 "$pcap"
td_s=$CPU td_rss=$RSS
if command -v tshark >/dev/null; then
	measure "tshark certificates" tshark -r "$pcap" -n -Y "tls.handshake.type == 11" \
		-T fields -e frame.number -e tls.handshake.certificate
	ts_s=$CPU ts_rss=$RSS
	awk -v a="$td_s" -v b="$ts_s" -v ra="$td_rss" -v rb="$ts_rss" 'BEGIN{
		printf "ratio (CPU time, one run): tlsdiag is %.1fx faster than tshark, using %.2fx its memory\n",
		(a>0)? b/a : 0, (rb>0)? ra/rb : 0 }'
fi
