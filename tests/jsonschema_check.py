#!/usr/bin/python3
"""jsonschema_check.py SCHEMA FILE... — validates every JSON value of each
JSON or NDJSON FILE with python3-jsonschema (Draft 2020-12), the reference
implementation quarry's own validator is compared with.  Prints one line per
invalid document and exits 1 if any."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
count = 0
for path in sys.argv[2:]:
    text = open(path, encoding="utf-8").read()
    decoder = json.JSONDecoder()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        value, pos = decoder.raw_decode(text, pos)
        count += 1
        for error in validator.iter_errors(value):
            bad += 1
            print(f"{path}: /{'/'.join(map(str, error.absolute_path))}: {error.message}")
            break
print(f"{count} documents checked, {bad} invalid", file=sys.stderr)
sys.exit(1 if bad or count == 0 else 0)
