#!/bin/sh
# timex.sh — time expressions against MEANTIME's TIMEX3 annotations
# (English Wikinews): quarry and, when they are installed, chrono-node and
# compromise with compromise-dates (eval/timex_peers.mjs), all scored by
# eval/timex_score.c: relaxed and strict detection F1, value and type
# accuracy, each document's creation date as the reference.
DATA=../shared/eval/timex/meantime_en_timex3.jsonl
[ -f "$DATA" ] || { echo "eval: $DATA is absent" >&2; exit 0; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if [ -d eval/node_modules/chrono-node ] && [ -d eval/node_modules/compromise-dates ]; then
	TZ=UTC node eval/timex_peers.mjs "$DATA" >"$tmp" ||
		echo "eval: the peers failed on $DATA" >&2
fi
"$BUILD/eval/timex_score" "$DATA" "$tmp"
exit 0
