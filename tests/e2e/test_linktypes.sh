#!/bin/sh
# test_linktypes.sh - every capture format, link type, tunnel and IP
# feature of the corpus gives the expected flows and streams.
#
# For each capture below, `tlsdiag --streams --dump-streams` must report
# what tests/captures/capture/expected.txt says (written from how
# tests/captures/gen_capture_corpus.py built the file and checked against
# tshark): the file line (format, link type name, packet count), each flow
# by endpoints with its id, syn/midstream, frames and close reason, every
# per-direction counter, the anomalies line (fragments reassembled,
# checksums), and the SHA-256 of each dumped stream.  The link-type files
# all carry the same real TLS exchange, so a decoder that slips one byte
# anywhere changes a hash.
#
# The nanosecond captures (pcap_nanosecond.pcap, pcapng_nanosecond.pcapng,
# interface 1 of pcapng_two_linktypes.pcapng) space their packets so that
# reading nanoseconds as microseconds would open 300+ s silences: the flows
# would be closed "idle" instead of "fin".

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp

FILES="
lt_ethernet.pcap
lt_vlan_8021q.pcap
lt_qinq.pcap
lt_linux_sll.pcap
lt_linux_sll2.pcap
lt_raw_ipv4_ipv6.pcap
lt_ipv4.pcap
lt_ipv6.pcap
lt_null_le.pcap
lt_null_be.pcap
lt_loop.pcap
pcapng_two_linktypes.pcapng
pcapng_nanosecond.pcapng
pcap_big_endian.pcap
pcap_nanosecond.pcap
compressed.pcap.gz
tun_erspan_type2.pcap
tun_erspan_type3.pcap
tun_erspan_type3_platform.pcap
tun_gre_ipv4.pcap
tun_gre_teb.pcap
ip6_exthdrs.pcap
ip4_fragments.pcap
ip6_fragments.pcap
bad_checksums.pcap
"

for f in $FILES; do
	if [ ! -r "$CORPUS/$f" ]; then
		fail "$f missing from the corpus"
		continue
	fi
	streams_check_file "$f"
	if [ "$rc" -ne 0 ]; then
		fail "$f: exit status $rc"
	fi
	if [ -s "$TMP/err.$f" ]; then
		fail "$f: unexpected messages on stderr:"
		sed 's/^/    /' "$TMP/err.$f"
	fi
done

# The two-link-type pcapng must name both link types on its file line.
lt=$(sed -n 's/^file [^ ]*pcapng_two_linktypes.pcapng: //p' \
	"$TMP/out.pcapng_two_linktypes.pcapng")
case $lt in
*ETHERNET*LINUX_SLL*|*LINUX_SLL*ETHERNET*) ;;
*) fail "pcapng_two_linktypes.pcapng: file line should name ETHERNET and LINUX_SLL: '$lt'" ;;
esac

# All link-type files in one run: one block each, in argument order, each
# the same as when the file is read alone (no state leaks between files).
set --
for f in $FILES; do set -- "$@" "$CORPUS/$f"; done
run_tlsdiag "$TMP/all.out" "$TMP/all.err" --streams "$@"
got=$(awk '$1 == "file" { sub(/:$/, "", $2); n = split($2, p, "/"); printf "%s ", p[n] }' "$TMP/all.out")
want=$(printf '%s ' $FILES)
if [ "$got" != "$want" ]; then
	fail "one run over all files: blocks '$got', expected '$want'"
fi
for f in $FILES; do
	block_of "$CORPUS/$f" "$TMP/all.out" >"$TMP/allblock.$f"
	if ! cmp -s "$TMP/allblock.$f" "$TMP/block.$f"; then
		fail "$f: the report in a run over all files differs from a run on it alone:"
		diff "$TMP/block.$f" "$TMP/allblock.$f" | sed 's/^/    /'
	fi
done
if [ -s "$TMP/all.err" ]; then
	fail "run over all files: unexpected messages on stderr:"
	sed 's/^/    /' "$TMP/all.err"
fi
[ "$rc" -eq 0 ] || fail "run over all files: exit status $rc"

finish
