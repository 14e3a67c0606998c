#!/bin/sh
# test_json_schema.sh - `tlsdiag --json` against docs/tlsdiag.schema.json.
#
#  - Every capture in the repository (samples/*.pcap*, tests/captures/**/
#    *.pcap*, damaged and hostile ones included), one run each: every line
#    is valid JSON and valid against the schema, the last line and only it
#    is the summary, sessions come before it, each session's file is the
#    capture, and the summary counts as many sessions as there are lines.
#  - All of them in one batch run (-j 2): the same, with files.total equal
#    to the number of captures.
#  - The schema can fail: a hand-written valid session object passes, and
#    the same object without `verdict`, with verdict "maybe", with an
#    unknown field, with a finding without `basis`, without `established`,
#    with outcome "failed", or with schema_version 1 each fail; so do a
#    summary without `files` or without `at_risk` and a line of type "x".
#
# Needs Debian's python3-jsonschema (always /usr/bin/python3).

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp

PY=/usr/bin/python3
SCHEMA=$top_srcdir/docs/tlsdiag.schema.json
if ! [ -x "$PY" ] || ! "$PY" -c 'import jsonschema' 2>/dev/null; then
	skip "python3-jsonschema not installed (apt-get install python3-jsonschema)"
fi

# validate.py SCHEMA NDJSON [EXPECT_FILE [EXPECT_FILES_TOTAL]]: prints one
# line per problem, nothing when all is well.
cat >"$TMP/validate.py" <<'EOF'
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
path = sys.argv[2]
want_file = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
want_total = int(sys.argv[4]) if len(sys.argv) > 4 else None
lines = open(path, "rb").read().split(b"\n")
if lines and lines[-1] == b"":
    lines.pop()
else:
    print("output does not end with a newline")
if not lines:
    print("no output at all")
    sys.exit(0)
sessions = 0
for n, raw in enumerate(lines, 1):
    try:
        o = json.loads(raw.decode("utf-8"))
    except Exception as e:
        print("line %d: not JSON/UTF-8: %s" % (n, e))
        continue
    for err in sorted(v.iter_errors(o), key=lambda e: list(e.path)):
        # Under oneOf, say what failed in the branch that came closest.
        while err.context:
            err = jsonschema.exceptions.best_match(err.context)
        print("line %d: %s: %s" % (n, "/".join(map(str, err.absolute_path)) or "(top)",
                                   err.message[:300]))
    last = n == len(lines)
    t = o.get("type") if isinstance(o, dict) else None
    if last and t != "summary":
        print("line %d: the last line is not the summary" % n)
    if not last and t != "session":
        print("line %d: type %r before the summary" % (n, t))
    if t == "session":
        sessions += 1
        if want_file and o.get("file") != want_file:
            print("line %d: file %r, expected %r" % (n, o.get("file"), want_file))
    if last and t == "summary":
        if o["sessions"]["total"] != sessions:
            print("summary: sessions.total %d, but %d session lines" % (o["sessions"]["total"], sessions))
        by = sum(o["sessions"][k] for k in ("ok", "warning", "at_risk", "failed", "incomplete"))
        if by != o["sessions"]["total"]:
            print("summary: verdict counts add up to %d, total is %d" % (by, o["sessions"]["total"]))
        if want_total is not None and o["files"]["total"] != want_total:
            print("summary: files.total %d, expected %d" % (o["files"]["total"], want_total))
EOF

# ---- every capture, one by one ---------------------------------------------
find "$top_srcdir/samples" "$top_srcdir/tests/captures" -type f \
	\( -name '*.pcap' -o -name '*.pcapng' -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \) \
	2>/dev/null | sort >"$TMP/captures"
ncap=$(wc -l <"$TMP/captures")
[ "$ncap" -ge 20 ] || fail "only $ncap captures found in the repository"
nsessions=0
while IFS= read -r cap; do
	run_tlsdiag "$TMP/out" "$TMP/err" --json -q "$cap"
	case $rc in 0 | 1 | 2) ;; *) fail "$cap: exit status $rc" ;; esac
	"$PY" "$TMP/validate.py" "$SCHEMA" "$TMP/out" "$cap" >"$TMP/problems" 2>&1 ||
		echo "validator crashed" >>"$TMP/problems"
	if [ -s "$TMP/problems" ]; then
		fail "$cap:"
		head -20 "$TMP/problems" | sed 's/^/    /'
	fi
	nsessions=$((nsessions + $(grep -c '"type":"session"' "$TMP/out")))
