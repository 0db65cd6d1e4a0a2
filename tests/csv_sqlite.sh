#!/bin/sh
# csv_sqlite.sh — the CSV table set of several documents loads into SQLite
# with the generated DDL and foreign keys on: every row arrives, no
# foreign key dangles, NULL stays NULL and "" stays "", texts keep their
# length.  Loads with tools/csv_sqlite.py (sqlite3's .import cannot tell an
# empty unquoted field from "").
BUILD=${BUILD:-build}
export="$BUILD/tests/tools/csv_export"
if ! command -v sqlite3 >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP csv sqlite: sqlite3 or python3 is not installed"
	exit 0
fi
if [ ! -x "$export" ]; then
	echo "FAIL csv sqlite: $export is not built"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
pass() { echo "PASS csv sqlite: $1"; }
fail() { echo "FAIL csv sqlite: $1"; status=1; }

# The samples and, when the corpus is there, a slice of each of its folders.
set -- fixtures/sample/*.txt
if [ -d ../shared/corpus ]; then
	for d in ../shared/corpus/*/; do
		for f in $(ls "$d"*.txt 2>/dev/null | grep -v SOURCES | head -4); do
			set -- "$@" "$f"
		done
	done
fi
ndocs=$#

for profile in rfc4180 postgres bigquery; do
	set_dir="$tmp/set-$profile"
	db="$tmp/$profile.db"
	if ! "$export" -p "$profile" "$set_dir" "$@" >"$tmp/expected" 2>"$tmp/err"; then
		fail "$profile: export failed: $(cat "$tmp/err")"
		continue
	fi
	"$export" --ddl sqlite >"$tmp/ddl.sql" && sqlite3 "$db" <"$tmp/ddl.sql" 2>"$tmp/err" ||
		{ fail "$profile: DDL: $(cat "$tmp/err")"; continue; }
	if ! python3 tools/csv_sqlite.py "$set_dir" "$db" >"$tmp/loaded" 2>"$tmp/err"; then
		fail "$profile: load: $(tail -1 "$tmp/err")"
		continue
	fi
	pass "$profile: $ndocs documents loaded with foreign keys on"
	bad=""
	while read -r table rows; do
		got=$(sqlite3 "$db" "SELECT count(*) FROM \"$table\";")
		[ "$got" = "$rows" ] || bad="$bad $table:$got/$rows"
	done <"$tmp/expected"
	[ -z "$bad" ] && pass "$profile: row counts of 13 tables" || fail "$profile: row counts:$bad"
	fk=$(sqlite3 "$db" "PRAGMA foreign_key_check;")
	[ -z "$fk" ] && pass "$profile: PRAGMA foreign_key_check is empty" ||
		fail "$profile: foreign_key_check: $fk"
	# Text survives: characters counted by SQLite equal stats.characters.
	chars=$(sqlite3 "$db" "SELECT count(*) FROM documents WHERE length(text) <> stats_characters;")
	[ "$chars" = 0 ] && pass "$profile: document texts keep their length" ||
		fail "$profile: $chars texts changed length"
	joined=$(sqlite3 "$db" "SELECT count(*) FROM sentences s JOIN documents d USING (doc_id)
		WHERE substr(d.text, s.start_offset + 1, s.end_offset - s.start_offset) <> s.text;")
	[ "$joined" = 0 ] && pass "$profile: sentence offsets select their text in SQL" ||
		fail "$profile: $joined sentences do not match their offsets"
	nulls=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM documents WHERE metadata_title = '')
		+ (SELECT count(*) FROM authors WHERE role = '');")
	nnull=$(sqlite3 "$db" "SELECT count(*) FROM documents WHERE metadata_url IS NULL;")
	[ "$nulls" = 0 ] && [ "$nnull" -gt 0 ] && pass "$profile: NULL stays NULL" ||
		fail "$profile: NULL handling ($nulls empty strings, $nnull nulls)"
done

# ---- quarry export: a run of the corpus, then an incremental run, upserted ----
QUARRY=${QUARRY:-$BUILD/quarry}
if [ ! -d ../shared/corpus ]; then
	echo "SKIP csv sqlite: export loads: ../shared/corpus is absent"
	exit $status
