#!/bin/sh
# formats.sh — through the command line: extract to each format, validate
# that output, convert it back, and get exactly the JSON extract writes.
# Streams (NDJSON, YAML) and CSV table sets carry the sample documents and
# the whole of ../shared/corpus/ at once; XML holds one document per file,
# so it takes the samples and every fifth corpus document.
QUARRY=${QUARRY:-build/quarry}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ls fixtures/sample/*.txt >"$tmp/list"
if [ -d ../shared/corpus ]; then
	find ../shared/corpus -name '*.txt' | sort >>"$tmp/list"
else
	echo "SKIP formats: ../shared/corpus is absent (samples only)"
fi
n=$(wc -l <"$tmp/list")
extract() { xargs "$QUARRY" extract --date 2022-11-21 "$@" <"$tmp/list"; }
extract --format ndjson >"$tmp/direct.ndjson"

# stream FORMAT OUTPUT: the whole list in one output of FORMAT.
stream() {
	f=$1 out=$2
	if extract --format $f -o "$out" 2>"$tmp/err" &&
		"$QUARRY" validate "$out" 2>>"$tmp/err" &&
		"$QUARRY" convert --to ndjson "$out" >"$tmp/back" 2>>"$tmp/err" &&
		cmp -s "$tmp/direct.ndjson" "$tmp/back"; then
		echo "PASS formats: $f: $n documents extract, validate and read back to the same JSON"
	else
		echo "FAIL formats: $f: $(head -c 300 "$tmp/err") $(cmp "$tmp/direct.ndjson" "$tmp/back" 2>&1 | head -c 200)"
	fi
}
stream ndjson "$tmp/all.ndjson"
stream yaml "$tmp/all.yaml"
stream csv "$tmp/tables"

bad=0 count=0 first=""
i=0
while read -r doc; do
	i=$((i + 1))
	case $doc in ../*) [ $((i % 5)) -eq 0 ] || continue ;; esac
	count=$((count + 1))
	if ! "$QUARRY" extract --date 2022-11-21 --format xml -o "$tmp/doc.xml" "$doc" 2>"$tmp/err" ||
		! "$QUARRY" validate "$tmp/doc.xml" 2>>"$tmp/err" ||
		! "$QUARRY" convert --to ndjson "$tmp/doc.xml" >"$tmp/back" 2>>"$tmp/err" ||
		! sed -n "${i}p" "$tmp/direct.ndjson" | cmp -s - "$tmp/back"; then
		bad=$((bad + 1))
		[ -n "$first" ] || first="$doc: $(head -c 200 "$tmp/err")"
	fi
done <"$tmp/list"
if [ $bad -eq 0 ]; then
	echo "PASS formats: xml: $count documents extract, validate and read back to the same JSON"
else
	echo "FAIL formats: xml: $bad of $count documents differ; first: $first"
fi