done <"$TMP/captures"
note "$ncap captures, $nsessions sessions validated"
[ "$nsessions" -ge 10 ] || fail "only $nsessions sessions in all captures: is the dissector running?"

# ---- all of them in one batch ------------------------------------------------
# shellcheck disable=SC2046
run_tlsdiag "$TMP/all" "$TMP/err" --json -q -j 2 $(cat "$TMP/captures")
case $rc in 0 | 1) ;; *) fail "batch over all captures: exit status $rc" ;; esac
"$PY" "$TMP/validate.py" "$SCHEMA" "$TMP/all" "" "$ncap" >"$TMP/problems" 2>&1 ||
	echo "validator crashed" >>"$TMP/problems"
if [ -s "$TMP/problems" ]; then
	fail "batch over all captures:"
	head -20 "$TMP/problems" | sed 's/^/    /'
fi
[ "$(grep -c '"type":"session"' "$TMP/all")" -eq "$nsessions" ] ||
	fail "batch: $(grep -c '"type":"session"' "$TMP/all") sessions, one by one: $nsessions"

# ---- the schema rejects what it must -----------------------------------------
cat >"$TMP/negative.py" <<'EOF'
import copy, json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
v = jsonschema.validators.validator_for(schema)(schema)
cert = {
    "index": 0, "subject": "CN=expe.example.com", "issuer": "CN=Issuing CA",
    "serial": "5eed", "not_before": "2026-01-01T00:00:00Z",
    "not_after": "2036-01-01T00:00:00Z", "san": {"dns": ["expe.example.com"], "ip": []},
    "eku": ["serverAuth"], "key_usage": ["digitalSignature", "keyEncipherment"],
    "key": {"type": "RSA", "bits": 2048, "curve": None},
    "signature": "sha256WithRSAEncryption", "is_ca": False, "self_signed": False,
    "sha1": "0" * 40, "sha256": "a" * 64, "frame": 5, "status": "linked",
    "parse_error": None,
}
finding = {
    "id": "unknown_ca", "severity": "error", "side": "server", "cert": 0,
    "basis": "observed", "message": "rejected", "advice": "upload the root",
    "field": "alert", "frame": 6,
}
session = {
    "type": "session", "schema_version": 2, "file": "zone.pcap", "session": 1,
    "flow": {"client": {"ip": "10.48.80.47", "port": 51234},
             "server": {"ip": "10.48.36.101", "port": 7001}},
    "transport": "tcp", "dtls": None,
    "start": "2026-11-23T04:05:06.123456Z", "end": "2026-11-23T04:05:06.223456Z",
    "first_frame": 1, "last_frame": 9, "service": "Expressway traversal zone",
    "starttls": None,
    "tls": {"version": "TLS 1.2", "sni": None, "alpn": [], "alpn_selected": None,
            "cipher": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ja3": "f" * 32, "ja4": None},
    "tls13_certs_hidden": False, "server_chain": [cert], "client_chain": [],
    "server_chain_check": None, "client_chain_check": None,
    "client_cert_requested": False, "acceptable_cas": [], "expected_name": None,
    "expected_name_source": None,
    "alerts": [{"from": "client", "level": "fatal", "description": "unknown_ca", "code": 48,
                "frame": 6, "time": "2026-11-23T04:05:06.124956Z", "encrypted": False}],
    "findings": [finding], "verdict": "failed", "established": False,
    "outcome": "rejected_by_client", "outcome_basis": "alert",
    "outcome_text": "Rejected by Expressway-C: fatal unknown_ca (48) in frame 6.",
    "headline": "C rejected E",
    "judged_at": "2026-11-23T04:05:06Z", "notes": [],
}
summary = {
    "type": "summary", "schema_version": 2, "now": "2026-11-23T04:05:06Z",
    "expiring_days": 30, "files": {"total": 1, "ok": 1, "partial": 0, "failed": []},
    "sessions": {"total": 1, "ok": 0, "warning": 0, "failed": 1, "at_risk": 0, "incomplete": 0},
    "findings": {"unknown_ca": 1}, "certificates": [], "expiring": [], "store_findings": [],
}
problems = 0
def expect(ok, what, obj):
    global problems
    errs = list(v.iter_errors(obj))
    if ok and errs:
        print("valid %s rejected: %s" % (what, errs[0].message)); problems += 1
    if not ok and not errs:
        print("invalid %s accepted" % what); problems += 1

expect(True, "session", session)
expect(True, "summary", summary)
s = copy.deepcopy(session); del s["verdict"]; expect(False, "session without verdict", s)
s = copy.deepcopy(session); s["verdict"] = "maybe"; expect(False, "verdict 'maybe'", s)
s = copy.deepcopy(session); s["surprise"] = 1; expect(False, "session with an unknown field", s)
s = copy.deepcopy(session); del s["findings"][0]["basis"]; expect(False, "finding without basis", s)
s = copy.deepcopy(session); s["findings"][0]["severity"] = "fatal"; expect(False, "severity 'fatal'", s)
s = copy.deepcopy(session); s["findings"][0]["basis"] = "guessed"; expect(False, "basis 'guessed'", s)
s = copy.deepcopy(session); s["schema_version"] = 1; expect(False, "schema_version 1", s)
s = copy.deepcopy(session); s["verdict"] = "at_risk"; expect(True, "verdict 'at_risk'", s)
s = copy.deepcopy(session); del s["established"]; expect(False, "session without established", s)
s = copy.deepcopy(session); s["outcome"] = "failed"; expect(False, "outcome 'failed'", s)
s = copy.deepcopy(session); s["outcome_basis"] = "guessed"; expect(False, "outcome_basis 'guessed'", s)
s = copy.deepcopy(summary); del s["sessions"]["at_risk"]; expect(False, "summary without at_risk", s)
s = copy.deepcopy(session); s["start"] = "2026-11-23 04:05:06"; expect(False, "start not ISO", s)
s = copy.deepcopy(session); s["server_chain"][0]["sha256"] = "AB:CD"; expect(False, "sha256 with colons", s)
s = copy.deepcopy(session); del s["server_chain"][0]["key"]; expect(False, "certificate without key", s)
s = copy.deepcopy(session); s["alerts"][0]["encrypted"] = True; expect(False, "encrypted alert with a description", s)
s = copy.deepcopy(session); s["flow"]["client"]["port"] = 70000; expect(False, "port 70000", s)
s = copy.deepcopy(session); s["transport"] = "sctp"; expect(False, "transport 'sctp'", s)
s = copy.deepcopy(session); del s["transport"]; expect(False, "session without transport", s)
s = copy.deepcopy(session); s["transport"] = "udp"; s["dtls"] = {"hello_verify": True,
    "retransmitted_fragments": 2, "connection_id": False,
    "srtp_profile": "SRTP_AES128_CM_HMAC_SHA1_80", "other_datagrams": 40}
expect(True, "DTLS session", s)
s["dtls"]["retransmitted_fragments"] = -1; expect(False, "negative retransmissions", s)
s = copy.deepcopy(summary); del s["files"]; expect(False, "summary without files", s)
s = copy.deepcopy(summary); s["findings"]["Bad-Id"] = 1; expect(False, "finding id with capitals", s)
expect(False, "type 'x'", {"type": "x", "schema_version": 2})
sys.exit(1 if problems else 0)
EOF
if ! "$PY" "$TMP/negative.py" "$SCHEMA" >"$TMP/neg" 2>&1; then
	fail "schema checks:"
	sed 's/^/    /' "$TMP/neg"
fi

# The same negative case through the validator the captures went through:
# a real session line with its verdict removed must be reported.
first=$(grep -m1 '"type":"session"' "$TMP/all")
if [ -n "$first" ]; then
	printf '%s\n' "$first" | "$PY" -c '
import json, sys
o = json.loads(sys.stdin.readline()); del o["verdict"]; print(json.dumps(o))' >"$TMP/broken"
	tail -n 1 "$TMP/all" >>"$TMP/broken"
	"$PY" "$TMP/validate.py" "$SCHEMA" "$TMP/broken" >"$TMP/problems" 2>&1
	grep -q "^line 1: .*'verdict' is a required property" "$TMP/problems" ||
		fail "a real session without verdict passed validation: $(cat "$TMP/problems")"
fi

finish
