#!/bin/sh
# run.sh BUILD — runs every test program and script, counts their
# PASS/FAIL/SKIP lines, shows the failures and ends with the summary line.
# Test programs run from the repository root with QUARRY set to the binary.
BUILD=${1:-build}
QUARRY=$BUILD/quarry
export QUARRY BUILD
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for t in "$BUILD"/tests/* tests/*.sh; do
	case $t in */run.sh) continue ;; esac
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=$(basename "$t")
	out=$(mktemp)
	"$t" >"$out" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
		# A program that died without saying why still counts as a failure.
		echo "FAIL $name: exited with status $rc" >>"$out"
	fi
	sed "s/^/$name: /" "$out" >>"$log"
	rm -f "$out"
done
grep -E '^[^:]+: FAIL ' "$log"
grep -E '^[^:]+: SKIP ' "$log"
passed=$(grep -cE '^[^:]+: PASS ' "$log")
failed=$(grep -cE '^[^:]+: FAIL ' "$log")
skipped=$(grep -cE '^[^:]+: SKIP ' "$log")
echo "[$BUILD] $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
