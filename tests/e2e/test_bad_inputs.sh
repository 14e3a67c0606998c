#!/bin/sh
# test_bad_inputs.sh - damaged, odd and missing inputs to `tlsdiag --streams`.
#
# Exit status: 0 when anything was read, 2 when nothing could be (missing
# file, empty file, not a capture).  Never a crash or a sanitizer report.
#
#  - empty.pcap, not_a_capture.txt, a missing file, a text file on stdin:
#    status 2, a message naming the file, no flows.
#  - unknown_linktype_user0.pcap: the message names link type 147; no flows.
#  - truncated.pcap (cut inside frame 10's data): the flow of frames 1-9 is
#    reported exactly as expected.txt says, status 0, and the message gives
#    the byte offset (of the record, of its data, or of the end of file).
#  - corrupt_caplen.pcap (record 8 claims caplen 0x7ffffff0): frames 1-7
#    reported, status 0, the message gives the record's byte offset.
#  - snaplen96.pcap: flows as expected (cut tails are gaps), anomalies
#    snaplen_cut 5, and a message that names the snaplen (96).
#  - compressed.pcap.gz read directly; pcap, pcapng and gzip on stdin ("-"),
#    also with --dump-streams (files named stdin.flowN.*); a truncated file
#    on stdin still gives its offset.
#  - several files in one run, good and bad mixed: one block per readable
#    file in argument order, each the same as when run alone, a message per
#    bad file.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp

has_flows() { grep -q '^flow ' "$1"; }

# ---- nothing readable: status 2 ----------------------------------------
for name in empty.pcap not_a_capture.txt; do
	run_tlsdiag "$TMP/o" "$TMP/e" --streams "$CORPUS/$name"
	[ "$rc" -eq 2 ] || fail "$name: exit status $rc, expected 2"
	grep -q "$name" "$TMP/e" || fail "$name: no message naming the file on stderr"
	! has_flows "$TMP/o" || fail "$name: flows reported"
done

missing=$TMP/does-not-exist.pcap
run_tlsdiag "$TMP/o" "$TMP/e" --streams "$missing"
[ "$rc" -eq 2 ] || fail "missing file: exit status $rc, expected 2"
grep -q "does-not-exist.pcap" "$TMP/e" || fail "missing file: no message naming it"

"$TLSDIAG" --streams - <"$CORPUS/not_a_capture.txt" >"$TMP/o" 2>"$TMP/e"
rc=$?
[ "$rc" -eq 2 ] || fail "text on stdin: exit status $rc, expected 2"
[ -s "$TMP/e" ] || fail "text on stdin: no message"

# ---- unknown link type --------------------------------------------------
name=unknown_linktype_user0.pcap
run_tlsdiag "$TMP/o" "$TMP/e" --streams "$CORPUS/$name"
grep -q '147' "$TMP/o" "$TMP/e" ||
	fail "$name: no message naming link type 147"
! has_flows "$TMP/o" || fail "$name: flows reported"
[ "$rc" -lt 128 ] || fail "$name: status $rc"

# ---- truncated file -----------------------------------------------------
offset_named() { # FILE N... : some N appears as a number in FILE
	_file=$1
	shift
	for _n in "$@"; do
		grep -Eq "(^|[^0-9])$_n([^0-9]|\$)" "$_file" && return 0
	done
	return 1
}

name=truncated.pcap
rec=$(expect_field $name cut record_offset)
size=$(expect_field $name cut record_offset "$rec" file_size)
[ -n "$rec" ] && [ -n "$size" ] || fail "$name: expected.txt has no cut line"
streams_check_file $name
[ "$rc" -eq 0 ] || fail "$name: exit status $rc, expected 0 (packets were read)"
offset_named "$TMP/err.$name" "$rec" $((rec + 16)) "$size" ||
	fail "$name: message does not give the byte offset ($rec, $((rec + 16)) or $size): $(cat "$TMP/err.$name")"

