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
exit $status
