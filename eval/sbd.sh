#!/bin/sh
# sbd.sh — the English Golden Rules of sentence boundaries: quarry (through
# its test program) and the peers (eval/sbd_peers.mjs), as rules passed.
GOLDEN=../shared/eval/sbd_golden_rules_en.json
[ -f "$GOLDEN" ] || { echo "eval: $GOLDEN is absent" >&2; exit 0; }
n=$("$BUILD/tests/test_golden_rules" | sed -n 's/^golden rules: \([0-9]*\) of \([0-9]*\)$/\1\/\2/p')
echo "RESULT sentences golden-rules quarry $n"
[ -d eval/node_modules/compromise ] && node eval/sbd_peers.mjs "$GOLDEN"
exit 0
