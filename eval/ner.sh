#!/bin/sh
# ner.sh — named entities on Universal NER: English PUD (its news half,
# sentence ids starting with "n", and the whole) and English EWT test.
# Exact-span micro F1 of PER, LOC and ORG by eval/ner_score, for quarry
# (each sentence a document) and for the peers' predictions
# (eval/ner_peers.mjs), scored alike.
NER=../shared/eval/ner
PUD=$NER/uner_en_pud/en_pud-ud-test.iob2
EWT=$NER/uner_en_ewt/en_ewt-ud-test.iob2
SCORE=$BUILD/eval/ner_score
[ -x "$SCORE" ] || { echo "eval: $SCORE is not built" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# score LABEL GOLD [--prefix P]
# wink-nlp's lite model recognises no person, place or organisation: it is
# not measured here, and its cells show "-" rather than a score of 0.
score() {
	label=$1 gold=$2
	shift 2
	"$SCORE" "$@" "$label" "$gold"
	[ -s "$tmp/peers" ] || return 0
	"$SCORE" "$@" --system compromise --predictions "$tmp/peers" "$label" "$gold"
	echo "RESULT ner $label wink-nlp -"
}
peers() {
	: >"$tmp/peers"
	[ -d eval/node_modules/compromise ] && node eval/ner_peers.mjs "$1" >"$tmp/peers"
}
if [ -f "$PUD" ]; then
	peers "$PUD"
	score pud-news-f1 "$PUD" --prefix n
	score pud-f1 "$PUD"
else
	echo "eval: $PUD is absent" >&2
fi
if [ -f "$EWT" ]; then
	peers "$EWT"
	score ewt-test-f1 "$EWT"
else
	echo "eval: $EWT is absent" >&2
fi
exit 0
