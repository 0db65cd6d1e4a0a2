#!/bin/sh
# readme.sh — every example in a ```console block of README.md runs as a
# test: a "$ " line is a command (run from the repository root, with
# build/quarry standing for the binary under test) and the lines after it
# are its expected standard output.
QUARRY=${QUARRY:-build/quarry}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
	/^```console/ { inblock = 1; next }
	/^```/ { inblock = 0; next }
	inblock && /^\$ / { n++; printf "%s\n", substr($0, 3) > (dir "/cmd" n); printf "" > (dir "/want" n); next }
	inblock && n { print > (dir "/want" n) }
' README.md
for cmd in "$tmp"/cmd*; do
	[ -f "$cmd" ] || { echo "FAIL readme: no examples found"; exit 1; }
	n=${cmd##*/cmd}
	line=$(sed "s|build/quarry|$QUARRY|g" "$cmd")
	sh -c "$line" >"$tmp/got$n" 2>"$tmp/err$n"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$tmp/got$n" "$tmp/want$n"; then
		echo "PASS readme example $n"
	else
		echo "FAIL readme example $n: $(cat "$cmd") (status $rc): $(diff "$tmp/want$n" "$tmp/got$n" | head -5 | tr '\n' ' ') $(head -c 200 "$tmp/err$n")"
	fi
done
