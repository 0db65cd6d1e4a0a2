#!/bin/sh
# large.sh — a 100 MB single-line input is refused at once under the
# default size limit, in bounded time and memory; raised past it, quarry
# extracts the whole line in bounded time and memory (a smaller line under
# the sanitizers, which make every step many times slower).
QUARRY=${QUARRY:-build/quarry}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 100 MB of sentences with no line break at all.
awk 'BEGIN { s = "The quick brown fox jumps over the lazy dog near the U.S. border. ";
	for (i = 0; i < 1600000; i++) printf "%s", s }' >"$tmp/big.txt"
size=$(wc -c <"$tmp/big.txt")
start=$(date +%s)
# The sanitizers reserve terabytes of address space, so no ulimit -v there.
sanitized=0
case $QUARRY in *asan*) sanitized=1 ;; esac
(
	[ $sanitized -eq 1 ] || ulimit -v 1000000
	"$QUARRY" extract "$tmp/big.txt" >"$tmp/out" 2>"$tmp/err"
)
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc -eq 65 ] && grep -q "exceeds the size limit" "$tmp/err" && [ ! -s "$tmp/out" ] && [ $took -le 5 ]; then
	echo "PASS large: $size-byte single line refused by the size limit in ${took}s"
else
	echo "FAIL large: size limit: status $rc in ${took}s: $(head -c 200 "$tmp/err")"
fi

mb=100
[ $sanitized -eq 1 ] && mb=10 # every step is many times slower there
head -c $((mb * 1000000)) "$tmp/big.txt" >"$tmp/line.txt"
rm "$tmp/big.txt"
start=$(date +%s)
(
	[ $sanitized -eq 1 ] || ulimit -v 6000000 # about 40 times the input: README, Memory
	"$QUARRY" extract --compact --max-size 128M "$tmp/line.txt" >"$tmp/out" 2>"$tmp/err"
)
rc=$?
took=$(( $(date +%s) - start ))
sentences=$(grep -o '"sentences":[0-9]*' "$tmp/out" | head -1)
if [ $rc -eq 0 ] && [ "$sentences" = "\"sentences\":$((mb * 1000000 / 66 + 1))" ] && [ $took -le 120 ]; then
	echo "PASS large: $mb MB single line extracted in ${took}s ($sentences)"
else
	echo "FAIL large: $mb MB single line: status $rc in ${took}s, $sentences: $(head -c 200 "$tmp/err")"
fi
