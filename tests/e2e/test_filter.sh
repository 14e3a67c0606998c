#!/bin/sh
# test_filter.sh - -f FILTER (tcpdump's BPF syntax) on capture files.
#
#  - Three sample captures merged into one (mergecap): without a filter
#    three sessions; -f 'port 7001' keeps exactly the traversal zone's;
#    -f 'port 9' keeps none; frame numbers stay those of the whole file.
#  - A pcapng mixing Ethernet and Linux cooked capture: 'tcp port 8443'
#    keeps the SLL flow only (one program per link type); 'vlan' cannot be
#    applied to SLL: the file stops there with the reason, sessions before
#    it are kept.
#  - A filter that does not compile is a usage error (exit 2, libpcap's
#    message, the hint), as is -f with --db.
. "$top_srcdir/tests/e2e/lib.sh"
need_tlsdiag
MERGECAP=$(command -v mergecap || true)
need_tool "$MERGECAP" mergecap
make_tmp
S=$top_srcdir/samples

# sessions FILE ARGS...: "PORT FIRST_FRAME" of each JSON session.
sessions() {
	_f=$1
	shift
	run_tlsdiag "$TMP/j" "$TMP/e" --json -q "$@" "$_f"
	/usr/bin/python3 -c '
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["type"] == "session":
        print(d["flow"]["server"]["port"], d["first_frame"])
' "$TMP/j"
}

"$MERGECAP" -w "$TMP/three.pcapng" "$S/expressway-7001-unknown-ca.pcap" \
	"$S/tvs-2445-healthy.pcap" "$S/cucm-5061-expired.pcap" ||
	fail "mergecap could not merge the samples"

all=$(sessions "$TMP/three.pcapng" | sort)
[ "$(printf '%s\n' "$all" | grep -c .)" -eq 3 ] ||
	fail "no filter: expected 3 sessions, got: $all"
one=$(sessions "$TMP/three.pcapng" -f 'port 7001')
[ "$(printf '%s\n' "$one" | grep -c .)" -eq 1 ] ||
	fail "-f 'port 7001': expected 1 session, got: $one"
case $one in "7001 "*) ;; *) fail "-f 'port 7001' kept the wrong session: $one" ;; esac
printf '%s\n' "$all" | grep -qx "$one" ||
	fail "-f 'port 7001': frame numbers changed ($one not in: $all)"
none=$(sessions "$TMP/three.pcapng" -f 'port 9')
[ -z "$none" ] || fail "-f 'port 9': expected no session, got: $none"
run_tlsdiag "$TMP/j" "$TMP/e" --json -q -f 'port 9' "$TMP/three.pcapng"
[ "$rc" -eq 0 ] || fail "-f 'port 9': exit status $rc, expected 0"
two=$(sessions "$TMP/three.pcapng" -f 'tcp and (port 2445 or port 5061)' | sort)
[ "$(printf '%s\n' "$two" | grep -c .)" -eq 2 ] && ! printf '%s\n' "$two" | grep -q '^7001 ' ||
	fail "-f 'tcp and (port 2445 or port 5061)': got: $two"
# The text report says the same.
run_tlsdiag "$TMP/r" "$TMP/e" --report -q -f 'port 9' "$TMP/three.pcapng"
grep -q "No TLS session found" "$TMP/r" || fail "-f 'port 9': the text report shows sessions"

# One program per link type.
mixed=$CORPUS/pcapng_two_linktypes.pcapng
got=$(sessions "$mixed" -f 'tcp port 8443')
[ "$got" = "8443 2" ] || fail "mixed link types, 'tcp port 8443': got '$got', expected '8443 2'"
got=$(sessions "$mixed" -f 'tcp port 443')
[ "$got" = "443 1" ] || fail "mixed link types, 'tcp port 443': got '$got', expected '443 1'"
run_tlsdiag "$TMP/r" "$TMP/e" --report -q -f vlan "$mixed"
grep -q 'Reading stopped early: the filter "vlan" cannot be applied to packets of link type 113 (LINUX_SLL): no VLAN support.* (frame 2)' "$TMP/r" ||
	fail "'vlan' on SLL: no reason in the report: $(cat "$TMP/r")"

# Usage errors.
for f in 'port 99999' 'tcp and' 'no such words'; do
	run_tlsdiag "$TMP/o" "$TMP/e" -f "$f" "$TMP/three.pcapng"
	[ "$rc" -eq 2 ] || fail "-f '$f': exit status $rc, expected 2"
	[ ! -s "$TMP/o" ] || fail "-f '$f': printed a report"
	grep -q "^tlsdiag: -f '$f': ." "$TMP/e" || fail "-f '$f': no libpcap message: $(cat "$TMP/e")"
	grep -q "^Try 'tlsdiag --help'" "$TMP/e" || fail "-f '$f': no hint"
done
run_tlsdiag "$TMP/o" "$TMP/e" -f 'port 99999' "$TMP/three.pcapng"
grep -q "illegal port number 99999" "$TMP/e" || fail "libpcap's message is not passed on"
run_tlsdiag "$TMP/o" "$TMP/e" -f 'port 7001' --db "$TMP/x.sqlite" "$TMP/three.pcapng"
[ "$rc" -eq 2 ] || fail "-f with --db: exit status $rc, expected 2"
[ ! -e "$TMP/x.sqlite" ] || fail "-f with --db: a database was written"

[ "$nfail" -eq 0 ] && echo "ok: -f on files"
finish
