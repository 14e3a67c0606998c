# lib.sh - helpers shared by the end-to-end tests.  Sourced, POSIX sh.
#
# `make check` sets $TLSDIAG, $TSHARK, $OPENSSL, $top_srcdir (see
# AM_TESTS_ENVIRONMENT in Makefile.am).  By hand:
#   top_srcdir=/work/main TLSDIAG=/work/build/tlsdiag TSHARK=/usr/bin/tshark \
#       sh /work/main/tests/e2e/test_linktypes.sh

: "${top_srcdir:=.}"
CORPUS=$top_srcdir/tests/captures/capture
EXPECTED=$CORPUS/expected.txt
nfail=0

fail() { printf 'FAIL: %s\n' "$*"; nfail=$((nfail + 1)); }
note() { printf 'note: %s\n' "$*"; }
skip() { printf 'SKIP: %s\n' "$*"; exit 77; }

# need_tool VALUE NAME: skip the test unless VALUE is an executable.
need_tool() {
	if [ -z "$1" ] || ! command -v "$1" >/dev/null 2>&1; then
		skip "$2 not available"
	fi
}

# The binary under test missing is a failure, not a skip.
need_tlsdiag() {
	if [ -z "$TLSDIAG" ] || [ ! -x "$TLSDIAG" ]; then
		echo "FAIL: tlsdiag binary not found (TLSDIAG='$TLSDIAG')"
		exit 1
	fi
	if [ ! -r "$EXPECTED" ]; then
		echo "FAIL: $EXPECTED missing"
		exit 1
	fi
}

# A private temporary directory in $TMP, removed on exit.
make_tmp() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/tlsdiag-e2e.XXXXXX") || exit 1
	trap 'rm -rf "$TMP"' EXIT
	trap 'exit 1' HUP INT TERM
}

