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
(ulimit -v 1000000 2>/dev/null; "$QUARRY" extract "$tmp/big.txt" >"$tmp/out" 2>"$tmp/err")
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc -eq 65 ] && grep -q "exceeds the size limit" "$tmp/err" && [ ! -s "$tmp/out" ] && [ $took -le 5 ]; then
	echo "PASS large: $size-byte single line refused by the size limit in ${took}s"
else
	echo "FAIL large: size limit: status $rc in ${took}s: $(head -c 200 "$tmp/err")"
fi

case $QUARRY in
*asan*) mb=10 ;;  # the sanitizers reserve terabytes of address space: no ulimit -v
*) mb=100 ;;
esac
head -c $((mb * 1000000)) "$tmp/big.txt" >"$tmp/line.txt"
rm "$tmp/big.txt"
start=$(date +%s)
(
	case $QUARRY in *asan*) ;; *) ulimit -v 4000000 ;; esac
	"$QUARRY" extract --compact --max-size 128M "$tmp/line.txt" >"$tmp/out" 2>"$tmp/err"
)
rc=$?
took=$(( $(date +%s) - start ))
sentences=$(grep -o '"sentences":[0-9]*' "$tmp/out" | head -1)
if [ $rc -eq 0 ] && [ "$sentences" = "\"sentences\":$((mb * 1000000 / 66 + 1))" ] && [ $took -le 120 ]; then
	echo "PASS large: $mb MB single line extracted in ${took}s within 4 GB ($sentences)"
else
	echo "FAIL large: $mb MB single line: status $rc in ${took}s, $sentences: $(head -c 200 "$tmp/err")"
fi
