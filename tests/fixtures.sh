#!/bin/sh
# fixtures.sh [-u] — runs every case under fixtures/cases/: each folder has
# `cmd` (a shell line calling `quarry`, run from inside the folder) and the
# expected `expected.stdout`, `expected.stderr` and `expected.status`
# (a missing file means empty output and status 0).  A case also fails when
# it leaves any new file behind (no partial outputs).  -u rewrites the
# expected files from what quarry does now, so changes show up as diffs.
update=0
[ "$1" = "-u" ] && update=1
QUARRY=${QUARRY:-build/quarry}
case $QUARRY in /*) ;; *) QUARRY=$(pwd)/$QUARRY ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in fixtures/cases/*/; do
	name=$(basename "$dir")
	[ -f "$dir/cmd" ] || continue
	before=$(cd "$dir" && find . | sort)
	(cd "$dir" && quarry() { "$QUARRY" "$@"; } && . ./cmd >"$tmp/out" 2>"$tmp/err")
	echo $? >"$tmp/status"
	after=$(cd "$dir" && find . | sort)
	if [ $update -eq 1 ]; then
		for f in stdout stderr status; do
			src=$tmp/out
			[ $f = stderr ] && src=$tmp/err
			[ $f = status ] && src=$tmp/status
			if [ $f = status ] && [ "$(cat "$src")" = 0 ]; then
				rm -f "$dir/expected.$f"
			elif [ $f != status ] && [ ! -s "$src" ]; then
				rm -f "$dir/expected.$f"
			else
				cp "$src" "$dir/expected.$f"
			fi
		done
		echo "updated $name"
		continue
	fi
	why=""
	want_status=0
	[ -f "$dir/expected.status" ] && want_status=$(cat "$dir/expected.status")
	[ "$(cat "$tmp/status")" = "$want_status" ] ||
		why="exit status $(cat "$tmp/status"), want $want_status"
	if [ -f "$dir/expected.stdout" ]; then
		cmp -s "$tmp/out" "$dir/expected.stdout" || why="$why; stdout differs"
	elif [ -s "$tmp/out" ]; then
		why="$why; unexpected stdout"
	fi
	if [ -f "$dir/expected.stderr" ]; then
		cmp -s "$tmp/err" "$dir/expected.stderr" || why="$why; stderr differs: $(head -c 300 "$tmp/err")"
	elif [ -s "$tmp/err" ]; then
		why="$why; unexpected stderr: $(head -c 300 "$tmp/err")"
	fi
	[ "$before" = "$after" ] || why="$why; files left behind: $(echo "$after" | grep -vxF "$before" | tr '\n' ' ')"
	if [ -z "$why" ]; then
		echo "PASS fixture $name"
	else
		echo "FAIL fixture $name: ${why#; }"
	fi
done
