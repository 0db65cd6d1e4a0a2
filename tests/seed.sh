#!/bin/sh
# seed.sh — the reference op-ed of ../shared/corpus/seed/ comes out as the
# product contract says: valid, deterministic, ten body paragraphs, the bio
# giving author and role, the trailer as boilerplate giving the section, and
# sentences that do not end at "U.S." or "D.C." inside a sentence.
QUARRY=${QUARRY:-build/quarry}
SEED=../shared/corpus/seed/000_36aeae22b0248a3d.txt
if [ ! -f "$SEED" ]; then
	echo "SKIP seed: $SEED is absent"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$QUARRY" extract --date 2022-11-21 "$SEED" >"$tmp/a.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && echo "PASS seed: extracts" || echo "FAIL seed: status $rc: $(cat "$tmp/err")"
"$QUARRY" extract --date 2022-11-21 "$SEED" >"$tmp/b.json" 2>/dev/null
cmp -s "$tmp/a.json" "$tmp/b.json" && echo "PASS seed: byte-identical on every run" ||
	echo "FAIL seed: two runs differ"
"$QUARRY" validate "$tmp/a.json" 2>"$tmp/verr" && echo "PASS seed: valid (quarry)" ||
	echo "FAIL seed: quarry validate: $(head -3 "$tmp/verr")"
/usr/bin/python3 tests/jsonschema_check.py schemas/quarry.schema.json "$tmp/a.json" >"$tmp/perr" 2>&1 &&
	echo "PASS seed: valid (python3-jsonschema)" || echo "FAIL seed: python3-jsonschema: $(head -3 "$tmp/perr")"
/usr/bin/python3 - "$tmp/a.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
def check(name, ok, detail=""):
    print(("PASS" if ok else "FAIL") + " seed: " + name + ("" if ok else ": " + str(detail)))
kinds = [p["kind"] for p in doc["paragraphs"]]
check("ten body paragraphs", kinds.count("body") == 10, kinds)
check("bio paragraph", kinds[-2:] == ["bio", "boilerplate"], kinds[-2:])
check("author and role from the bio",
      doc["metadata"]["authors"] == [{"name": "Jong Sup Lee", "role": "South Korea\u2019s defense minister"}],
      doc["metadata"]["authors"])
check("trailer gives the section", doc["metadata"]["section"] == "Commentary"
      and doc["paragraphs"][-1]["text"] == "More In Commentary", doc["metadata"]["section"])
ends = [s["text"] for s in doc["sentences"] if s["text"].endswith(("U.S.", "D.C.", "D.C.,"))]
check("no sentence ends at U.S. or D.C.", not ends, ends)
starts = [s["text"][:30] for s in doc["sentences"] if not s["text"][0].isupper()]
check("every sentence starts with a capital", not starts, starts)
text = doc["text"]
spans = all(text[s["start"]:s["end"]] == s["text"] for s in doc["sentences"] + doc["paragraphs"])
check("offsets are code points into text", spans)
check("sentence count", doc["stats"]["sentences"] == len(doc["sentences"]) == 34, len(doc["sentences"]))
check("reference date", doc["metadata"]["reference_date"] == "2022-11-21")
PY
