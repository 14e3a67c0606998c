#!/bin/sh
# test_report_text.sh - the text report over real handshakes, checked
# against tests/captures/tls/expected/*.txt (written from tshark and
# openssl, never from tlsdiag):
#
#  - the file line: format and packet count (expected "frames");
#  - the TLS version line, the SNI line;
#  - each Certificate message: "Server chain (frame F): N certificates
#    sent", then every certificate's subject (UTF-8 as openssl prints it)
#    as a tree node, leaf first, each issuer one level deeper, in the
#    order of the message; and, with -v, each one's SHA-256;
#  - the CertificateRequest's acceptable CA names;
#  - TLS 1.3: "Certificates not visible: TLS 1.3", no chain drawn;
#  - tree glyphs: UTF-8 box drawing in a UTF-8 locale, ASCII in C;
#  - the summary: files, sessions, unique certificates (the number of
#    distinct fingerprints in the expected file);
#  - several files: blocks in argument order, a bad file listed with its
#    reason in the summary.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp

TLS=$top_srcdir/tests/captures/tls
EXP=$TLS/expected
ESC=$(printf '\033')

# kv FILE SECTION N KEY: value of KEY in the N-th [SECTION] of FILE.
kv() {
	awk -v sec="[$2]" -v n="$3" -v key="$4" '
		/^\[/ { cur = ($0 == sec) ? ++seen : 0; next }
		cur == n && index($0, key "=") == 1 { print substr($0, length(key) + 2); exit }' "$1"
}
count_sections() { grep -c "^\[$2\]\$" "$1"; }

checked=0
for exp in "$EXP"/*.txt; do
	name=$(basename "$exp" .txt)
	cap=$TLS/$name.pcap
	[ -f "$cap" ] || continue
	checked=$((checked + 1))
	out=$TMP/$name.out
	LC_ALL=C run_tlsdiag "$out" "$TMP/err" --report -v "$cap"
	case $rc in 0 | 1) ;; *) fail "$name: exit status $rc: $(head -3 "$TMP/err")" ;; esac
	grep -q "$ESC" "$out" && fail "$name: colour in a pipe"

	frames=$(kv "$exp" capture 1 frames)
	# The file's name first; its totals at its end, after its sessions.
	grep -q "^== .*$name.pcap ==\$" "$out" ||
		fail "$name: no file header: $(grep '^==' "$out" | head -1)"
	grep -q "^End of .*$name.pcap: pcap, $frames packets, [0-9]* TLS sessions\{0,1\}\.\$" "$out" ||
		fail "$name: file totals with $frames packets missing: $(grep '^End of' "$out" | head -1)"
	[ "$(grep -n -m1 '^Session 1:' "$out" | cut -d: -f1)" -lt "$(grep -n -m1 '^End of' "$out" | cut -d: -f1)" ] ||
		fail "$name: the file's totals come before its sessions"

	ver=$(kv "$exp" server_hello 1 supported_version)
	[ -n "$ver" ] || ver=$(kv "$exp" server_hello 1 version)
	case $ver in
	0x0301) vname="TLS 1.0" ;; 0x0302) vname="TLS 1.1" ;; 0x0303) vname="TLS 1.2" ;;
	0x0304) vname="TLS 1.3" ;; *) vname="" ;;
	esac
	if [ -n "$vname" ]; then
		grep -q "^  TLS:      $vname" "$out" || fail "$name: no 'TLS: $vname' line"
	fi
	sni=$(kv "$exp" client_hello 1 sni)
	if [ -n "$sni" ]; then
		grep -qF "  SNI:      $sni" "$out" || fail "$name: SNI $sni not shown"
	fi

	if [ "$vname" = "TLS 1.3" ]; then
		grep -q "Certificates not visible: TLS 1.3" "$out" ||
			fail "$name: TLS 1.3 without 'Certificates not visible: TLS 1.3'"
		grep -q "chain (frame" "$out" && fail "$name: TLS 1.3 but a chain is drawn"
		continue
	fi

	# Each Certificate message and its certificates, in order.
	nmsg=$(count_sections "$exp" certificate)
	i=1
	while [ "$i" -le "$nmsg" ]; do
		side=$(kv "$exp" certificate "$i" side)
		frame=$(kv "$exp" certificate "$i" frame)
		count=$(kv "$exp" certificate "$i" count)
		Side=$(echo "$side" | sed 's/^s/S/; s/^c/C/')
		if [ "$count" = 0 ]; then
			grep -q "^  $Side chain (frame $frame): empty" "$out" ||
				fail "$name: empty $side Certificate (frame $frame) not reported as empty"
			i=$((i + 1))
			continue
		fi
		s=""
		[ "$count" -gt 1 ] && s=s
		grep -q "^  $Side chain (frame $frame): $count certificate$s sent" "$out" ||
			fail "$name: no '$Side chain (frame $frame): $count certificate$s sent' line"
		i=$((i + 1))
	done
	# Certificates: subject lines as tree nodes, in message order per side.
	ncert=$(count_sections "$exp" cert)
	k=1
	prev_side=""
	depth=0
	while [ "$k" -le "$ncert" ]; do
		side=$(kv "$exp" cert "$k" side)
		idx=$(kv "$exp" cert "$k" index)
		subj=$(kv "$exp" cert "$k" subject)
		subj8=$(kv "$exp" cert "$k" subject_utf8)
		sha=$(kv "$exp" cert "$k" sha256 | tr -d : | tr 'A-F' 'a-f')
		frame=$(kv "$exp" cert "$k" frame)
		Side=$(echo "$side" | sed 's/^s/S/; s/^c/C/')
		# The chain's block: from its header to the next line at indent 2.
		awk -v h="  $Side chain (frame $frame):" '
			index($0, h) == 1 { on = 1; next }
			on && /^  [^ ]/ { on = 0 }
			on' "$out" >"$TMP/chain"
		[ "$side" = "$prev_side" ] || depth=0
		prev_side=$side
		# DNs as openssl prints them with RFC 2253 escapes, or with UTF-8 kept.
		if [ "$depth" -eq 0 ]; then
			want="    [$idx] $subj"
			want8="    [$idx] $subj8"
		else
			pad=$(printf '%*s' $((4 + 3 * (depth - 1))) '')
			want="$pad\`- [$idx] $subj"
			want8="$pad\`- [$idx] $subj8"
		fi
		grep -qxF -e "$want" -e "$want8" "$TMP/chain" ||
			fail "$name: $side cert $idx: no tree line '$want8'"
		grep -qF "sha256 $sha" "$TMP/chain" || fail "$name: $side cert $idx: sha256 $sha not shown (-v)"
		depth=$((depth + 1))
		k=$((k + 1))
	done

	# CertificateRequest: every acceptable CA name.
	if [ "$(count_sections "$exp" certificate_request)" -gt 0 ]; then
		grep -q "Client certificate: requested by the server" "$out" ||
			fail "$name: CertificateRequest not reported"
		nca=$(kv "$exp" certificate_request 1 ca_count)
		j=0
		while [ "$j" -lt "${nca:-0}" ]; do
			ca=$(kv "$exp" certificate_request 1 "ca.$j.utf8")
			grep -qxF "    $ca" "$out" || fail "$name: acceptable CA '$ca' not listed"
			j=$((j + 1))
		done
	fi

	# Summary: unique certificates = distinct fingerprints of the [cert]
	# sections (not for a capture with a gap: tshark decodes none there).
	if [ "$(count_sections "$exp" gap)" -eq 0 ]; then
		nuniq=$(awk '/^\[/ { c = ($0 == "[cert]") } c && /^sha256=/' "$exp" | sort -u | wc -l)
		grep -q "^Certificates: $nuniq unique" "$out" ||
			fail "$name: expected 'Certificates: $nuniq unique': $(grep '^Certificates:' "$out")"
	fi
	grep -q "^Files:        1 (1 read" "$out" || fail "$name: summary Files line wrong"
	grep -q "^Sessions:     [1-9]" "$out" || fail "$name: summary Sessions line wrong"
done
[ "$checked" -ge 5 ] || fail "only $checked captures with expected files checked"

# ---- tree glyphs by locale -------------------------------------------------------
cap=$TLS/tls12-rsa-chain3.pcap
LC_ALL=C run_tlsdiag "$TMP/c" "$TMP/err" --report "$cap"
grep -q '^    `- \[1\] ' "$TMP/c" || fail "C locale: no ASCII tree branch"
grep -q '└' "$TMP/c" && fail "C locale: box drawing characters in the output"
if locale -a 2>/dev/null | grep -qi '^c\.utf-\{0,1\}8$'; then
	LC_ALL=C.UTF-8 run_tlsdiag "$TMP/u" "$TMP/err" --report "$cap"
	grep -q '^    └─ \[1\] ' "$TMP/u" || fail "UTF-8 locale: no box-drawing tree branch"
	grep -q '^       └─ \[2\] ' "$TMP/u" || fail "UTF-8 locale: third certificate not one level deeper"
else
	note "no C.UTF-8 locale: box drawing not checked"
fi

# ---- several files, a bad one -------------------------------------------------
bad=$TMP/not-a-capture.pcap
echo "hello" >"$bad"
LC_ALL=C run_tlsdiag "$TMP/m" "$TMP/err" --report "$TLS/tls12-rsa.pcap" "$bad" "$TLS/tls12-ecdsa.pcap"
[ "$rc" -le 1 ] || fail "mixed run: exit status $rc"
order=$(grep '^== ' "$TMP/m" | sed 's/^== \([^ ]*\).*/\1/' | tr '\n' ' ')
case $order in
*tls12-rsa.pcap*not-a-capture.pcap*tls12-ecdsa.pcap*) ;;
*) fail "mixed run: files not in argument order: $order" ;;
esac
grep -q '^Files:        3 (2 read' "$TMP/m" || fail "mixed run: Files line: $(grep '^Files:' "$TMP/m")"
grep -q "^  .*not-a-capture.pcap: ." "$TMP/m" || fail "mixed run: bad file not listed with a reason"
grep -q "not-a-capture.pcap" "$TMP/err" || fail "mixed run: bad file not named on stderr"

# ---- the hostile capture: readable and inert ------------------------------------------
LC_ALL=C.UTF-8 run_tlsdiag "$TMP/h" "$TMP/err" --report "$top_srcdir/tests/captures/hostile/sni-escape.pcap"
grep -q "$ESC" "$TMP/h" && fail "hostile capture: raw ESC in the report"
grep -q "Verdict:  failed" "$TMP/h" || fail "hostile capture: verdict not failed"
grep -q "^  Why:      " "$TMP/h" || fail "hostile capture: no headline"

finish
