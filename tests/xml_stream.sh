#!/bin/sh
# xml_stream.sh — a large json-to-xml array converts to JSON a record at a
# time: the same bytes as the JSON it came from, and an error after many
# records is the one-line error of the whole document, with no output file.
QUARRY=${QUARRY:-build/quarry}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN { printf "["; for (i = 1; i <= 30000; i++)
	printf "%s\n{\"id\": %d, \"name\": \"n\\t%d <&>\", \"ok\": %s, \"x\": %d.25, \"none\": null, \"tags\": [\"a\", {}], \"geo\": {\"lat\": -%d.5}}",
		(i > 1 ? "," : ""), i, i, (i % 2 ? "true" : "false"), i, i % 90
	print "\n]" }' >"$tmp/in.json"
"$QUARRY" convert --to xml "$tmp/in.json" -o "$tmp/in.xml"
for c in "" --compact; do
	"$QUARRY" convert --to json $c "$tmp/in.json" >"$tmp/want.json"
	if "$QUARRY" convert --to json $c "$tmp/in.xml" -o "$tmp/got.json" 2>"$tmp/err" &&
		cmp -s "$tmp/want.json" "$tmp/got.json" && [ ! -s "$tmp/err" ]; then
		echo "PASS xml_stream: 30000 records from XML ${c:-pretty}: the JSON they came from"
	else
		echo "FAIL xml_stream: ${c:-pretty}: $(head -c 200 "$tmp/err") $(cmp "$tmp/want.json" "$tmp/got.json" 2>&1)"
	fi
done

# Malformed after every record: the root's end tag closes an open <map>.
lines=$(wc -l <"$tmp/in.xml")
head -n $((lines - 1)) "$tmp/in.xml" >"$tmp/bad.xml"
printf '  <map>\n    <null key="a"/>\n  </array>\n' >>"$tmp/bad.xml"
"$QUARRY" convert --to json "$tmp/bad.xml" -o "$tmp/bad.json" 2>"$tmp/err"
rc=$?
want="quarry: $tmp/bad.xml:$((lines + 2)):11: invalid XML: Opening and ending tag mismatch: map line $lines and array"
if [ $rc -eq 65 ] && [ ! -e "$tmp/bad.json" ] && [ "$(cat "$tmp/err")" = "$want" ]; then
	echo "PASS xml_stream: malformed after 30000 records: one line:col error, no output file"
else
	echo "FAIL xml_stream: malformed: status $rc, $(ls "$tmp" | tr '\n' ' '), got '$(head -c 300 "$tmp/err")', want '$want'"
fi
# A mapping error after every record.
head -n $((lines - 1)) "$tmp/in.xml" >"$tmp/bad.xml"
printf '  <number>abc</number>\n</array>\n' >>"$tmp/bad.xml"
"$QUARRY" convert --to json "$tmp/bad.xml" -o "$tmp/bad.json" 2>"$tmp/err"
rc=$?
want="quarry: $tmp/bad.xml:$lines: json-to-xml: 'abc' is not a JSON number (or out of range)"
if [ $rc -ne 0 ] && [ ! -e "$tmp/bad.json" ] && [ "$(cat "$tmp/err")" = "$want" ]; then
	echo "PASS xml_stream: a bad number after 30000 records: one line error, no output file"
else
	echo "FAIL xml_stream: bad number: status $rc, got '$(head -c 300 "$tmp/err")', want '$want'"
fi
