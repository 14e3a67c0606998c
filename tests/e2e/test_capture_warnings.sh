#!/bin/bash
# What the capture hides is said in the report, once per file: packets cut
# by the snapshot length, flows evicted from a full flow table, holes given
# up at the buffer ceiling; and nothing of the kind for a clean capture.
set -u
: "${TLSDIAG:?}" "${top_srcdir:?}"
c=$top_srcdir/tests/captures/capture
fail=0
expect() { # name pattern args...
	local name=$1 pat=$2; shift 2
	if ! "$TLSDIAG" --report -q "$@" 2>&1 | grep -q -- "$pat"; then
		echo "FAIL: $name: no '$pat'"; fail=1
	fi
}
refuse() {
	local name=$1 pat=$2; shift 2
	if "$TLSDIAG" --report -q "$@" 2>&1 | grep -q -- "$pat"; then
		echo "FAIL: $name: unexpected '$pat'"; fail=1
	fi
}
expect snaplen "5 packets were cut short at 96 bytes by the capture's snapshot length" "$c/snaplen96.pcap"
expect snaplen-advice "tcpdump -s 0" "$c/snaplen96.pcap"
expect evicted "TCP flows were evicted" --max-flows 1 "$c/tcp_interleaved.pcap"
expect overflow "holes were given up" --max-buffer 100 "$c/tcp_reversed.pcap"
# Alerts after a ChangeCipherSpec the snaplen hid are encrypted, not decoded.
expect snaplen-encrypted-alert "encrypted alert from the client" "$c/snaplen96.pcap"
refuse snaplen-not-late "capture starts after" "$c/snaplen96.pcap"
refuse snaplen-garbage-alert "Alert:    level" "$c/snaplen96.pcap"
refuse clean-snaplen "snapshot length" "$c/lt_ethernet.pcap"
refuse clean-evicted "evicted" "$c/tcp_interleaved.pcap"
[ $fail = 0 ] && echo "all checks passed"
exit $fail
