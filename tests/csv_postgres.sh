#!/bin/sh
# csv_postgres.sh — the postgres profile's table set loads with COPY …
# WITH (FORMAT csv, HEADER true, NULL '') into tables made by the
# generated DDL (keys, foreign keys and CHECKs on), in a throwaway
# PostgreSQL server on a Unix socket.  SKIP when no server is installed.
BUILD=${BUILD:-build}
export="$BUILD/tests/tools/csv_export"
PATH=$PATH:/usr/lib/postgresql/15/bin
for tool in initdb pg_ctl psql; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "SKIP csv postgres: $tool is not installed"
		exit 0
	fi
done
run=""
if [ "$(id -u)" = 0 ]; then
	# initdb refuses root: run the server as the postgres user.
	if ! id postgres >/dev/null 2>&1 || ! command -v runuser >/dev/null 2>&1; then
		echo "SKIP csv postgres: running as root without a postgres user"
		exit 0
	fi
	run="runuser -u postgres --"
fi
tmp=$(mktemp -d)
chmod 755 "$tmp"
[ -n "$run" ] && chown postgres "$tmp"
trap '$run pg_ctl -D "$tmp/data" -m immediate stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
if ! $run initdb -D "$tmp/data" -A trust -U postgres >"$tmp/initdb.log" 2>&1 ||
	! $run pg_ctl -D "$tmp/data" -o "-k $tmp -c listen_addresses=''" -l "$tmp/log" -w start >/dev/null 2>&1; then
	echo "SKIP csv postgres: cannot start a server ($(tail -1 "$tmp/initdb.log"))"
	exit 0
fi
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$tmp" -U postgres "$@"; }
status=0
pass() { echo "PASS csv postgres: $1"; }
fail() { echo "FAIL csv postgres: $1"; status=1; }

set -- fixtures/sample/*.txt
if [ -d ../shared/corpus ]; then
	for d in ../shared/corpus/*/; do
		for f in $(ls "$d"*.txt 2>/dev/null | grep -v SOURCES | head -6); do
			set -- "$@" "$f"
		done
	done
fi
mkdir "$tmp/set" && chmod 755 "$tmp/set"
if ! "$export" -p postgres "$tmp/set/t" "$@" >"$tmp/expected" 2>"$tmp/err"; then
	fail "export: $(cat "$tmp/err")"
	exit 1
fi
"$export" --ddl postgres >"$tmp/ddl.sql"
sql -f "$tmp/ddl.sql" 2>"$tmp/err" && pass "generated DDL creates 13 tables" ||
	{ fail "DDL: $(cat "$tmp/err")"; exit 1; }
bad=""
while read -r table rows; do
	sql -c "\\copy \"$table\" FROM '$tmp/set/t/$table.csv' WITH (FORMAT csv, HEADER true, NULL '')" \
		2>"$tmp/err" || bad="$bad $table: $(head -1 "$tmp/err")"
done <"$tmp/expected"
[ -z "$bad" ] && pass "COPY loads every table, parents first, keys checked" || fail "COPY:$bad"
bad=""
while read -r table rows; do
	got=$(sql -c "SELECT count(*) FROM \"$table\"")
	[ "$got" = "$rows" ] || bad="$bad $table:$got/$rows"
done <"$tmp/expected"
[ -z "$bad" ] && pass "row counts of 13 tables" || fail "row counts:$bad"
n=$(sql -c "SELECT count(*) FROM documents WHERE char_length(text) <> stats_characters")
[ "$n" = 0 ] && pass "texts keep their length" || fail "$n texts changed length"
n=$(sql -c "SELECT count(*) FROM sentences s JOIN documents d USING (doc_id)
	WHERE substr(d.text, s.start_offset::int + 1, (s.end_offset - s.start_offset)::int) <> s.text")
[ "$n" = 0 ] && pass "sentence offsets select their text in SQL" || fail "$n sentences off"
n=$(sql -c "SELECT count(*) FROM documents WHERE metadata_url IS NULL")
e=$(sql -c "SELECT count(*) FROM authors WHERE role = ''")
[ "$n" -gt 0 ] && [ "$e" = 0 ] && pass "NULL stays NULL" || fail "NULL handling"
n=$(sql -c "SELECT count(*) FROM documents WHERE source_bom IS NOT FALSE")
[ "$n" = 0 ] && pass "booleans load as booleans" || fail "$n BOM flags"
exit $status
