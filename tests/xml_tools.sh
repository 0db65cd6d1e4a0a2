#!/bin/sh
# xml_tools.sh — quarry's XML checked by another implementation: the
# documents (samples, some corpus documents, one with every array filled)
# against schemas/quarry.xsd with xmllint, and each XML file of
# fixtures/xml/ through JSON and back, compared as canonical XML
# (xmllint --c14n).  The files are written by the test program, through
# the library.
BUILD=${BUILD:-build}
TEST_XML=$BUILD/tests/test_xml
if ! command -v xmllint >/dev/null 2>&1; then
	echo "SKIP xml tools: xmllint is not installed (package libxml2-utils)"
	exit 0
fi
if [ ! -x "$TEST_XML" ]; then
	echo "FAIL xml tools: $TEST_XML is not built"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/docs"
if "$TEST_XML" --write-docs "$tmp/docs" 2>"$tmp/err"; then
	n=$(ls "$tmp/docs" | wc -l)
	if xmllint --noout --schema schemas/quarry.xsd "$tmp"/docs/*.xml >"$tmp/lint" 2>&1; then
		echo "PASS xml tools: xmllint accepts quarry's XML of $n documents against quarry.xsd"
	else
		echo "FAIL xml tools: xmllint --schema: $(grep -v validates "$tmp/lint" | head -3)"
	fi
	if xmllint --noout "$tmp"/docs/*.xml 2>"$tmp/wf"; then
		echo "PASS xml tools: the documents are well-formed for xmllint"
	else
		echo "FAIL xml tools: xmllint: $(head -3 "$tmp/wf")"
	fi
else
	echo "FAIL xml tools: cannot write the documents: $(head -3 "$tmp/err")"
fi

# A document xmllint must refuse: the schema really is checked.
sed 's/kind="title"/kind="poem"/' "$tmp/docs/0-"*.xml 2>/dev/null | head -c 1000000 >"$tmp/bad.xml"
if [ -s "$tmp/bad.xml" ] && ! xmllint --noout --schema schemas/quarry.xsd "$tmp/bad.xml" >/dev/null 2>&1; then
	echo "PASS xml tools: xmllint refuses an unknown paragraph kind"
else
	echo "FAIL xml tools: xmllint accepts an unknown paragraph kind"
fi

total=0
same=0
for f in fixtures/xml/*.xml; do
	[ -f "$f" ] || continue
	total=$((total + 1))
	b=$(basename "$f")
	if ! "$TEST_XML" --via-json "$f" "$tmp/$b" 2>"$tmp/err"; then
		echo "FAIL xml tools: $f -> JSON -> XML: $(head -1 "$tmp/err")"
		continue
	fi
	xmllint --c14n "$f" >"$tmp/$b.want" 2>&1
	xmllint --c14n "$tmp/$b" >"$tmp/$b.got" 2>&1
	if cmp -s "$tmp/$b.want" "$tmp/$b.got"; then
		same=$((same + 1))
	else
		echo "FAIL xml tools: $f -> JSON -> XML differs in canonical form:"
		diff "$tmp/$b.want" "$tmp/$b.got" | head -5
	fi
done
if [ "$total" -gt 0 ] && [ "$same" -eq "$total" ]; then
	echo "PASS xml tools: all $total files of fixtures/xml/ survive XML -> JSON -> XML (xmllint --c14n)"
elif [ "$total" -eq 0 ]; then
	echo "FAIL xml tools: no files in fixtures/xml/"
fi
