#!/bin/sh
# corpus.sh — every document of ../shared/corpus/ extracts, validates (by
# quarry and by python3-jsonschema) and comes out byte-identical twice.
QUARRY=${QUARRY:-build/quarry}
CORPUS=../shared/corpus
if [ ! -d "$CORPUS" ]; then
	echo "SKIP corpus: $CORPUS is absent"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$CORPUS" -name '*.txt' | sort >"$tmp/list"
n=$(wc -l <"$tmp/list")
xargs "$QUARRY" extract --format ndjson <"$tmp/list" >"$tmp/a.ndjson" 2>"$tmp/err"
rc=$?
lines=$(wc -l <"$tmp/a.ndjson")
if [ $rc -eq 0 ] && [ "$lines" -eq "$n" ] && [ ! -s "$tmp/err" ]; then
	echo "PASS corpus: all $n documents extract"
else
	echo "FAIL corpus: status $rc, $lines of $n documents: $(head -3 "$tmp/err")"
fi
if "$QUARRY" validate "$tmp/a.ndjson" 2>"$tmp/verr"; then
	echo "PASS corpus: quarry validate accepts all $n"
else
	echo "FAIL corpus: quarry validate: $(head -3 "$tmp/verr")"
fi
if /usr/bin/python3 tests/jsonschema_check.py schemas/quarry.schema.json "$tmp/a.ndjson" >"$tmp/perr" 2>&1; then
	echo "PASS corpus: python3-jsonschema accepts all $n"
else
	echo "FAIL corpus: python3-jsonschema: $(head -3 "$tmp/perr")"
fi
xargs "$QUARRY" extract --format ndjson <"$tmp/list" >"$tmp/b.ndjson" 2>/dev/null
if cmp -s "$tmp/a.ndjson" "$tmp/b.ndjson"; then
	echo "PASS corpus: output is byte-identical on a second run"
else
	echo "FAIL corpus: output differs between two runs"
fi
