# capture-lib.sh - what the capture generators share (sourced by bash):
# waiting for a port, tcpdump on lo, an openssl s_server that must exit by
# itself. The caller defines die(), $WORK (its temporary directory, for
# tcpdump's messages), $TCPDUMP, an array PIDS (every background process,
# killed on exit) and file descriptor 9 (a FIFO held open: the servers'
# stdin, which never delivers data nor EOF).
# shellcheck shell=bash

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

