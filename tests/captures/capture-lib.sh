# capture-lib.sh - what the capture generators share (sourced by bash):
# their temporary directory and clean-up, waiting for a port, tcpdump on
# lo, an openssl s_server that must exit by itself. The caller sets
# $TCPDUMP and calls capture_init first.
# shellcheck shell=bash

# capture_init NAME: $WORK, a temporary directory removed on exit (kept
# with KEEP_WORK set); PIDS, every background process started (killed on
# exit); die and log; an empty openssl.cnf, so that the host's (system
# MinProtocol / CipherString policies) cannot change what is negotiated;
# file descriptor 9, a FIFO held open: s_server reads commands from stdin
# and quits on EOF, so servers get a stdin that never delivers data nor EOF.
capture_init() {
	CAPTURE_NAME=$1
	WORK=$(mktemp -d "/tmp/$1.XXXXXX")
	PIDS=()
	trap capture_cleanup EXIT
	: >"$WORK/openssl.cnf"
	export OPENSSL_CONF=$WORK/openssl.cnf
	mkfifo "$WORK/hold"
	exec 9<>"$WORK/hold"
}

capture_cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	exec 9>&- 2>/dev/null || true
	if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}

die() { echo "$CAPTURE_NAME: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

wait_for() {	# wait_for DESCRIPTION COMMAND... (up to ~10 s)
	local what=$1 _
	shift
	for _ in $(seq 200); do
		if "$@"; then return 0; fi
		sleep 0.05
	done
	die "timed out waiting for $what"
}

listening() { ss -Hltn "sport = :$1" | grep -q .; }
port_free() { ! ss -Htan "( sport = :$1 or dport = :$1 )" | grep -v TIME-WAIT | grep -q .; }

TCPDUMP_PID=
start_tcpdump() {	# start_tcpdump PORT OUTFILE
	wait_for "port $1 to be unused" port_free "$1"
	"$TCPDUMP" -i lo -U --immediate-mode -n -s 0 -w "$2" "tcp port $1" 2>"$WORK/tcpdump.err" &
	TCPDUMP_PID=$!
	PIDS+=("$TCPDUMP_PID")
	wait_for "tcpdump to start" grep -q "listening on" "$WORK/tcpdump.err"
}

stop_tcpdump() {
	sleep 0.3	# let the last FIN/ACK reach the capture buffer
	kill -INT "$TCPDUMP_PID"
	wait "$TCPDUMP_PID" || true
}

SERVER_PID=
start_server() {	# start_server PORT LOG COMMAND...
	local p=$1 lg=$2
	shift 2
	"$@" <&9 >"$lg" 2>&1 &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	wait_for "server on port $p" listening "$p"
}

wait_server() {	# the server should exit on its own (-naccept 1); don't hang
	local _
	for _ in $(seq 100); do
		kill -0 "$SERVER_PID" 2>/dev/null || { wait "$SERVER_PID" || true; return 0; }
		sleep 0.05
	done
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" || true
}

