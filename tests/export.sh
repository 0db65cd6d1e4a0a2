#!/bin/sh
# export.sh — quarry export: the layout, incremental runs (new, changed,
# deleted and unchanged inputs), byte-identical output whatever -j is, bad
# inputs and the quarantine, the lock, SIGTERM, kill -9 at random moments,
# a read-only and a full output folder, JSON logs, input lists and globs.
# Tests on the corpus say SKIP when ../shared/corpus is absent; under the
# sanitizers they take a slice of it.
QUARRY=${QUARRY:-build/quarry}
BUILD=${BUILD:-build}
CORPUS=../shared/corpus
tmp=$(mktemp -d)
chmod 755 "$tmp"
bg=""
trap '[ -n "$bg" ] && kill -9 $bg 2>/dev/null; rm -rf "$tmp"' EXIT
status=0
pass() { echo "PASS export: $1"; }
fail() { echo "FAIL export: $1"; status=1; }
skip() { echo "SKIP export: $1"; }
check() { # check NAME COMMAND...: PASS when the command succeeds
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}
case $BUILD in *asan*) slow=1 ;; *) slow=0 ;; esac

# Every file of an output folder but the lock, with its inode and mtime.
stamp() { (cd "$1" && find . -type f ! -path ./.quarry/lock -printf '%p %i %T@\n' | sort); }
# Leftovers no output folder may show after a run.
strays() { find "$1" -name '*.tmp.*' | head -3; }
same_tree() { diff -r -x lock "$1" "$2" >"$tmp/diff" 2>&1; }
sum() { jq -r ".$2" "$1"; }

# ---- a small tree of inputs ---------------------------------------------------

in="$tmp/in"
mkdir -p "$in/a/deep" "$in/b"
cp fixtures/sample/news.txt fixtures/sample/op-ed.txt "$in/a/"
cp fixtures/sample/press-release.txt "$in/a/deep/"
printf 'Title: Harbor Notes\n\nThe harbor reopened on Monday. Ships waited.\n' >"$in/b/notes.txt"
printf 'Second note.\n\nThe tide was high at noon.\n' >"$in/b/note2.md"
mkdir "$in/.hidden" && cp fixtures/sample/news.txt "$in/.hidden/x.txt"

out="$tmp/out"
"$QUARRY" export --incremental --out "$out" --summary "$tmp/s1.json" "$in" >"$tmp/stdout" 2>"$tmp/err"
rc=$?
check "a first run exits 0, quietly" test $rc -eq 0 -a ! -s "$tmp/stdout" -a ! -s "$tmp/err"
run1=$(cat "$out/latest" 2>/dev/null)
check "DIR/latest names the run" test -n "$run1" -a -f "$out/runs/$run1.json"
ok=1
for f in a/news.txt a/op-ed.txt a/deep/press-release.txt b/notes.txt b/note2.md; do
	for fmt in json yaml xml; do
		[ -s "$out/$fmt/$f.$fmt" ] || ok=0
	done
done
check "json, yaml and xml per document mirror the input tree" test $ok -eq 1
check "hidden folders are not inputs" test ! -e "$out/json/.hidden"
check "one NDJSON line per document in ndjson/RUN.ndjson" \
	test "$(wc -l <"$out/ndjson/$run1.ndjson")" -eq 5
