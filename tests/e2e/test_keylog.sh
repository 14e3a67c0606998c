#!/bin/sh
# test_keylog.sh - key-log decryption end to end, on the real openssl
# sessions of tests/captures/keylog (make-keylog-captures.sh):
#  - every capture with its key log (--keylog) against tshark given the
#    same key log: the certificates of both sides (SHA-256 of each DER, in
#    order) and every alert (sender, description);
#  - the same capture turned into pcapng with the secrets inside by
#    `editcap --inject-secrets tls,KEYS` and read WITHOUT --keylog: the same;
#  - each capture's finding ids against expected.txt (written by hand);
#  - without the key log, TLS 1.3 certificates stay hidden (this test can
#    fail); with every secret altered, nothing is decrypted and the
#    session says the key does not authenticate;
#  - SSLKEYLOGFILE is read; an unreadable one is a warning, an unreadable
#    or secret-less --keylog is exit status 2.
. "$top_srcdir/tests/e2e/lib.sh"
need_tool "$TSHARK" tshark
need_tool "$OPENSSL" openssl
command -v jq >/dev/null 2>&1 || skip "jq not available"
[ -x "$TLSDIAG" ] || { echo "FAIL: no tlsdiag binary"; exit 1; }
make_tmp
unset SSLKEYLOGFILE
DIR=$top_srcdir/tests/captures/keylog
EXP=$DIR/expected.txt
EDITCAP=$(dirname "$TSHARK")/editcap
[ -x "$EDITCAP" ] || EDITCAP=$(command -v editcap || true)

# tshark's view: "server|client cert <sha256>" per certificate in order,
# then "alert <sender> <description code>" per alert.
tshark_view() { # PCAP KEYS SERVERPORT
	"$TSHARK" -r "$1" ${2:+-o "tls.keylog_file:$2"} \
		-Y "tls.handshake.certificate or tls.alert_message" -T fields \
		-e tcp.srcport -e tls.handshake.certificate -e tls.alert_message.desc \
		-E separator='|' -E occurrence=a -E aggregator=, 2>/dev/null |
		while IFS='|' read -r port certs descs; do
			if [ "$port" = "$3" ]; then side=server; else side=client; fi
			if [ -n "$certs" ]; then
				echo "$certs" | tr ',' '\n' | while read -r hex; do
					printf '%s cert %s\n' "$side" "$(echo "$hex" | xxd -r -p |
						"$OPENSSL" dgst -sha256 -r | cut -d' ' -f1)"
				done
			fi
			if [ -n "$descs" ]; then
				echo "$descs" | tr ',' '\n' | while read -r d; do
					printf 'alert %s %s\n' "$side" "$d"
				done
			fi
		done
}

# tlsdiag's view of the same, from its JSON.
tlsdiag_view() { # JSON
	jq -r '(.server_chain[] | "server cert " + .sha256),
	       (.client_chain[] | "client cert " + .sha256),
	       (.alerts[] | select(.encrypted | not) | "alert " + .from + " " + (.code | tostring))' "$1"
}

