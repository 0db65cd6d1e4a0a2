#!/bin/sh
# ner.sh — named entities on Universal NER: English PUD (its news half,
# sentence ids starting with "n", and the whole) and English EWT test.
# Exact-span micro F1 of PER, LOC and ORG by eval/ner_score, for quarry
# (each sentence a document) and for the peers' predictions
# (eval/ner_peers.mjs), scored alike.  Then MEANTIME's news articles,
# each read whole, scored leniently: its gold spans are whole noun
# phrases ("Airbus parent EADS"), so a name inside one counts.
NER=../shared/eval/ner
PUD=$NER/uner_en_pud/en_pud-ud-test.iob2
EWT=$NER/uner_en_ewt/en_ewt-ud-test.iob2
MEANTIME=$NER/meantime_en_np_extents/test.conll
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
	[ -d eval/node_modules/compromise ] && node eval/ner_peers.mjs "$@" >"$tmp/peers"
}
# MEANTIME's "token TAB tag" lines, "-DOCSTART- -X- NAME" before each
# document, as a Universal NER file: PER, LOC, ORG kept, PRO and FIN out.
meantime_iob2() {
	awk -F '\t' '
	function flush(i, t) {
		if (!nt)
			return
		printf "# sent_id = %s-%d\n# text = ", doc, ++ns
		for (i = 1; i <= nt; i++)
			printf "%s%s", tok[i], i < nt ? " " : "\n"
		for (i = 1; i <= nt; i++) {
			t = tag[i] ~ /-(PER|LOC|ORG)$/ ? tag[i] : "O"
			printf "%d\t%s\t%s\t-\t-\n", i, tok[i], t
		}
		print ""
		nt = 0
	}
	/^-DOCSTART-/ { flush(); doc = $0; sub(/^-DOCSTART- -X- /, "", doc)
			print "# newdoc id = " doc; ns = 0; next }
	/^$/ { flush(); next }
	{ tok[++nt] = $1; tag[nt] = $2 }
	END { flush() }' "$1"
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
if [ -f "$MEANTIME" ]; then
	meantime_iob2 "$MEANTIME" >"$tmp/meantime.iob2"
	peers "$tmp/meantime.iob2" --documents
	score meantime-lenient-f1 "$tmp/meantime.iob2" --documents --lenient
else
	echo "eval: $MEANTIME is absent" >&2
fi
exit 0