fi
src="$tmp/corpus"
mkdir "$src"
# A slice of each folder of the corpus (the loader parses CSV in Python;
# csv_postgres.sh loads the whole corpus).
case $BUILD in *asan*) per=8 ;; *) per=30 ;; esac
for d in ../shared/corpus/*/; do
	mkdir "$src/$(basename "$d")"
	for f in $(ls "$d" | grep '\.txt$' | head -$per); do cp "$d$f" "$src/$(basename "$d")/"; done
done
exp="$tmp/export"
counts() { # counts DB: "table rows" for every table, in the package's order
	for t in $(jq -r '.resources[].name' "$exp/csv/$(cat "$exp/latest")/datapackage.json"); do
		echo "$t $(sqlite3 "$1" "SELECT count(*) FROM \"$t\";")"
	done
}
"$QUARRY" schema sql-sqlite >"$tmp/ddl-sqlite.sql"
sqlite3 "$tmp/w.db" <"$tmp/ddl-sqlite.sql" && sqlite3 "$tmp/fresh.db" <"$tmp/ddl-sqlite.sql" ||
	{ fail "export: DDL"; exit 1; }
"$QUARRY" export --incremental --include '*.txt' --out "$exp" --summary "$tmp/s1.json" "$src" 2>"$tmp/err"
rc=$?
run1=$(cat "$exp/latest")
if [ $rc -eq 0 ] && python3 tools/csv_sqlite.py "$exp/csv/$run1" "$tmp/w.db" >/dev/null 2>"$tmp/err"; then
	pass "export: $(jq .documents "$tmp/s1.json") documents exported and loaded"
else
	fail "export: first run (status $rc): $(tail -1 "$tmp/err")"
fi
counts "$tmp/w.db" >"$tmp/got1"
jq -r '.tables | to_entries[] | "\(.key) \(.value)"' "$tmp/s1.json" >"$tmp/want1"
cmp -s "$tmp/got1" "$tmp/want1" && pass "export: row counts of 13 tables equal the summary" ||
	fail "export: row counts differ from the summary: $(diff "$tmp/want1" "$tmp/got1" | tr '\n' ' ')"
fk=$(sqlite3 "$tmp/w.db" "PRAGMA foreign_key_check;")
[ -z "$fk" ] && pass "export: PRAGMA foreign_key_check is empty" || fail "export: foreign keys: $fk"
for f in $(find "$src" -name '*.txt' | sort | awk 'NR % 10 == 7' | head -3); do
	echo "A correction was appended to this document." >>"$f"
done
cp "$(find "$src" -name '*.txt' | sort | head -1)" "$src/new-copy.txt"
echo "This copy has an extra line." >>"$src/new-copy.txt"
find "$src" -name '*.txt' | sort | awk 'NR % 10 == 3' | head -2 | xargs rm -f
"$QUARRY" export --incremental --include '*.txt' --out "$exp" --summary "$tmp/s2.json" "$src" 2>"$tmp/err"
rc=$?
run2=$(cat "$exp/latest")
if [ $rc -eq 0 ] && [ "$run2" != "$run1" ] && [ "$(jq .processed "$tmp/s2.json")" = 4 ] &&
	python3 tools/csv_sqlite.py "$exp/csv/$run2" "$tmp/w.db" >/dev/null 2>"$tmp/err"; then
	pass "export: an incremental run (3 changed, 1 new, 2 deleted) upserted"
else
	fail "export: incremental run (status $rc): $(tail -1 "$tmp/err")"
fi
"$QUARRY" export --include '*.txt' --out "$tmp/clean" "$src" 2>/dev/null
python3 tools/csv_sqlite.py "$tmp/clean/csv/$(cat "$tmp/clean/latest")" "$tmp/fresh.db" >/dev/null
counts "$tmp/w.db" >"$tmp/got2"
counts "$tmp/fresh.db" >"$tmp/want2"
cmp -s "$tmp/got2" "$tmp/want2" && pass "export: after the upsert every table has the rows of a clean load, none twice" ||
	fail "export: upserted tables differ from a clean load: $(diff "$tmp/want2" "$tmp/got2" | tr '\n' ' ')"
fk=$(sqlite3 "$tmp/w.db" "PRAGMA foreign_key_check;")
[ -z "$fk" ] && pass "export: foreign keys still hold" || fail "export: foreign keys: $fk"
python3 tools/csv_sqlite.py "$exp/csv/$run2" "$tmp/w.db" >/dev/null 2>&1
counts "$tmp/w.db" >"$tmp/got3"
cmp -s "$tmp/got2" "$tmp/got3" && pass "export: loading a run twice changes nothing" ||
	fail "export: a second load of the same run changed the tables"
exit $status