finish() {
	if [ "$nfail" -gt 0 ]; then
		echo "$nfail check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# corpus_files KIND: names of the corpus captures of that kind (tcp, bad)
# as listed in expected.txt.
corpus_files() {
	awk -v kind="$1" '$2 == "file" && (kind == "" || $NF == kind) { print $1 }' \
		"$EXPECTED"
}

# expect_field NAME KEY...: print the value following the words KEY... in
# the expected.txt line of NAME that starts with them, e.g.
#   expect_field truncated.pcap cut record_offset
expect_field() {
	_n=$1
	shift
	awk -v name="$_n" -v want="$*" '
		$1 != name { next }
		{
			k = split(want, w, " ")
			for (i = 1; i <= k; i++)
				if ($(i + 1) != w[i]) next
			print $(k + 2)
			exit
		}' "$EXPECTED"
}

# run_tlsdiag OUT ERR ARGS...: run the binary, stdout to OUT, stderr to
# ERR; sets $rc.  A crash (signal) or a sanitizer report is a failure.
run_tlsdiag() {
	_out=$1
	_err=$2
	shift 2
	"$TLSDIAG" "$@" >"$_out" 2>"$_err"
	rc=$?
	if [ "$rc" -ge 128 ]; then
		fail "tlsdiag $* died with status $rc"
	fi
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$_err"; then
		fail "tlsdiag $*: sanitizer report:"
		sed 's/^/    /' "$_err" | head -20
	fi
	return 0
}

# block_of LABEL OUT: the lines of one file's report ("file LABEL: ..." up
# to the next "file " line) from a --streams output.
block_of() {
	awk -v label="$1" '
		$1 == "file" { inb = ($2 == label ":") }
		inb' "$2"
}

# dump_sums DIR BASE: "ID c2s|s2c SHA256" for each stream --dump-streams
# wrote for BASE (DIR/BASE.flowID.c2s, .s2c).
dump_sums() {
	for _f in "$1/$2".flow*.c2s "$1/$2".flow*.s2c; do
		[ -f "$_f" ] || continue
		_id=${_f##*.flow}
		_dir=${_id##*.}
		_id=${_id%.*}
		_sum=$(sha256sum <"$_f")
		echo "$_id $_dir ${_sum%% *}"
	done
}

# check_streams NAME BLOCK [SUMS]: compare one file's --streams report
# (BLOCK, from block_of) with expected.txt: the file line, the number of
# flows, each flow found by its endpoints (id, syn/midstream, frames, close
# reason, every per-direction counter), the anomalies, and with SUMS (from
# dump_sums) the SHA-256 of each dumped stream.  Each mismatch is a FAIL.
check_streams() {
	_sums=${3:-/dev/null}
	_mism=$(check_streams_awk "$@") || {
		fail "$1: the checker itself failed (awk)"
		return 1
	}
	if [ -n "$_mism" ]; then
		printf '%s\n' "$_mism" | while IFS= read -r _l; do
			printf 'FAIL: %s\n' "$_l"
		done
		nfail=$((nfail + $(printf '%s\n' "$_mism" | wc -l)))
		return 1
	fi
	return 0
}

check_streams_awk() {
	awk -v name="$1" -v expf="$EXPECTED" -v outf="$2" \
		-v sumf="$_sums" -v havesums="${3:+1}" '
	FILENAME == expf {
		if ($1 != name) next
		if ($2 == "file") { efmt = $4; elt = $6; epk = $8; next }
		if ($2 == "flows") { enf = $3; next }
		if ($2 == "flow" && $5 == "->") {
			id = $3; ne++; eids[ne] = id
			ekey[id] = $4 " -> " $6; estart[id] = $7
			eclose[id] = $9; eframes[id] = $11
			next
		}
		if ($2 == "flow" && ($4 == "c2s" || $4 == "s2c")) {
			for (i = 5; i < NF; i += 2) ev[$3, $4, $i] = $(i + 1)
			next
		}
		if ($2 == "anomalies") {
			for (i = 3; i < NF; i += 2) { na++; akeys[na] = $i; ea[$i] = $(i + 1) }
			next
		}
		next
	}
	FILENAME == outf {
		if ($1 == "file") {
			sawfile = 1
			line = $0
			line = substr(line, index(line, ": ") + 2)
			np = split(line, parts, ", ")
			split(parts[1], w, " "); gfmt = w[1]
			glt = np >= 3 ? parts[2] : ""
			gpk = parts[np]; sub(/ packets.*$/, "", gpk)
			next
		}
		if ($1 == "flow" && $4 == "->") {
			cur = $2; ng++
			key = $3 " -> " $5
			byk[key] = cur
			for (i = 6; i <= NF; i++) {
				if ($i == "syn" || $i == "midstream") gstart[cur] = $i
				else if ($i == "frames") gframes[cur] = $(i + 1)
				else if ($i == "closed") gclose[cur] = $(i + 1)
			}
			gkey[ng] = key
			next
		}
		if (($1 == "c2s" || $1 == "s2c") && cur != "") {
			for (i = 2; i < NF; i += 2) gv[cur, $1, $i] = $(i + 1)
			next
		}
		if ($1 == "anomalies:") {
			gotanom = 1
			for (i = 2; i < NF; i += 2) ga[$i] = $(i + 1)
			next
		}
		next
	}
	FILENAME == sumf { sums[$1, $2] = $3; next }
	function bad(what, got, want) {
		printf "%s: %s: got %s, expected %s\n", name, what, \
			(got == "" ? "(nothing)" : got), want
	}
	END {
		if (efmt == "") { print name ": not in expected.txt"; exit }
		if (!sawfile) { print name ": no \"file\" line in the report"; exit }
		if (efmt != "-" && gfmt != efmt) bad("format", gfmt, efmt)
		if (elt != "-" && glt != elt) bad("link type", glt, elt)
		if (gpk != epk) bad("packets", gpk, epk)
		if (ng + 0 != enf + 0) bad("number of flows", ng + 0, enf)
		split("bytes segments gaps retrans ooo overlaps snapcut", keys, " ")
		for (n = 1; n <= ne; n++) {
			id = eids[n]
			k = ekey[id]
			if (!(k in byk)) {
				split(k, ep, " -> ")
				if ((ep[2] " -> " ep[1]) in byk)
					print name ": flow " id " " k ": reported with client and server swapped, as flow " byk[ep[2] " -> " ep[1]] " " ep[2] " -> " ep[1]
				else
					print name ": flow " id " " k ": not reported"
				continue
			}
			g = byk[k]
			fl = "flow " id " " k
			if (g != id) bad(fl " id", g, id)
			if (gstart[g] != estart[id]) bad(fl " start", gstart[g], estart[id])
			if (gframes[g] != eframes[id]) bad(fl " frames", gframes[g], eframes[id])
			if (gclose[g] != eclose[id]) bad(fl " closed", gclose[g], eclose[id])
			for (d = 0; d < 2; d++) {
				dn = d ? "s2c" : "c2s"
				for (j = 1; j <= 7; j++) {
					kk = keys[j]
					if (gv[g, dn, kk] != ev[id, dn, kk])
						bad(fl " " dn " " kk, gv[g, dn, kk], ev[id, dn, kk])
				}
				if (havesums && sums[g, dn] != ev[id, dn, "sha256"])
					bad(fl " " dn " dumped stream sha256", sums[g, dn], ev[id, dn, "sha256"])
			}
		}
		for (n = 1; n <= ng; n++) {
			found = 0
			split(gkey[n], ep, " -> ")
			for (m = 1; m <= ne; m++)
				if (ekey[eids[m]] == gkey[n] || ekey[eids[m]] == ep[2] " -> " ep[1]) found = 1
			if (!found) print name ": unexpected flow " gkey[n]
		}
		if (!gotanom) print name ": no anomalies line"
		for (n = 1; n <= na; n++)
			if (ga[akeys[n]] != ea[akeys[n]])
				bad("anomalies " akeys[n], ga[akeys[n]], ea[akeys[n]])
	}' "$EXPECTED" "$2" "$_sums"
}

# streams_check_file NAME [LABEL]: run tlsdiag --streams --dump-streams on
# the corpus capture NAME and check everything against expected.txt.
streams_check_file() {
	_name=$1
	mkdir -p "$TMP/dump.$_name"
	run_tlsdiag "$TMP/out.$_name" "$TMP/err.$_name" --streams \
		--dump-streams "$TMP/dump.$_name" "$CORPUS/$_name"
	block_of "$CORPUS/$_name" "$TMP/out.$_name" >"$TMP/block.$_name"
	dump_sums "$TMP/dump.$_name" "$_name" >"$TMP/sums.$_name"
	if check_streams "$_name" "$TMP/block.$_name" "$TMP/sums.$_name"; then
		echo "ok: $_name"
	else
		sed 's/^/    | /' "$TMP/out.$_name" "$TMP/err.$_name"
	fi
}

# live_netns SCRIPT ARGS...: the live capture tests run in a private
# network namespace (unshare -n: only their own loopback, nothing outside
# captured or disturbed). Outside it, check what that needs (root or
# CAP_NET_RAW + CAP_SYS_ADMIN, unshare, ip), skipping (77) with the
# reason, and run SCRIPT again inside; inside, bring loopback up.
live_netns() {
	if [ -z "$TLSDIAG_LIVE_NETNS" ]; then
		command -v unshare >/dev/null 2>&1 || skip "unshare not available"
		command -v ip >/dev/null 2>&1 || skip "ip (iproute2) not available"
		[ "$(id -u)" = 0 ] ||
			skip "capturing needs root (CAP_NET_RAW) and a network namespace"
		unshare -n true 2>/dev/null || skip "cannot make a network namespace (unshare -n)"
		TLSDIAG_LIVE_NETNS=1 exec unshare -n sh "$@"
	fi
	ip link set lo up || skip "cannot bring up loopback in the namespace"
}

# ms: milliseconds since the epoch.
ms() { date +%s%3N; }

# wait_line FILE REGEX MS: 0 when a line of FILE matches within MS.
wait_line() {
	_end=$(($(ms) + $3))
	while [ "$(ms)" -lt "$_end" ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	return 1
}
