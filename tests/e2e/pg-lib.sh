# pg-lib.sh - a private PostgreSQL server for one test.  Sourced, POSIX sh,
# after lib.sh's make_tmp.
#
# pg_start starts a server from Debian's packages (postgresql-NN: initdb and
# pg_ctl under /usr/lib/postgresql/NN/bin) in a new directory of its own,
# listening on no TCP address, only on a unix socket in that directory;
# the port only names the socket.  It sets:
#   PGDIR      the server's directory (data, socket, log)
#   PGCONN     a key=value conninfo of the test database "tlsdiag"
#   PGURI      the same as a postgresql:// URI
#   pg_sql     SQL -> rows ("|"-separated), through psql
# The server cannot run as root: as root, it runs as the user Debian's
# package made ("postgres"), or "nobody", which owns PGDIR (made with
# mktemp -d outside $TMP, whose mode lets nobody else in).  pg_stop (also
# run by the EXIT trap) stops it at once and removes PGDIR.  Skips (77)
# only when the binaries are missing.  fsync is off (a test's data need
# not survive a power cut) unless PG_FSYNC=on.

pg_start() {
	PGBIN=
	for _d in /usr/lib/postgresql/*/bin; do
		[ -x "$_d/initdb" ] && [ -x "$_d/pg_ctl" ] && PGBIN=$_d
	done
	[ -n "$PGBIN" ] || skip "PostgreSQL server binaries (initdb, pg_ctl) not installed"
	command -v psql >/dev/null 2>&1 || skip "psql not installed"
	PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/tlsdiag-pg.XXXXXX") || exit 1
	trap 'pg_stop; rm -rf "$TMP"' EXIT
	PGUSER_RUN=
	if [ "$(id -u)" -eq 0 ]; then
		if id postgres >/dev/null 2>&1; then PGUSER_RUN=postgres; else PGUSER_RUN=nobody; fi
		chown "$PGUSER_RUN" "$PGDIR"
	fi
	# A port free of other tests' sockets in the same directory is enough.
	PGPORT_T=$((20000 + $$ % 20000))
	pg_as "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U tlsdiag -E UTF8 --locale=C \
		--no-sync >"$PGDIR/initdb.log" 2>&1 ||
		{ cat "$PGDIR/initdb.log"; fail "initdb failed"; finish; }
	pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 60 \
		-o "-k $PGDIR -p $PGPORT_T -c listen_addresses='' -c fsync=${PG_FSYNC:-off} -c max_connections=30" \
		start >/dev/null 2>&1 || { cat "$PGDIR/log"; fail "pg_ctl start failed"; finish; }
	PGCONN="host=$PGDIR port=$PGPORT_T user=tlsdiag dbname=tlsdiag"
	PGURI="postgresql://tlsdiag@/tlsdiag?host=$PGDIR&port=$PGPORT_T"
	psql -X -q -h "$PGDIR" -p "$PGPORT_T" -U tlsdiag -d postgres \
		-c 'CREATE DATABASE tlsdiag' >/dev/null || { fail "CREATE DATABASE failed"; finish; }
}

# pg_as CMD...: CMD as the server's user (as root), else as ourselves.
pg_as() {
	if [ -n "$PGUSER_RUN" ]; then
		runuser -u "$PGUSER_RUN" -- "$@"
	else
		"$@"
	fi
}

pg_sql() {
	psql -X -q -A -t -h "$PGDIR" -p "$PGPORT_T" -U tlsdiag -d "${2:-tlsdiag}" -c "$1"
}

pg_stop() {
	[ -n "$PGDIR" ] || return 0
	if [ -f "$PGDIR/data/postmaster.pid" ]; then
		pg_as "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
	fi
	rm -rf "$PGDIR"
	PGDIR=
}
