#!/bin/sh
# yaml_pyyaml.sh — quarry's YAML read by PyYAML, a YAML 1.1 reader, gives
# the same data as quarry's JSON (so no string turns into a bool, a number
# or a date there), and the documents it loads are valid against
# schemas/quarry.schema.json by python3-jsonschema.
BUILD=${BUILD:-build}
QUARRY=${QUARRY:-$BUILD/quarry}
TOYAML="$BUILD/tests/test_yaml --to-yaml"
PY=/usr/bin/python3
if ! $PY -c 'import yaml, jsonschema' 2>/dev/null; then
	echo "SKIP pyyaml: python3-yaml or python3-jsonschema is not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Documents: the samples and, when the corpus is there, a few of each folder.
ls fixtures/sample/*.txt >"$tmp/list"
if [ -d ../shared/corpus ]; then
	for d in ../shared/corpus/*/; do
		find "$d" -name '*.txt' ! -name SOURCES.txt | sort | head -3
	done >>"$tmp/list"
fi
n=$(wc -l <"$tmp/list")
xargs "$QUARRY" extract --format ndjson --date 2022-11-21 <"$tmp/list" >"$tmp/docs.ndjson" 2>"$tmp/err"

# Data: strings that YAML 1.1 readers take for other things, and the rest.
$PY - "$tmp/data.json" <<'EOF'
import json, random, sys
tricky = ["no", "NO", "No", "off", "On", "y", "n", "Y", "yes", "true", "True", "~",
          "null", "Null", "", "1e3", ".5", "0o17", "0x1F", "012", "1.10", "1_000",
          ".inf", "-.Inf", ".nan", "2022-11-21", "2022-11-21T10:00:00Z",
          "2001-12-14 21:59:43.10 -5", "12:30", "190:20:30.15", "=", "<<", "0b101",
          "+1", "-0", "1.0", ".", "a\n", "a\n\n", "\n", " a ", "- x", "# x", "'", '"',
          "%", "@", "`", "|", ">", "!", "\u2028", "\x85", "\ufeff", "\x00\x01\x7f",
          "caf\u00e9 \U0001F600", "\t", "\r\n"]
random.seed(7)
pieces = ["a", " ", "\n", "#", ":", "-", "\t", "'", '"', "\\", "|", ">", "?", "0",
          "1", ".", "\u00e9", "\U0001F600", "\r", "\x7f", "~", "!", "&", "*", "[", "{",
          ",", "\u2028", "\x85", "...", "---", "%", "@", "`", "e", "y", "n", "o", "_", "+"]
for _ in range(3000):
    tricky.append("".join(random.choice(pieces) for _ in range(random.randint(0, 9))))
data = {"strings": tricky, "keys": {s: i for i, s in enumerate(tricky) if "\x00" not in s},
        "numbers": [0, -1, 9223372036854775807, -9223372036854775808, 0.1, 1e300,
                    5e-324, -0.0, 0.30000000000000004, 2.5e-7, 1e16, 123.0],
        "other": [None, True, False, [], {}, [[]], {"a": {}}]}
json.dump(data, open(sys.argv[1], "w"))
EOF

for f in docs.ndjson data.json; do
	if ! $TOYAML "$tmp/$f" >"$tmp/$f.yaml" 2>"$tmp/err"; then
		echo "FAIL pyyaml: $f to YAML: $(head -3 "$tmp/err")"
	fi
done

$PY - "$tmp" "$n" schemas/quarry.schema.json <<'EOF'
import json, sys
import jsonschema, yaml

tmp, n, schema_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def json_values(path):
    text, decoder, pos, out = open(path, encoding="utf-8").read(), json.JSONDecoder(), 0, []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return out
        value, pos = decoder.raw_decode(text, pos)
        out.append(value)

def same(a, b):
    # bool is an int to Python: compare types too, and -0.0 by its sign.
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return a == b and str(a) == str(b)
    return a == b

def first_difference(a, b, path=""):
    if type(a) is not type(b):
        return f"{path}: {a!r} became {b!r}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys differ"
        for k in a:
            d = first_difference(a[k], b[k], f"{path}/{k}")
            if d:
                return d
    elif isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}/{i}")
            if d:
                return d
    elif not same(a, b):
        return f"{path}: {a!r} became {b!r}"
    return None

loaders = [("pure Python", yaml.SafeLoader)]
if getattr(yaml, "CSafeLoader", None):
    loaders.append(("libyaml", yaml.CSafeLoader))
validator = jsonschema.Draft202012Validator(json.load(open(schema_path)))
for name, what in (("docs.ndjson", f"{n} quarry documents"), ("data.json", "tricky data")):
    want = json_values(f"{tmp}/{name}")
    for label, loader in loaders:
        with open(f"{tmp}/{name}.yaml", encoding="utf-8") as f:
            got = list(yaml.load_all(f, Loader=loader))
        if len(got) == len(want) and all(same(a, b) for a, b in zip(want, got)):
            print(f"PASS pyyaml ({label} loader, YAML 1.1) reads {what} as their JSON")
        else:
            diff = next((first_difference(a, b) for a, b in zip(want, got) if not same(a, b)),
                        f"{len(got)} documents, want {len(want)}")
            print(f"FAIL pyyaml ({label} loader, YAML 1.1) reads {what}: {diff}")
    if name == "docs.ndjson":
        bad = [e.message for doc in got for e in validator.iter_errors(doc)]
        if len(got) == n and not bad:
            print(f"PASS pyyaml: python3-jsonschema accepts the {n} documents loaded from YAML")
        else:
            print(f"FAIL pyyaml: python3-jsonschema: {len(got)} of {n} documents, {bad[:3]}")
EOF
