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
# Frames short only of their Ethernet FCS (origlen = caplen + 4, as a
# capture that records the wire length with the FCS gives): the IP
# datagrams are whole, nothing was lost, nothing to warn about.
if [ -x /usr/bin/python3 ]; then
	tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
	/usr/bin/python3 - "$top_srcdir/tests/captures/tls/tls12-rsa.pcap" "$tmp/fcs.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
out, i = bytearray(d[:24]), 24
while i + 16 <= len(d):
    ts, us, cl, ol = struct.unpack('<IIII', d[i:i + 16])
    out += struct.pack('<IIII', ts, us, cl, cl + 4) + d[i + 16:i + 16 + cl]
    i += 16 + cl
open(sys.argv[2], 'wb').write(out)
PY
	refuse fcs-not-snaplen "snapshot length" "$tmp/fcs.pcap"
	expect fcs-chain "CN=server.tlsdiag.test" "$tmp/fcs.pcap"
	refuse fcs-no-gap "gap" "$tmp/fcs.pcap"
fi
# A Certificate message with a hole (issue 14 item 4): the root after the
# hole is decoded, the certificate the hole cut is said to be lost.
t=$top_srcdir/tests/captures/tls
expect certs-lost "1 certificate of the server's chain was not captured" -v "$t/gap-in-certificate.pcap"
expect certs-after-hole "CN=tlsdiag Test RSA Root CA,O=tlsdiag tests,C=US" -v "$t/gap-in-certificate.pcap"
refuse certs-lost-not-empty "empty: no certificate sent" -v "$t/gap-in-certificate.pcap"
[ $fail = 0 ] && echo "all checks passed"
exit $fail
