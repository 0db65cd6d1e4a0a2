#!/bin/sh
# run.sh BUILD — extraction throughput over ../shared/corpus replicated to
# about 20 MB, against `wc -w` on the same input and compromise (npm) on a
# 1 MB slice, as ratios in one run; export of the corpus with -j1 and -j2
# and their ratio; then the share of each stage.
set -eu
BUILD=${1:-build}
CORPUS=../shared/corpus
if [ ! -d "$CORPUS" ]; then
	echo "bench: $CORPUS is absent; nothing to measure" >&2
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=$(find "$CORPUS" -name '*.txt' ! -name 'SOURCES*' | sort)
# Replicate the corpus into separate files until about 20 MB.
size=$(cat $files | wc -c)
copies=$(( (20000000 + size - 1) / size ))
i=0
while [ $i -lt $copies ]; do
	mkdir -p "$work/c$i"
	for f in $files; do cp "$f" "$work/c$i/$(basename "$(dirname "$f")")_$(basename "$f")"; done
	i=$((i + 1))
done
find "$work" -name '*.txt' | sort >"$work/list"
total=$(cat $(cat "$work/list") | wc -c)
ndocs=$(wc -l <"$work/list")

calc() { awk "BEGIN { print $1 }"; }

seconds() { # command… : wall-clock seconds of the best of three runs
	best=""
	for _ in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >/dev/null
		e=$(date +%s.%N)
		t=$(calc "$e - $s")
		if [ -z "$best" ] || [ "$(calc "$t < $best")" = 1 ]; then best=$t; fi
	done
	echo "$best"
}

q=$(seconds sh -c "xargs $BUILD/quarry extract --format ndjson <'$work/list'")
w=$(seconds sh -c "xargs cat <'$work/list' | wc -w")
mb=$(calc "$total / 1000000")
printf 'input: %d documents, %.1f MB (the corpus %d times)\n' "$ndocs" "$mb" "$copies"
printf '%-34s %8.3f s %8.1f MB/s %8.0f docs/s\n' "quarry extract (validated, 1 core)" "$q" \
	"$(calc "$mb / $q")" "$(calc "$ndocs / $q")"
printf '%-34s %8.3f s %8.1f MB/s\n' "wc -w" "$w" "$(calc "$mb / $w")"
printf '%-34s %8.1fx the time of wc -w\n' "quarry / wc -w" "$(calc "$q / $w")"

# compromise on a 1 MB slice (installed into bench/node_modules on demand).
xargs cat <"$work/list" 2>/dev/null | head -c 1000000 >"$work/slice.txt"
if [ ! -d bench/node_modules/compromise ] && command -v npm >/dev/null 2>&1; then
	(cd bench && npm install --silent --no-audit --no-fund --no-save compromise@14 >/dev/null 2>&1) || true
fi
if [ -d bench/node_modules/compromise ]; then
	c=$(node bench/compromise.mjs "$work/slice.txt" | cut -d' ' -f1)
	qs=$(seconds "$BUILD/quarry" extract "$work/slice.txt")
	printf '%-34s %8.3f s %8.2f MB/s (1 MB slice)\n' "compromise nlp().json()" "$c" "$(calc "1 / $c")"
	printf '%-34s %8.3f s %8.2f MB/s (1 MB slice)\n' "quarry extract" "$qs" "$(calc "1 / $qs")"
	printf '%-34s %8.0fx faster than compromise\n' "quarry" "$(calc "$c / $qs")"
else
	echo "compromise: not installed (npm unavailable); ratio not measured"
fi

# quarry export of the corpus into a fresh folder, every format, -j1 and
# -j2: on the disk of $TMPDIR (each file fsynced) and, when there is one,
# on tmpfs (/dev/shm), where fsync costs nothing and the CPU work shows.
echo
export_once() { # export_once JOBS PARENT: wall-clock seconds of one run
	out=$(mktemp -d "$2/quarry-bench.XXXXXX")
	s=$(date +%s.%N)
	"$BUILD/quarry" export -j"$1" --exclude 'SOURCES*' --out "$out/x" "$CORPUS" 2>/dev/null
	e=$(date +%s.%N)
	rm -rf "$out"
	calc "$e - $s"
}
min() { if [ -z "$1" ] || [ "$(calc "$2 < $1")" = 1 ]; then echo "$2"; else echo "$1"; fi; }
cbytes=$(cat $files | wc -c)
cdocs=$(echo "$files" | wc -l)
cmb=$(calc "$cbytes / 1000000")
printf 'quarry export of the corpus: %d documents, %.1f MB, json+ndjson+yaml+xml+csv, %d cores online\n' \
	"$cdocs" "$cmb" "$(getconf _NPROCESSORS_ONLN)"
for place in "${TMPDIR:-/tmp}" /dev/shm; do
	[ -d "$place" ] && [ -w "$place" ] || continue
	# -j1 and -j2 alternate, best of five each: a busy machine hurts both alike.
	j1=""
	j2=""
	for _ in 1 2 3 4 5; do
		j1=$(min "$j1" "$(export_once 1 "$place")")
		j2=$(min "$j2" "$(export_once 2 "$place")")
	done
	label=$([ "$place" = /dev/shm ] && echo "tmpfs" || echo "disk")
	printf '%-34s %8.3f s %8.1f MB/s %8.0f docs/s\n' "export -j1 ($label)" "$j1" \
		"$(calc "$cmb / $j1")" "$(calc "$cdocs / $j1")"
	printf '%-34s %8.3f s %8.1f MB/s %8.0f docs/s\n' "export -j2 ($label)" "$j2" \
		"$(calc "$cmb / $j2")" "$(calc "$cdocs / $j2")"
	printf '%-34s %8.2fx\n' "export -j2 / -j1 ($label)" "$(calc "$j1 / $j2")"
done

echo
"$BUILD/bench/bench_stages" --mb 20 $files
