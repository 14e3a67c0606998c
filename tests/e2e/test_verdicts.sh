#!/bin/sh
# test_verdicts.sh - what happened and what is wrong, apart (issue 9, items
# 1 and 5): for real captures whose story is known from how they were made
# (tests/captures/tls/README.md, tests/captures/keylog/README.md,
# samples/README.md), the verdict, `established`, `outcome` and
# `outcome_basis` in the JSON, written here by hand; and the same verdict in
# every view: the text report, the HTML page, the TUI list and the
# inventory's sessions table.
#
#  - TLS 1.3 rejected by the server without keys (one short encrypted
#    record after the client's flight, then FIN): failed, rejected_by_server,
#    inferred, "Probably rejected" in the headline; never "ok".
#  - The same captures with their key log: the decrypted alert replaces the
#    inference (outcome_basis "decrypted").
#  - Clean TLS 1.3 (with and without client certificates): ok, completed.
#  - A completed TLS 1.2 handshake with an error finding (an 8192-bit key on
#    5061; a name the client did not check): at_risk, established, headline
#    "completed, but it is at risk"; the exit status is still 1.
#  - Rejections read in clear: failed, rejected_by_client/server, alert.

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp
PY=${PYTHON:-/usr/bin/python3}
need_tool "$PY" python3
T=$top_srcdir/tests/captures/tls
K=$top_srcdir/tests/captures/keylog
S=$top_srcdir/samples
LE=$S/trust/learningext-ca-chain.pem

# capture | options | verdict established outcome outcome_basis
cat >"$TMP/table" <<EOF
$T/tls13-mtls-rejected.pcap||failed false rejected_by_server inferred
$T/tls13-mtls.pcap||ok true completed messages
$T/tls13-rsa.pcap||ok true completed messages
$K/tls13-client-expired.pcap||failed false rejected_by_server inferred
$K/tls13-client-serveronly.pcap||failed false rejected_by_server inferred
$K/tls13-no-client-cert.pcap||failed false rejected_by_server inferred
$K/tls13-client-expired.pcap|--keylog $K/tls13-client-expired.keys|failed false rejected_by_server decrypted
$K/tls13-no-client-cert.pcap|--keylog $K/tls13-no-client-cert.keys|failed false rejected_by_server decrypted
$K/tls13-unknown-ca.pcap||failed false rejected_by_client alert
$K/tls13-mtls.pcap||ok true completed messages
$K/tls13-mtls.pcap|--keylog $K/tls13-mtls.keys|ok true completed decrypted
$S/rsa-8192-5061.pcap|--trust $LE|at_risk true completed messages
$S/cucm-tomcat-8443-san-mismatch-predicted.pcap|--trust $LE|at_risk true completed messages
$S/expressway-7001-unknown-ca.pcap|--trust $S/trust/expc-trusted-ca.pem|failed false rejected_by_client alert
$S/sip-5061-mtls-no-client-cert.pcap|--trust $LE|failed false rejected_by_server alert
$S/tvs-2445-healthy.pcap|--trust $LE|ok true completed messages
EOF

n=0
while IFS='|' read -r cap opts want; do
	n=$((n + 1))
	name=$(basename "$cap" .pcap)
	# shellcheck disable=SC2086
	run_tlsdiag "$TMP/$n.json" "$TMP/$n.err" --json $opts "$cap"
	got=$("$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") == "session":
        print(o["verdict"], str(o["established"]).lower(), o["outcome"], o["outcome_basis"])
        break' "$TMP/$n.json")
	[ "$got" = "$want" ] || fail "$name $opts: got '$got', expected '$want'"
	case $want in
	*inferred)
		grep -q '"headline":"Probably rejected by the server' "$TMP/$n.json" ||
			fail "$name: the headline does not say 'Probably rejected by the server'"
		grep -q '"id":"fatal_alert"' "$TMP/$n.json" ||
			fail "$name: no fatal_alert finding for the encrypted alert"
		;;
	at_risk*)
		grep -q '"headline":"TLS 1.2 handshake between .* completed, but it is at risk: ' \
			"$TMP/$n.json" || fail "$name: the headline does not say 'completed, but'"
		[ "$rc" -eq 1 ] || fail "$name: exit status $rc with an error finding, expected 1"
		;;
	esac
	case $want in
	failed*) [ "$rc" -eq 1 ] || fail "$name $opts: failed, but exit status $rc" ;;
	ok*) [ "$rc" -eq 0 ] || fail "$name $opts: ok, but exit status $rc" ;;
	esac
done <"$TMP/table"
note "$n captures checked"

# ---- every view says the same ------------------------------------------------
# at risk: the 8192-bit key; failed: the TLS 1.3 rejection inferred.
for c in "$S/rsa-8192-5061.pcap|--trust $LE|at risk|AT RISK|at_risk" \
	"$T/tls13-mtls-rejected.pcap||failed|FAILED|failed"; do
	cap=${c%%|*}
	rest=${c#*|}
	opts=${rest%%|*}
	rest=${rest#*|}
	word=${rest%%|*}
	rest=${rest#*|}
	upper=${rest%%|*}
	key=${rest#*|}
	name=$(basename "$cap" .pcap)
	# shellcheck disable=SC2086
	run_tlsdiag "$TMP/v.txt" "$TMP/v.err" --report $opts "$cap"
	grep -q "^  Verdict:  $word\$" "$TMP/v.txt" || fail "$name: text report verdict is not '$word'"
	grep -q "^  Outcome:  " "$TMP/v.txt" || fail "$name: text report has no Outcome line"
	rm -f "$TMP/v.html"
	# shellcheck disable=SC2086
	run_tlsdiag /dev/null "$TMP/v.err" --report --html "$TMP/v.html" $opts "$cap"
	grep -q "<span class=\"pill $key\">$word</span>" "$TMP/v.html" ||
		fail "$name: HTML page does not show the verdict '$word'"
	# shellcheck disable=SC2086
	run_tlsdiag /dev/null "$TMP/v.err" --tui --script q --dump-screen "$TMP/v.screen" $opts "$cap"
	grep -q "^ $upper " "$TMP/v.screen" || fail "$name: TUI list does not show '$upper'"
	rm -f "$TMP/v.db"
	# shellcheck disable=SC2086
	run_tlsdiag /dev/null "$TMP/v.err" --report --db "$TMP/v.db" $opts "$cap"
	got=$("$PY" -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(*db.execute("SELECT verdict, established, outcome FROM sessions").fetchone())' "$TMP/v.db" 2>&1)
	case $key in
	at_risk) want="at_risk 1 completed" ;;
	*) want="failed 0 rejected_by_server" ;;
	esac
	[ "$got" = "$want" ] || fail "$name: inventory row '$got', expected '$want'"
done

# ---- the ladder: the same rows in the TUI and on the HTML page ---------------
# (rules/ladder.c words them once; item 4.) The inferred alert is marked.
cap=$T/tls13-mtls-rejected.pcap
run_tlsdiag /dev/null "$TMP/v.err" --tui --script '\n<End>' --dump-screen "$TMP/l.screen" "$cap"
rm -f "$TMP/l.html"
run_tlsdiag /dev/null "$TMP/v.err" --report --html "$TMP/l.html" "$cap"
for label in 'Encrypted record (19 bytes): probably an alert' 'Encrypted handshake messages' \
	'answers the client'"'"'s Encrypted handshake messages (frame'; do
	grep -qF "$label" "$TMP/l.screen" || fail "TUI ladder: no '$label'"
	grep -qF "$(echo "$label" | sed "s/'/\&#39;/g")" "$TMP/l.html" || fail "HTML ladder: no '$label'"
done

finish
