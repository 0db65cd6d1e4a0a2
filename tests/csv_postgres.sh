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

# ---- quarry export: a run of the corpus, then an incremental run, upserted ----
# The load recipe of README's "Running from cron": in one transaction,
# delete the doc ids of the run's delete.csv from every table (children
# first), then COPY the run's tables (parents first).
QUARRY=${QUARRY:-$BUILD/quarry}
if [ ! -d ../shared/corpus ]; then
	echo "SKIP csv postgres: export loads: ../shared/corpus is absent"
	exit $status
fi
src="$tmp/corpus"
mkdir "$src"
case $BUILD in
*asan*) # a slice under the sanitizers; the whole corpus when optimised
	for d in ../shared/corpus/*/; do
		mkdir "$src/$(basename "$d")"
		for f in $(ls "$d" | grep '\.txt$' | head -8); do cp "$d$f" "$src/$(basename "$d")/"; done
	done ;;
*) cp -r ../shared/corpus/. "$src/" ;;
esac
chmod -R a+rX "$tmp"
exp="$tmp/export"
load_run() { # load_run DB RUN: the upsert of one run
	dir="$exp/csv/$2"
	tables=$(jq -r '.resources[].name' "$dir/datapackage.json")
	{
		echo "BEGIN;"
		echo "CREATE TEMP TABLE load_delete (doc_id text PRIMARY KEY) ON COMMIT DROP;"
		printf '%s\n' "\\copy load_delete FROM '$dir/delete.csv' WITH (FORMAT csv, HEADER true)"
		for t in $(echo "$tables" | tac); do
			echo "DELETE FROM \"$t\" WHERE doc_id IN (SELECT doc_id FROM load_delete);"
		done
		for t in $tables; do
			printf '%s\n' "\\copy \"$t\" FROM '$dir/$t.csv' WITH (FORMAT csv, HEADER true, NULL '')"
		done
		echo "COMMIT;"
	} >"$tmp/load.sql"
	sql -d "$1" -f "$tmp/load.sql" 2>"$tmp/err"
}
counts() { # counts DB: "table rows" for every table
	for t in $(jq -r '.resources[].name' "$exp/csv/$(cat "$exp/latest")/datapackage.json"); do
		echo "$t $(sql -d "$1" -c "SELECT count(*) FROM \"$t\"")"
	done
}
summary_counts() { jq -r '.tables | to_entries[] | "\(.key) \(.value)"' "$1"; }
dangling() { # dangling DB: rows whose foreign key finds no parent, over every key
	jq -r '.resources[] | .name as $t | (.schema.foreignKeys // [])[] |
		"SELECT count(*) FROM \"\($t)\" c WHERE " +
		([.fields[] | "c.\"\(.)\" IS NOT NULL"] | join(" AND ")) +
		" AND NOT EXISTS (SELECT 1 FROM \"\(.reference.resource)\" p WHERE " +
		([.fields, .reference.fields] | transpose | map("p.\"\(.[1])\" = c.\"\(.[0])\"") | join(" AND ")) + ");"' \
		"$exp/csv/$(cat "$exp/latest")/datapackage.json" >"$tmp/fk.sql"
	total=0
	while read -r q; do total=$((total + $(sql -d "$1" -c "$q"))); done <"$tmp/fk.sql"
	echo $total
}
sql -c "CREATE DATABASE warehouse" && sql -c "CREATE DATABASE fresh" &&
	"$QUARRY" schema sql-postgres >"$tmp/pg.sql" &&
	sql -d warehouse -f "$tmp/pg.sql" && sql -d fresh -f "$tmp/pg.sql" ||
	{ fail "export: databases and DDL"; exit 1; }
start=$(date +%s.%N)
"$QUARRY" export --incremental --include "*.txt" --csv-profile postgres --out "$exp" --summary "$tmp/s1.json" "$src" 2>"$tmp/err"
rc=$?
mid=$(date +%s.%N)
run1=$(cat "$exp/latest")
if [ $rc -eq 0 ] && load_run warehouse "$run1"; then
	end=$(date +%s.%N)
	pass "export: $(jq .documents "$tmp/s1.json") documents exported and loaded with COPY ($(awk "BEGIN { printf \"%.2f s + %.2f s\", $mid - $start, $end - $mid }"))"
else
	fail "export: first run (status $rc): $(head -3 "$tmp/err")"
fi
counts warehouse >"$tmp/got1"
summary_counts "$tmp/s1.json" >"$tmp/want1"
cmp -s "$tmp/got1" "$tmp/want1" && pass "export: row counts of 13 tables equal the summary" ||
	fail "export: row counts differ from the summary: $(diff "$tmp/want1" "$tmp/got1" | tr '\n' ' ')"
n=$(dangling warehouse)
[ "$n" = 0 ] && pass "export: every foreign key holds" || fail "export: $n rows with a dangling key"

# The second night: three inputs changed, one new, two deleted.
for f in $(find "$src" -name '*.txt' | sort | awk 'NR % 10 == 7' | head -3); do
	echo "A correction was appended to this document." >>"$f"
done
cp "$(find "$src" -name '*.txt' | sort | head -1)" "$src/new-copy.txt"
echo "This copy has an extra line." >>"$src/new-copy.txt"
find "$src" -name '*.txt' | sort | awk 'NR % 10 == 3' | head -2 | xargs rm -f
"$QUARRY" export --incremental --include "*.txt" --csv-profile postgres --out "$exp" --summary "$tmp/s2.json" "$src" 2>"$tmp/err"
rc=$?
run2=$(cat "$exp/latest")
if [ $rc -eq 0 ] && [ "$run2" != "$run1" ] && [ "$(jq .processed "$tmp/s2.json")" = 4 ] &&
	[ "$(jq .removed "$tmp/s2.json")" = 2 ] && load_run warehouse "$run2"; then
	pass "export: an incremental run (3 changed, 1 new, 2 deleted) upserted"
else
	fail "export: incremental run (status $rc, $(jq -c '{processed,removed}' "$tmp/s2.json")): $(head -3 "$tmp/err")"
fi
# Nothing duplicated, nothing lost: the same rows as a fresh load of a
# clean export of the inputs as they are now.
"$QUARRY" export --include "*.txt" --csv-profile postgres --out "$tmp/clean" --summary "$tmp/sc.json" "$src" 2>/dev/null
exp_saved=$exp
exp="$tmp/clean"
load_run fresh "$(cat "$exp/latest")" || fail "export: clean load: $(head -3 "$tmp/err")"
exp=$exp_saved
counts warehouse >"$tmp/got2"
counts fresh >"$tmp/want2"
cmp -s "$tmp/got2" "$tmp/want2" && pass "export: after the upsert every table has the rows of a clean load, none twice" ||
	fail "export: upserted tables differ from a clean load: $(diff "$tmp/want2" "$tmp/got2" | tr '\n' ' ')"
live=$(jq '[.inputs[] | select(.status == "ok") | .doc_id] | unique | length' "$exp/.quarry/manifest.json")
n=$(sql -d warehouse -c "SELECT count(*) FROM documents")
[ "$n" = "$live" ] && pass "export: the warehouse holds exactly the $live live documents of the manifest" ||
	fail "export: $n documents loaded, $live live in the manifest"
n=$(dangling warehouse)
[ "$n" = 0 ] && pass "export: every foreign key still holds" || fail "export: $n rows with a dangling key"
load_run warehouse "$run2" && counts warehouse >"$tmp/got3"
cmp -s "$tmp/got2" "$tmp/got3" && pass "export: loading a run twice changes nothing" ||
	fail "export: a second load of the same run changed the tables"
exit $status