run_tlsdiag "$TMP/o" "$TMP/e" --streams - <"$CORPUS/$name"
block_of - "$TMP/o" >"$TMP/b"
check_streams $name "$TMP/b" || echo "    (truncated file on stdin)"
offset_named "$TMP/e" "$rec" $((rec + 16)) "$size" ||
	fail "$name on stdin: message does not give the byte offset: $(cat "$TMP/e")"

# ---- corrupt record -----------------------------------------------------
name=corrupt_caplen.pcap
rec=$(expect_field $name corrupt record_offset)
[ -n "$rec" ] || fail "$name: expected.txt has no corrupt line"
streams_check_file $name
[ "$rc" -eq 0 ] || fail "$name: exit status $rc, expected 0 (packets were read)"
offset_named "$TMP/err.$name" "$rec" $((rec + 8)) ||
	fail "$name: message does not give the record's byte offset $rec: $(cat "$TMP/err.$name")"

# ---- snaplen ------------------------------------------------------------
name=snaplen96.pcap
streams_check_file $name
[ "$rc" -eq 0 ] || fail "$name: exit status $rc"
if ! grep -Eiq 'snaplen|snapshot length' "$TMP/err.$name" "$TMP/out.$name"; then
	fail "$name: no message about the snaplen"
elif ! grep -Ei 'snaplen|snapshot length' "$TMP/err.$name" "$TMP/out.$name" | grep -q '96'; then
	fail "$name: the snaplen message does not say 96"
fi

# ---- gzip, stdin ----------------------------------------------------------
streams_check_file compressed.pcap.gz
[ "$rc" -eq 0 ] || fail "compressed.pcap.gz: exit status $rc"

for name in lt_ethernet.pcap compressed.pcap.gz pcapng_two_linktypes.pcapng tcp_gap.pcap; do
	rm -rf "$TMP/sd"
	mkdir "$TMP/sd"
	cat "$CORPUS/$name" | "$TLSDIAG" --streams --dump-streams "$TMP/sd" - >"$TMP/o" 2>"$TMP/e"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$name on stdin: exit status $rc"
	block_of - "$TMP/o" >"$TMP/b"
	[ -s "$TMP/b" ] || fail "$name on stdin: no \"file -:\" block"
	dump_sums "$TMP/sd" stdin >"$TMP/s"
	check_streams "$name" "$TMP/b" "$TMP/s" || echo "    ($name on stdin)"
done

# ---- several files, good and bad ----------------------------------------
run_tlsdiag "$TMP/o" "$TMP/e" --streams "$CORPUS/tcp_gap.pcap" "$missing" \
	"$CORPUS/empty.pcap" "$CORPUS/lt_ethernet.pcap" "$CORPUS/truncated.pcap" \
	"$CORPUS/tcp_gap.pcap"
got=$(awk '$1 == "file" { sub(/:$/, "", $2); n = split($2, p, "/"); printf "%s ", p[n] }' "$TMP/o")
want="tcp_gap.pcap lt_ethernet.pcap truncated.pcap tcp_gap.pcap "
[ "$got" = "$want" ] || fail "several files: blocks for '$got', expected '$want'"
grep -q does-not-exist.pcap "$TMP/e" || fail "several files: no message for the missing file"
grep -q empty.pcap "$TMP/e" || fail "several files: no message for empty.pcap"
grep -q truncated.pcap "$TMP/e" || fail "several files: no message for truncated.pcap"
# nth_block LABEL N: the Nth block for LABEL (tcp_gap.pcap is given twice)
nth_block() {
	awk -v l="$1:" -v want="$2" '
		$1 == "file" { n += ($2 == l); inb = ($2 == l) }
		inb && n == want' "$TMP/o"
}
for name in tcp_gap.pcap lt_ethernet.pcap truncated.pcap; do
	nth_block "$CORPUS/$name" 1 >"$TMP/b"
	check_streams "$name" "$TMP/b" || echo "    (in a run over several files)"
done
a=$(nth_block "$CORPUS/tcp_gap.pcap" 1)
b=$(nth_block "$CORPUS/tcp_gap.pcap" 2)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "several files: tcp_gap.pcap gives different reports the first and second time"

finish
