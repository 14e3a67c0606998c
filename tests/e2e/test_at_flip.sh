#!/bin/bash
# The same capture judged with --at before and after its certificate's
# notAfter: `expired` must appear only after; `expiring_soon` only within
# the window before; and --at now on a capture whose certificate expired
# after the capture says both dates.
set -u
: "${TLSDIAG:?}" "${top_srcdir:?}"
cap=$top_srcdir/samples/cucm-5061-expired.pcap
fail=0
ids() { "$TLSDIAG" --json -q "$@" "$cap" | /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    if d["type"] == "session":
        print(" ".join(sorted(f["id"] for f in d["findings"])))
'; }
na=$("$TLSDIAG" --json -q "$cap" | /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    if d["type"] == "session":
        print(d["server_chain"][0]["not_after"])')
[ -n "$na" ] || { echo "FAIL: no server certificate in $cap"; exit 1; }
day() { date -u -d "$na $1" +%Y-%m-%dT%H:%M:%SZ; }

before=$(ids --at "$(day '-40 days')")
soon=$(ids --at "$(day '-10 days')")
after=$(ids --at "$(day '+1 day')")
capture_time=$(ids)
check() { # name got want-present want-absent
	case " $2 " in *" $3 "*) ;; *) echo "FAIL: $1: '$3' missing from [$2]"; fail=1 ;; esac
	[ -z "$4" ] || case " $2 " in *" $4 "*) echo "FAIL: $1: '$4' present in [$2]"; fail=1 ;; esac
}
check "40 days before notAfter ($na)" "$before" fatal_alert expired
case " $before " in *" expiring_soon "*) echo "FAIL: expiring_soon 40 days before"; fail=1 ;; esac
check "10 days before notAfter" "$soon" expiring_soon expired
check "a day after notAfter" "$after" expired expiring_soon
check "at capture time (default)" "$capture_time" expired ""
[ $fail = 0 ] && echo "ok: expired flips around $na"
exit $fail