check "quarry validate accepts the run's NDJSON" "$QUARRY" validate "$out/ndjson/$run1.ndjson"
check "quarry validate accepts the run's CSV table set" "$QUARRY" validate "$out/csv/$run1"
check "per-document JSON validates; source.name is the path below the root" \
	sh -c "'$QUARRY' validate '$out/json/a/deep/press-release.txt.json' &&
		[ \"\$(jq -r .source.name '$out/json/a/deep/press-release.txt.json')\" = a/deep/press-release.txt ]"
check "summary: 5 processed, 0 failed, the run id" test "$(sum "$tmp/s1.json" processed)" = 5 \
	-a "$(sum "$tmp/s1.json" failed)" = 0 -a "$(sum "$tmp/s1.json" run)" = "$run1"
check "summary: CSV row counts equal the tables" \
	test "$(sum "$tmp/s1.json" tables.sentences)" -eq "$(($(wc -l <"$out/csv/$run1/sentences.csv") - 1))"
m="$out/.quarry/manifest.json"
ok=1
for f in a/news.txt b/notes.txt; do
	want=$(sha256sum "$in/$f" | cut -d' ' -f1)
	got=$(jq -r --arg p "$f" '.inputs[] | select(.path == $p) | "\(.sha256) \(.size) \(.status) \(.run)"' "$m")
	[ "$got" = "$want $(wc -c <"$in/$f") ok $run1" ] || ok=0
done
check "the manifest records path, size, SHA-256, status and run" test $ok -eq 1
check "the manifest lists each input's outputs" test "$(jq -r '.inputs[] | select(.path == "b/notes.txt") | .outputs | join(" ")' "$m")" = \
	"json/b/notes.txt.json yaml/b/notes.txt.yaml xml/b/notes.txt.xml"

# ---- nothing changed: nothing extracted, nothing written ----------------------

stamp "$out" >"$tmp/before"
sleep 1
"$QUARRY" export --incremental --out "$out" --summary "$tmp/s2.json" "$in" 2>"$tmp/err"
rc=$?
stamp "$out" >"$tmp/after"
check "an unchanged re-run exits 0 and extracts nothing" \
	test $rc -eq 0 -a "$(sum "$tmp/s2.json" processed)" = 0 -a "$(sum "$tmp/s2.json" unchanged)" = 5
check "an unchanged re-run rewrites no file (inodes and mtimes kept)" cmp -s "$tmp/before" "$tmp/after"

# ---- changed, new and deleted inputs ------------------------------------------

old_id=$(jq -r .id "$out/json/b/notes.txt.json")
printf 'Title: Harbor Notes\n\nThe harbor reopened on Tuesday. Ships waited.\n' >"$in/b/notes.txt"
cp fixtures/sample/op-ed.txt "$in/b/new.txt"
printf 'An extra line.\n' >>"$in/b/new.txt"
rm "$in/a/news.txt"
"$QUARRY" export --incremental --out "$out" --summary "$tmp/s3.json" "$in" 2>"$tmp/err"
rc=$?
run2=$(cat "$out/latest")
check "a changed, a new and a deleted input: 2 processed, 1 removed, 3 unchanged" \
	test $rc -eq 0 -a "$(sum "$tmp/s3.json" processed)" = 2 -a "$(sum "$tmp/s3.json" removed)" = 1 \
	-a "$(sum "$tmp/s3.json" unchanged)" = 3
check "the second run is a new run after the first" \
	test "$run2" != "$run1" -a "$(jq -r .previous "$out/runs/$run2.json")" = "$run1"
check "the run's NDJSON holds only what changed" test "$(wc -l <"$out/ndjson/$run2.ndjson")" -eq 2
check "the deleted input is reported on stderr" grep -q 'news.txt: warning: deleted' "$tmp/err"
check "the changed input's old document is retired (delete.csv, run record)" \
	sh -c "grep -q '$old_id' '$out/csv/$run2/delete.csv' && jq -e --arg i '$old_id' '.retired | index(\$i)' '$out/runs/$run2.json' >/dev/null"
check "without --prune a deleted input keeps its outputs" \
	sh -c "[ -f '$out/json/a/news.txt.json' ] && jq -e '.inputs[] | select(.path == \"a/news.txt\" and .status == \"deleted\")' '$m' >/dev/null"
check "the first run's files are left as they were" test -s "$out/ndjson/$run1.ndjson" -a -s "$out/csv/$run1/datapackage.json"
"$QUARRY" export --incremental --prune --out "$out" --summary "$tmp/s4.json" "$in" 2>"$tmp/err"
check "--prune removes the outputs of deleted inputs and their manifest entries" \
	sh -c "[ ! -e '$out/json/a/news.txt.json' ] && [ ! -e '$out/xml/a/news.txt.xml' ] &&
		! jq -e '.inputs[] | select(.path == \"a/news.txt\")' '$m' >/dev/null &&
		[ \"\$(jq -r .pruned '$tmp/s4.json')\" = 1 ] && [ \"\$(cat '$out/latest')\" = '$run2' ]"
check "no temporary file is left" test -z "$(strays "$out")"

# ---- determinism: -j1, -j2 and -j3 give the same bytes -------------------------

if [ -d "$CORPUS" ]; then
	det="$tmp/det"
	mkdir -p "$det"
	for d in "$CORPUS"/*/; do
		n=$([ $slow = 1 ] && echo 8 || echo 30)
		mkdir -p "$det/$(basename "$d")"
		for f in $(ls "$d" | grep '\.txt$' | head -$n); do cp "$d/$f" "$det/$(basename "$d")/"; done
	done
	for j in 1 2 3; do
		"$QUARRY" export -j$j --out "$tmp/det$j" "$det" 2>"$tmp/err$j"
	done
	check "corpus slice: -j1, -j2 and -j3 write byte-identical folders" \
		sh -c "diff -r -x lock '$tmp/det1' '$tmp/det2' && diff -r -x lock '$tmp/det1' '$tmp/det3'"
else
	skip "determinism across -j: $CORPUS is absent"
fi

# ---- bad inputs and the quarantine ----------------------------------------------

bad="$tmp/bad"
mkdir -p "$bad/x"
cp fixtures/sample/op-ed.txt "$bad/x/good.txt"
printf 'Caf\351 au lait.\n' >"$bad/x/latin1.txt"
printf 'Before\0after\n' >"$bad/nul.txt"
head -c 5000 /dev/zero | tr '\0' 'a' >"$bad/x/big.txt"
"$QUARRY" export --max-size 4K --quarantine "$tmp/q" --out "$tmp/bout" --summary "$tmp/sb.json" \
	"$bad" >/dev/null 2>"$tmp/err"
rc=$?
check "bad inputs: exit 1, the good one written" \
	test $rc -eq 1 -a -s "$tmp/bout/json/x/good.txt.json" -a "$(sum "$tmp/sb.json" failed)" = 3
check "one line on stderr per bad input, naming the file and the place" \
	sh -c "[ \$(wc -l <'$tmp/err') -eq 3 ] && grep -q 'latin1.txt:1:4: invalid UTF-8' '$tmp/err' &&
		grep -q 'nul.txt:1:7: NUL byte' '$tmp/err' && grep -q 'big.txt: input exceeds the size limit' '$tmp/err'"
check "the manifest records each failure and its reason" \
	test "$(jq -r '.inputs[] | select(.status == "failed") | "\(.path): \(.reason)"' "$tmp/bout/.quarry/manifest.json" | sort | cut -c1-40 | tr '\n' '|')" = \
	"nul.txt: 1:7: NUL byte at byte offset 6 |x/big.txt: input exceeds the size limit |x/latin1.txt: 1:4: invalid UTF-8 byte 0x|"
check "quarantine: a copy of each bad input beside a .error file" \
	sh -c "cmp -s '$bad/x/latin1.txt' '$tmp/q/x/latin1.txt' && cmp -s '$bad/nul.txt' '$tmp/q/nul.txt' &&
		cmp -s '$bad/x/big.txt' '$tmp/q/x/big.txt' && grep -q 'invalid UTF-8' '$tmp/q/x/latin1.txt.error' &&
		[ ! -e '$tmp/q/x/good.txt' ]"
printf 'Caf\303\251 au lait.\n' >"$bad/x/latin1.txt"
"$QUARRY" export --incremental --max-size 4K --quarantine "$tmp/q" --out "$tmp/bout" --summary "$tmp/sb2.json" \
	"$bad" >/dev/null 2>"$tmp/err"
rc=$?
check "a fixed input leaves the quarantine; the unchanged bad ones stay failed" \
	test $rc -eq 0 -a ! -e "$tmp/q/x/latin1.txt" -a ! -e "$tmp/q/x/latin1.txt.error" -a -e "$tmp/q/nul.txt" \
	-a "$(sum "$tmp/sb2.json" processed)" = 1 -a "$(sum "$tmp/sb2.json" failed_earlier)" = 2

# ---- logs, lists, globs, usage ----------------------------------------------------

"$QUARRY" export --log-format json --max-size 4K --out "$tmp/lout" "$bad" 2>"$tmp/log" >/dev/null
check "--log-format json: every stderr line is a JSON event" \
	sh -c "jq -e -s 'length > 3 and all(.[]; has(\"event\") and has(\"time\"))' '$tmp/log' >/dev/null &&
		jq -e -s 'map(select(.event == \"failed\")) | length == 2' '$tmp/log' >/dev/null &&
		jq -e -s 'map(select(.event == \"done\")) | .[0].processed == 2' '$tmp/log' >/dev/null"
mkdir -p "$tmp/warn"
printf -- '---\ndate: someday\n---\n\nThe harbor reopened. Ships waited.\n' >"$tmp/warn/a.txt"
"$QUARRY" export --log-format json --out "$tmp/wout" "$tmp/warn" 2>"$tmp/log"
check "--log-format json: the extraction's warnings are events too" \
	sh -c "jq -e -s 'all(.[]; has(\"event\")) and (map(select(.event == \"warning\")) | .[0].message | test(\"someday\"))' '$tmp/log' >/dev/null"
if command -v script >/dev/null 2>&1; then
	script -qec "'$QUARRY' export -j1 --out '$tmp/tty' '$in'" /dev/null >"$tmp/tty.out" 2>&1
	check "on a terminal: a progress bar with documents, MB/s and ETA" \
		sh -c "tr '\\r' '\\n' <'$tmp/tty.out' | grep -q '\\] 5/5 documents .* MB/s  ETA '"
else
	skip "progress bar: script(1) is not installed"
fi
(cd "$in" && find . -name '*.txt' ! -path '*/.*' | sort) | sed "s|^\\.|$in|" >"$tmp/list"
"$QUARRY" export --out "$tmp/list1" "@$tmp/list" 2>/dev/null
"$QUARRY" export --out "$tmp/list2" - <"$tmp/list" 2>/dev/null
check "@LISTFILE and - (paths on stdin) take the same inputs" \
	sh -c "[ \$(jq '.inputs | length' '$tmp/list1/.quarry/manifest.json') -eq 4 ] && diff -r -x lock '$tmp/list1' '$tmp/list2' >/dev/null"
"$QUARRY" export --include '*.txt' --exclude 'a/deep/*' --out "$tmp/glob" "$in" 2>/dev/null
check "--include and --exclude" test "$(jq -r '[.inputs[].path] | join(" ")' "$tmp/glob/.quarry/manifest.json")" = \
	"a/op-ed.txt b/new.txt b/notes.txt"
"$QUARRY" export --out "$tmp/miss" "$in" "$tmp/nowhere" 2>"$tmp/err"
rc=$?
check "a missing input: exit 66 before anything is written" \
	sh -c "[ $rc -eq 66 ] && grep -q 'nowhere: cannot open' '$tmp/err' && [ ! -e '$tmp/miss/.quarry/manifest.json' ]"
"$QUARRY" export "$in" 2>/dev/null
check "no --out: usage error 2" test $? -eq 2
"$QUARRY" export --out "$tmp/u" -j 0 "$in" 2>/dev/null
check "-j 0: usage error 2" test $? -eq 2

# ---- two runs at once -------------------------------------------------------------

lk="$tmp/lock"
# The first run holds the lock while it waits for its list on stdin.
(sleep 2; echo "$in/b/notes.txt") | "$QUARRY" export --out "$lk" - 2>"$tmp/err1" &
bg=$!
n=0
while [ ! -s "$lk/.quarry/lock" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
start=$(date +%s)
"$QUARRY" export --out "$lk" "$in" 2>"$tmp/err2"
rc=$?
took=$(($(date +%s) - start))
holder=$(cat "$lk/.quarry/lock")
check "a second run at once exits 75 at once, naming the holder's pid" \
	sh -c "[ $rc -eq 75 ] && [ $took -le 1 ] && grep -q 'pid $holder' '$tmp/err2'"
wait $bg
rc=$?
bg=""
check "the first run goes on and finishes" test $rc -eq 0 -a -s "$lk/json/notes.txt.json"

# ---- SIGTERM: the documents in flight finish, the manifest says what was done ------

many="$tmp/many"
mkdir -p "$many"
i=0
nmany=$([ $slow = 1 ] && echo 150 || echo 400)
while [ $i -lt $nmany ]; do
	printf 'Title: Note %d\n\nThe harbor reopened on day %d. Ships waited %d hours.\n\nA second paragraph follows here.\n' \
		$i $i $i >"$many/n$i.txt"
	i=$((i + 1))
done
wait_files() { # wait_files DIR N PID: until N per-document JSON files exist or PID ends
	n=0
	while kill -0 "$3" 2>/dev/null && [ "$(find "$1/json" -type f 2>/dev/null | wc -l)" -lt "$2" ] && [ $n -lt 600 ]; do
		sleep 0.02
		n=$((n + 1))
	done
}
"$QUARRY" export -j1 --out "$tmp/term" --summary "$tmp/st.json" "$many" 2>"$tmp/err" &
bg=$!
wait_files "$tmp/term" 20 $bg
kill -TERM $bg
wait $bg
rc=$?
bg=""
tm="$tmp/term/.quarry/manifest.json"
if [ $rc -eq 0 ]; then
	skip "SIGTERM: the run ended before the signal"
else
	check "SIGTERM: exit 143 with a message" sh -c "[ $rc -eq 143 ] && grep -q 'interrupted by SIGTERM' '$tmp/err'"
	done_n=$(jq '[.inputs[] | select(.status == "ok" and .run == null)] | length' "$tm" 2>/dev/null)
	ok=1
	for f in $(jq -r '.inputs[] | select(.status == "ok") | .outputs[]' "$tm"); do [ -s "$tmp/term/$f" ] || ok=0; done
	for p in $(jq -r '.inputs[] | select(.status == "ok") | .path' "$tm" | head -20); do
		[ "$(jq -r --arg p "$p" '.inputs[] | select(.path == $p) | .sha256' "$tm")" = "$(sha256sum "$many/$p" | cut -d' ' -f1)" ] || ok=0
	done
	check "SIGTERM: the manifest holds the finished documents, pending, their files complete" \
		test -n "$done_n" -a "${done_n:-0}" -gt 0 -a "${done_n:-0}" -lt $nmany -a $ok -eq 1
	check "SIGTERM: no run published, no temporary file left" \
		sh -c "[ ! -e '$tmp/term/latest' ] && [ -z \"\$(find '$tmp/term/ndjson' '$tmp/term/csv' -type f 2>/dev/null)\" ] &&
			[ -z \"\$(find '$tmp/term' -name '*.tmp.*')\" ]"
	check "SIGTERM: the summary says so" test "$(sum "$tmp/st.json" complete)" = false -a "$(sum "$tmp/st.json" exit)" = 143
	"$QUARRY" export -j2 --incremental --out "$tmp/term" "$many" 2>/dev/null
	rc=$?
	"$QUARRY" export -j2 --incremental --out "$tmp/term-clean" "$many" 2>/dev/null
	check "the next run finishes the job: byte-identical to a clean run" \
		sh -c "[ $rc -eq 0 ] && diff -r -x lock '$tmp/term' '$tmp/term-clean' >/dev/null"
fi

# SIGINT (Ctrl-C) the same way, with its own status.
"$QUARRY" export -j2 --out "$tmp/int" "$many" 2>"$tmp/err" &
bg=$!
wait_files "$tmp/int" 10 $bg
kill -INT $bg
wait $bg
rc=$?
bg=""
if [ $rc -eq 0 ]; then
	skip "SIGINT: the run ended before the signal"
else
	check "SIGINT: exit 130, the manifest written, no temporary file" \
		sh -c "[ $rc -eq 130 ] && grep -q 'interrupted by SIGINT' '$tmp/err' &&
			jq -e '[.inputs[] | select(.run == null)] | length > 0' '$tmp/int/.quarry/manifest.json' >/dev/null &&
			[ -z \"\$(find '$tmp/int' -name '*.tmp.*')\" ]"
fi

# ---- kill -9 at random moments -----------------------------------------------------

if [ -d "$CORPUS" ]; then
	if [ $slow = 1 ]; then ksrc="$det"; else ksrc="$CORPUS"; fi
	kn=$(find "$ksrc" -type f | wc -l)
	"$QUARRY" export -j2 --incremental --out "$tmp/kclean" "$ksrc" 2>/dev/null
	bad_runs=""
	for k in 1 2 3; do
		ko="$tmp/k$k"
		at=$(awk -v s="$k$$" -v n="$kn" 'BEGIN { srand(s); print int(rand() * n) }')
		"$QUARRY" export -j2 --incremental --out "$ko" "$ksrc" 2>/dev/null &
		bg=$!
		wait_files "$ko" "$at" $bg
		kill -9 $bg 2>/dev/null
		wait $bg 2>/dev/null
		bg=""
		"$QUARRY" export -j2 --incremental --out "$ko" "$ksrc" 2>/dev/null
		rc=$?
		if [ $rc -ne 0 ] || ! same_tree "$ko" "$tmp/kclean" || [ -n "$(strays "$ko")" ]; then
			bad_runs="$bad_runs $k(after $at files: exit $rc $(head -2 "$tmp/diff" | tr '\n' ' ') $(strays "$ko"))"
		fi
	done
	check "kill -9 at 3 random moments, then a run: byte-identical to a clean run, no stray file" test -z "$bad_runs"
	[ -n "$bad_runs" ] && echo "  $bad_runs"
	# A kill in the middle of an incremental run over changed inputs.
	ksrc2="$tmp/ksrc2"
	cp -r "$det" "$ksrc2"
	"$QUARRY" export -j2 --incremental --out "$tmp/kc2" "$ksrc2" 2>/dev/null
	cp -r "$tmp/kc2" "$tmp/kk2"
	for f in $(find "$ksrc2" -name '*.txt' | sort | awk 'NR % 3 == 0'); do echo "One more line." >>"$f"; done
	rm "$(find "$ksrc2" -name '*.txt' | sort | head -1)"
	"$QUARRY" export -j2 --incremental --out "$tmp/kc2" "$ksrc2" 2>/dev/null
	"$QUARRY" export -j2 --incremental --out "$tmp/kk2" "$ksrc2" 2>/dev/null &
	bg=$!
	sleep 0.$(awk -v s=$$ 'BEGIN { srand(s); print int(rand() * 3) + 1 }')
	kill -9 $bg 2>/dev/null
	wait $bg 2>/dev/null
	bg=""
	"$QUARRY" export -j2 --incremental --out "$tmp/kk2" "$ksrc2" 2>/dev/null
	check "kill -9 during an incremental run, then a run: the same as without the kill" \
		sh -c "same_tree() { diff -r -x lock \"\$1\" \"\$2\" >/dev/null; }; same_tree '$tmp/kk2' '$tmp/kc2' && [ -z \"\$(find '$tmp/kk2' -name '*.tmp.*')\" ]"
else
	skip "kill -9: $CORPUS is absent"
fi

# ---- write, fsync and rename failing, through an LD_PRELOAD shim ------------------

shim="$BUILD/tests/shim/fail_io.so"
if [ -f "$shim" ]; then
	fin="$tmp/fin"
	mkdir -p "$fin/d"
	cp fixtures/sample/*.txt "$fin/d/"
	printf 'Title: A\n\nOne short note.\n' >"$fin/a.txt"
	"$QUARRY" export -j2 --incremental --out "$tmp/fbase" "$fin" 2>/dev/null
	echo "A line added." >>"$fin/d/news.txt"
	printf 'Title: B\n\nAnother note.\n' >"$fin/b.txt"
	rm "$fin/a.txt"
	cp -r "$tmp/fbase" "$tmp/fexp"
	"$QUARRY" export -j2 --incremental --out "$tmp/fexp" "$fin" 2>/dev/null
	bad_specs=""
	for spec in write:1 write:4 write:9 write:15 fsync:1 fsync:5 fsync:12 rename:1 rename:4 rename:9 rename:14; do
		fo="$tmp/f-$spec"
		cp -r "$tmp/fbase" "$fo"
		QUARRY_FAIL=$spec LD_PRELOAD="$(pwd)/$shim" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
			"$QUARRY" export -j2 --incremental --out "$fo" "$fin" 2>"$tmp/err"
		rc=$?
		why=""
		case $rc in 0 | 73 | 74) ;; *) why="exit $rc" ;; esac
		[ $rc -ne 0 ] && ! grep -q "$fo/.*: cannot write: \(No space left on device\|Input/output error\)" "$tmp/err" &&
			why="$why message '$(head -1 "$tmp/err")'"
		[ -n "$(strays "$fo")" ] && why="$why strays"
		jq -e . "$fo/.quarry/manifest.json" >/dev/null 2>&1 || why="$why manifest"
		for f in $(jq -r '.inputs[] | select(.status == "ok") | .outputs[]' "$fo/.quarry/manifest.json" 2>/dev/null); do
			[ -s "$fo/$f" ] || why="$why missing:$f"
		done
		"$QUARRY" export -j2 --incremental --out "$fo" "$fin" 2>/dev/null
		same_tree "$fo" "$tmp/fexp" || why="$why differs-after-rerun"
		[ -n "$why" ] && bad_specs="$bad_specs [$spec:$why]"
	done
	check "the N-th write, fsync or rename failing: exit 73/74 naming the file, no partial file, the manifest consistent, the next run as a clean one" \
		test -z "$bad_specs"
	[ -n "$bad_specs" ] && echo "  $bad_specs"
else
	skip "fault injection: $shim is not built"
fi

# ---- a read-only output folder --------------------------------------------------------

ro="$tmp/ro"
as_user=""
if [ "$(id -u)" = 0 ]; then
	if command -v runuser >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
		as_user="runuser -u nobody --"
	fi
fi
if [ "$(id -u)" = 0 ] && [ -z "$as_user" ]; then
	skip "read-only folder: running as root without runuser or nobody"
else
	mkdir -p "$ro" && chmod 555 "$ro"
	$as_user "$QUARRY" export --out "$ro/out" "$in" 2>"$tmp/err"
	rc=$?
	check "an output folder that cannot be written: exit 73 naming the path" \
		sh -c "[ $rc -eq 73 ] && grep -q 'ro/out.*Permission denied' '$tmp/err'"
	# A folder inside the output that turns read-only in the middle of the work.
	chmod 755 "$ro"
	mkdir -p "$ro/o2"
	[ -n "$as_user" ] && chown nobody "$ro/o2"
	$as_user "$QUARRY" export --incremental --out "$ro/o2" "$in" 2>/dev/null
	cp "$ro/o2/.quarry/manifest.json" "$tmp/m-before"
	chmod 555 "$ro/o2/json/b"
	printf 'Title: Harbor Notes\n\nThe harbor reopened on Friday.\n' >"$in/b/notes.txt"
	$as_user "$QUARRY" export --incremental --out "$ro/o2" "$in" 2>"$tmp/err"
	rc=$?
	check "a read-only subfolder: exit 73 naming the file, the manifest unchanged, no temporary file" \
		sh -c "[ $rc -eq 73 ] && grep -q 'json/b/notes.txt.json: cannot write: Permission denied' '$tmp/err' &&
			cmp -s '$tmp/m-before' '$ro/o2/.quarry/manifest.json' && [ -z \"\$(find '$ro/o2' -name '*.tmp.*')\" ]"
	chmod 755 "$ro/o2/json/b"
	$as_user "$QUARRY" export --incremental --out "$ro/o2" "$in" 2>/dev/null
	check "writable again: the next run finishes the job" \
		sh -c "[ $? -eq 0 ] && grep -q Friday '$ro/o2/json/b/notes.txt.json'"
fi

# ---- a full file system ------------------------------------------------------------------

full="$tmp/full"
(ulimit -f 40; exec "$QUARRY" export -j2 --out "$full" "$in") 2>"$tmp/err"
rc=$?
check "a file size limit (ulimit -f): exit 74 naming the path, no manifest, no temporary file" \
	sh -c "[ $rc -eq 74 ] && grep -q '$full/.*File too large' '$tmp/err' &&
		[ ! -e '$full/.quarry/manifest.json' ] && [ -z \"\$(find '$full' -name '*.tmp.*')\" ]"
"$QUARRY" export -j2 --out "$full" "$in" 2>/dev/null
check "with room again the next run completes" test $? -eq 0 -a -s "$full/latest"
mnt="$tmp/mnt"
mkdir -p "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
	"$QUARRY" export -j2 --out "$mnt/out" "$in" 2>"$tmp/err"
	rc=$?
	left=$(find "$mnt" -name '*.tmp.*' | wc -l)
	umount "$mnt"
	check "a full tmpfs (ENOSPC): exit 74 naming the path, no temporary file" \
		sh -c "[ $rc -eq 74 ] && grep -q 'No space left on device' '$tmp/err' && [ $left -eq 0 ]"
else
	skip "full tmpfs: cannot mount one here (ulimit -f covers a full disk)"
fi

exit $status
