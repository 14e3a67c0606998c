#!/bin/sh
# test_streams_vs_tshark.sh - tlsdiag's TCP reassembly against tshark and
# against the hand-derived expectations of the corpus.
#
# For every TCP capture of tests/captures/capture (kind "tcp" in
# expected.txt; the damaged files are test_bad_inputs.sh's):
#
# 1. `tlsdiag --streams --dump-streams DIR FILE` must match expected.txt:
#    flows by endpoints, id, syn/midstream, frames, close reason, every
#    per-direction counter (bytes, segments, gaps N/BYTES, retrans, ooo,
#    overlaps N/CONFLICTS, snapcut), anomalies, and the SHA-256 of each
#    dumped stream.
#
# 2. For every tshark TCP stream (`tshark -q -z follow,tcp,raw,N`), mapped
#    to our flow by its two endpoints (tshark's node 0 is the first sender,
#    so it may be our client or our server):
#    - where expected.txt says "tshark same": our dumped bytes must equal
#      tshark's, byte for byte (compared as hex), so also the byte counts.
#      tshark 4.0 writes each gap as a line holding the text "[N bytes
#      missing in capture file]" and a NUL; those lines are removed before
#      comparing, and their number and N must equal our gap count and gap
#      bytes.  tshark writes no such line for bytes cut by the snaplen, so
#      for those only the delivered bytes are compared.
#    - where it says "tshark differs", tshark and a first-copy-wins
#      receiver disagree (see tests/captures/capture/README.md: conflicting
#      overlap of buffered data, a hole never filled at the end of the
#      file); only expected.txt decides, and a note is printed if tshark
#      ever starts agreeing.
#    - the flow's first and last frame must be those of tshark's stream
#      (tcp.stream), the final ACK after both FINs included.
#    - every flow we report must be one of tshark's streams and vice versa.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
need_tool "$TSHARK" tshark
make_tmp

# Pin the preferences the comparison depends on, whatever the user's
# Wireshark profile says.
tshark() {
	"$TSHARK" -o tcp.analyze_sequence_numbers:TRUE -o ip.defragment:TRUE \
		-o ipv6.defragment:TRUE -o tcp.desegment_tcp_streams:TRUE "$@"
}

# follow FILE N PREFIX: tshark's stream N.  Writes PREFIX.0.hex and
# PREFIX.1.hex (node 0 and node 1 data as lowercase hex, gap lines
# removed) and prints "NODE0 NODE1 GAPS0 GAPBYTES0 GAPS1 GAPBYTES1".
follow() {
	tshark -r "$1" -q -z "follow,tcp,raw,$2" 2>/dev/null |
	awk -v prefix="$3" '
	BEGIN { printf "" > (prefix ".0.hex"); printf "" > (prefix ".1.hex") }
	/^Node 0: / { n0 = $3; next }
	/^Node 1: / { n1 = $3; body = 1; next }
	/^=+$/ { body = 0; next }
	body && NF {
		d = substr($0, 1, 1) == "\t" ? 1 : 0
		h = $0
		gsub(/[ \t\r]/, "", h)
		h = tolower(h)
		if (h ~ /^5b(3[0-9])+206279746573206d697373696e6720696e20636170747572652066696c655d00$/) {
			# "[" digits " bytes missing in capture file]" NUL
			dig = substr(h, 3, index(h, "2062797465") - 3)
			n = 0
			for (i = 2; i <= length(dig); i += 2) n = n * 10 + substr(dig, i, 1)
			gaps[d]++
			gapb[d] += n
			next
		}
		printf "%s", h > (prefix "." d ".hex")
	}
	END {
		print (n0 == "" ? "-" : n0), (n1 == "" ? "-" : n1), gaps[0] + 0, gapb[0] + 0, gaps[1] + 0, gapb[1] + 0
	}'
}

tohex() { od -An -v -tx1 "$1" | tr -d ' \n'; }