sorted_ids() { jq -r '.findings[].id' "$1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }

n=0
for pcap in "$DIR"/*.pcap; do
	name=$(basename "$pcap" .pcap)
	keys=$DIR/$name.keys
	n=$((n + 1))
	"$TLSDIAG" --json --keylog "$keys" "$pcap" 2>"$TMP/err" | head -1 >"$TMP/$name.json"
	[ -s "$TMP/$name.json" ] || { fail "$name: no JSON ($(cat "$TMP/err"))"; continue; }
	sport=$(jq -r '.flow.server.port' "$TMP/$name.json")

	# Certificates and alerts, as tshark decrypts them. Sorting: tshark
	# reports per frame, tlsdiag per side; the order within a side stays.
	tshark_view "$pcap" "$keys" "$sport" | sort -s -k1,2 >"$TMP/$name.tshark"
	tlsdiag_view "$TMP/$name.json" | sort -s -k1,2 >"$TMP/$name.ours"
	grep -q 'server cert' "$TMP/$name.tshark" || fail "$name: tshark decrypted no certificate"
	diff -u "$TMP/$name.tshark" "$TMP/$name.ours" >"$TMP/$name.diff" ||
		fail "$name: tlsdiag --keylog differs from tshark: $(cat "$TMP/$name.diff")"

	# Finding ids, written by hand.
	want=$(awk -v n="$name:" '$1 == n { $1 = ""; sub(/^ /, ""); print }' "$EXP")
	[ -n "$want" ] || fail "$name: no line in expected.txt"
	got=$(sorted_ids "$TMP/$name.json")
	[ "$got" = "$want" ] || fail "$name: findings '$got', expected '$want'"
	jq -e '.tls13_certs_hidden == false' "$TMP/$name.json" >/dev/null ||
		fail "$name: certificates still hidden with the key log"

	# The key log inside the capture (pcapng Decryption Secrets Block).
	if [ -n "$EDITCAP" ]; then
		"$EDITCAP" --inject-secrets "tls,$keys" "$pcap" "$TMP/$name.pcapng" 2>/dev/null ||
			fail "$name: editcap --inject-secrets failed"
		"$TLSDIAG" --json "$TMP/$name.pcapng" 2>/dev/null | head -1 >"$TMP/$name.dsb.json"
		tlsdiag_view "$TMP/$name.dsb.json" | sort -s -k1,2 >"$TMP/$name.dsb"
		cmp -s "$TMP/$name.ours" "$TMP/$name.dsb" ||
			fail "$name: the pcapng with its secrets inside reads differently"
		jq -e '.findings[] | select(.id == "decrypted_with_keylog") |
		       .message | test("stored in the capture")' "$TMP/$name.dsb.json" >/dev/null ||
			fail "$name: the secrets of the pcapng were not used"
	fi

	# TLS 1.3 without keys: hidden, as before.
	case $name in
	tls13-*)
		"$TLSDIAG" --json "$pcap" 2>/dev/null | head -1 >"$TMP/$name.nokeys.json"
		jq -e '.tls13_certs_hidden == true and (.server_chain | length) == 0' \
			"$TMP/$name.nokeys.json" >/dev/null ||
			fail "$name: certificates visible without a key log"
		;;
	esac

	# Every secret altered (the last hex digit of each line): a wrong key
	# is found out, and nothing of the protected records is read.
	awk '/^[A-Z]/ { s = $3; c = substr(s, length(s)); c = (c == "0") ? "1" : "0";
	     $3 = substr(s, 1, length(s) - 1) c } { print }' "$keys" >"$TMP/$name.bad"
	"$TLSDIAG" --json --keylog "$TMP/$name.bad" "$pcap" 2>/dev/null | head -1 >"$TMP/$name.bad.json"
	jq -e '[.findings[] | select(.id == "not_decrypted") | .message |
	        test("fails authentication")] | any' "$TMP/$name.bad.json" >/dev/null ||
		fail "$name: a wrong key is not reported"
	jq -e '[.findings[] | select(.id == "decrypted_with_keylog")] | length == 0' \
		"$TMP/$name.bad.json" >/dev/null || fail "$name: decrypted with wrong keys"
	case $name in
	tls13-*)
		jq -e '(.server_chain | length) == 0' "$TMP/$name.bad.json" >/dev/null ||
			fail "$name: certificates read with a wrong key"
		;;
	esac
done
[ "$n" -ge 20 ] || fail "only $n captures in $DIR"

# SSLKEYLOGFILE: read when set; a warning when it cannot be read.
name=tls13-client-expired
SSLKEYLOGFILE=$DIR/$name.keys "$TLSDIAG" --json "$DIR/$name.pcap" 2>"$TMP/err" | head -1 >"$TMP/env.json"
jq -e '(.client_chain | length) > 0' "$TMP/env.json" >/dev/null || fail "SSLKEYLOGFILE was not read"
SSLKEYLOGFILE=$TMP/none.keys "$TLSDIAG" --report "$DIR/$name.pcap" >/dev/null 2>"$TMP/err"
rc=$?
[ "$rc" -ne 2 ] || fail "unreadable SSLKEYLOGFILE: exit status 2, expected the run to go on"
grep -q "SSLKEYLOGFILE=.*cannot be read" "$TMP/err" || fail "unreadable SSLKEYLOGFILE: no warning"

# --keylog that cannot be used: exit status 2 with one clear line.
"$TLSDIAG" --report --keylog "$TMP/none.keys" "$DIR/$name.pcap" >/dev/null 2>"$TMP/err"
rc=$?
[ "$rc" -eq 2 ] || fail "missing --keylog file: exit status $rc, expected 2"
grep -q "none.keys: cannot open key log" "$TMP/err" || fail "missing --keylog: $(cat "$TMP/err")"
"$TLSDIAG" --report --keylog "$DIR/$name.pcap" "$DIR/$name.pcap" >/dev/null 2>"$TMP/err"
rc=$?
[ "$rc" -eq 2 ] || fail "--keylog of a capture file: exit status $rc, expected 2"
grep -q "not a key log" "$TMP/err" || fail "--keylog of a capture file: $(cat "$TMP/err")"

# A key log for other sessions: said so, nothing decrypted.
"$TLSDIAG" --json --keylog "$DIR/tls13-mtls.keys" "$DIR/$name.pcap" 2>/dev/null | head -1 >"$TMP/other.json"
jq -e '[.findings[] | select(.id == "not_decrypted") | .message | test("no secrets")] | any' \
	"$TMP/other.json" >/dev/null || fail "a key log without the session is not reported"
# The bundled TLS 1.3 sample and its client's key log: the server chain
# tshark decrypts (Expressway-E's leaf, then the Fabrikam issuing CA) is
# shown and judged, and the finding says it was decrypted.
S=$top_srcdir/samples
"$TLSDIAG" --json --keylog "$S/tls13-443.keys" "$S/tls13-443.pcap" 2>/dev/null | head -1 >"$TMP/s13.json"
# (The close_notify alerts come after application data both ways, where a
# session is concluded and tlsdiag stops following it: not compared.)
tshark_view "$S/tls13-443.pcap" "$S/tls13-443.keys" 443 | grep -v '^alert [a-z]* 0$' |
	sort -s -k1,2 >"$TMP/s13.tshark"
tlsdiag_view "$TMP/s13.json" | sort -s -k1,2 >"$TMP/s13.ours"
[ "$(grep -c 'server cert' "$TMP/s13.tshark")" -eq 2 ] || fail "samples/tls13-443: tshark reads no 2-certificate chain"
cmp -s "$TMP/s13.tshark" "$TMP/s13.ours" || fail "samples/tls13-443 with its key log differs from tshark"
[ "$(sorted_ids "$TMP/s13.json")" = "decrypted_with_keylog" ] ||
	fail "samples/tls13-443 with its key log: findings '$(sorted_ids "$TMP/s13.json")'"
jq -e '.server_chain[0].subject | test("CN=expe.example.com")' "$TMP/s13.json" >/dev/null ||
	fail "samples/tls13-443: the leaf is not Expressway-E's"
finish