for name in $(corpus_files tcp); do
	f=$CORPUS/$name
	streams_check_file "$name"
	if [ "$rc" -ne 0 ]; then
		fail "$name: exit status $rc"
	fi
	out=$TMP/block.$name
	dump=$TMP/dump.$name

	# our flows: "ID CLIENT SERVER"
	awk '$1 == "flow" && $4 == "->" { print $2, $3, $5 }' "$out" >"$TMP/ours"
	matched=""
	streams=$(tshark -r "$f" -T fields -e tcp.stream 2>/dev/null | sort -un)
	if [ -z "$streams" ]; then
		fail "$name: tshark found no TCP stream"
		continue
	fi
	# first-last frame of each tshark stream
	tshark -r "$f" -T fields -e tcp.stream -e frame.number 2>/dev/null |
		awk 'NF == 2 { if (!($1 in lo)) lo[$1] = $2; hi[$1] = $2 }
		     END { for (s in lo) print s, lo[s] "-" hi[s] }' >"$TMP/tframes"
	for n in $streams; do
		set -- $(follow "$f" "$n" "$TMP/ts")
		n0=$1 n1=$2
		tgaps0=$3 tgapb0=$4 tgaps1=$5 tgapb1=$6
		id=$(awk -v a="$n0" -v b="$n1" '($2 == a && $3 == b) || ($2 == b && $3 == a) { print $1; exit }' "$TMP/ours")
		if [ -z "$id" ]; then
			fail "$name: tshark stream $n ($n0 <-> $n1) is not one of our flows"
			continue
		fi
		matched="$matched $id"
		tfr=$(awk -v n="$n" '$1 == n { print $2 }' "$TMP/tframes")
		ofr=$(awk -v id="$id" '$1 == "flow" && $2 == id && $4 == "->" { for (i = 6; i < NF; i++) if ($i == "frames") print $(i + 1) }' "$out")
		if [ "$tfr" != "$ofr" ]; then
			fail "$name flow $id: frames $ofr, tshark's stream $n has frames $tfr"
		fi
		client=$(awk -v id="$id" '$1 == id { print $2 }' "$TMP/ours")
		# expected.txt's flow with these endpoints
		eid=$(awk -v name="$name" -v c="$client" '$1 == name && $2 == "flow" && $5 == "->" && $4 == c { print $3; exit }' "$EXPECTED")
		for dir in c2s s2c; do
			if [ "$dir" = c2s ]; then sender=$client; else
				sender=$(awk -v id="$id" '$1 == id { print $3 }' "$TMP/ours"); fi
			if [ "$sender" = "$n0" ]; then node=0 tg=$tgaps0 tb=$tgapb0; else node=1 tg=$tgaps1 tb=$tgapb1; fi
			what=$(awk -v name="$name" -v id="$eid" -v dir="$dir" '$1 == name && $2 == "flow" && $3 == id && $4 == dir { print $NF; exit }' "$EXPECTED")
			gaps=$(awk -v name="$name" -v id="$eid" -v dir="$dir" '$1 == name && $2 == "flow" && $3 == id && $4 == dir { for (i = 5; i < NF; i++) if ($i == "gaps") print $(i + 1); exit }' "$EXPECTED")
			snapcut=$(awk -v name="$name" -v id="$eid" -v dir="$dir" '$1 == name && $2 == "flow" && $3 == id && $4 == dir { for (i = 5; i < NF; i++) if ($i == "snapcut") print $(i + 1); exit }' "$EXPECTED")
			ours=$dump/$name.flow$id.$dir
			theirs=$TMP/ts.$node.hex
			tlen=$(( $(wc -c <"$theirs") / 2 ))
			if [ ! -f "$ours" ]; then
				fail "$name flow $id $dir: --dump-streams wrote no $ours"
				continue
			fi
			tohex "$ours" >"$TMP/ours.hex"
			olen=$(wc -c <"$ours")
			if [ "$what" = differs ]; then
				if cmp -s "$TMP/ours.hex" "$theirs"; then
					note "$name flow $id $dir: expected.txt says tshark differs here, but it now gives our bytes"
				fi
				continue
			fi
			if [ "$olen" -ne "$tlen" ]; then
				fail "$name flow $id $dir: we deliver $olen bytes, tshark $tlen"
			elif ! cmp -s "$TMP/ours.hex" "$theirs"; then
				fail "$name flow $id $dir: delivered bytes differ from tshark's (same count $olen)"
			fi
			if [ "$snapcut" = 0 ] && [ "$tg/$tb" != "$gaps" ]; then
				fail "$name flow $id $dir: tshark shows gaps $tg/$tb, expected.txt $gaps"
			fi
			ourgaps=$(awk -v id="$id" -v dir="$dir" '$1 == "flow" && $4 == "->" { cur = $2 } $1 == dir && cur == id { for (i = 2; i < NF; i++) if ($i == "gaps") print $(i + 1) }' "$out")
			if [ "$snapcut" = 0 ] && [ "$tg/$tb" != "$ourgaps" ]; then
				fail "$name flow $id $dir: we report gaps $ourgaps, tshark shows $tg/$tb"
			fi
		done
	done
	while read -r id c s; do
		case " $matched " in
		*" $id "*) ;;
		*) fail "$name: our flow $id $c -> $s is not a tshark stream" ;;
		esac
	done <"$TMP/ours"
done

finish
