#!/usr/bin/env python3
"""csv_sqlite.py DIR DB — loads a quarry CSV table set into SQLite.

The tables must exist already: create them with `quarry schema sql-sqlite`
(PRAGMA foreign_keys is switched on here as well).  sqlite3's .import
cannot tell an empty unquoted field (NULL) from "" (the empty string), so
this reads the CSV itself: a small RFC 4180 parser that keeps the
difference, then converts each cell by the column's Table Schema type from
datapackage.json (integer -> INTEGER, number -> REAL, or INTEGER when it
has no fraction or exponent, boolean true/false -> 1/0, the rest TEXT) and
honours the dialect's nullSequence.  Prints "TABLE ROWS" per table.

A run of `quarry export` (DIR/csv/RUN) also holds delete.csv: the doc ids
whose rows go before the run's rows come in (the documents it replaces and
those no input produces any more).  They are deleted from every table,
children first, in the same transaction, so loading the runs in order
upserts by doc_id and loading a run twice changes nothing.
"""
import json
import os
import sqlite3
import sys


def rows(text):
    """Yields rows as lists of cells; None for an empty unquoted field."""
    i, n = 0, len(text)
    row, cell, quoted = [], [], False
    started = False  # something of the current field was seen
    while i < n:
        c = text[i]
        if quoted:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    cell.append('"')
                    i += 2
                    continue
                quoted = False
                i += 1
                continue
            cell.append(c)
            i += 1
            continue
        if c == '"' and not cell:
            quoted = started = True
        elif c == ',':
            row.append("".join(cell) if (cell or started) else None)
            cell, started = [], False
        elif c in "\r\n":
            if row or cell or started:
                row.append("".join(cell) if (cell or started) else None)
                yield row
            row, cell, started = [], [], False
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
        else:
            cell.append(c)
        i += 1
    if row or cell or started:
        row.append("".join(cell) if (cell or started) else None)
        yield row


def convert(value, field, null_seq):
    if value is None or (null_seq is not None and value == null_seq):
        return None
    t = field.get("type", "string")
    if t == "integer":
        return int(value)
    if t == "number":
        return float(value) if any(ch in value for ch in ".eEnNiI") else int(value)
    if t == "boolean":
        return 1 if value in field.get("trueValues", ["true"]) else 0
    return value


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: csv_sqlite.py DIR DB")
    folder, db = sys.argv[1], sys.argv[2]
    with open(os.path.join(folder, "datapackage.json"), encoding="utf-8") as f:
        pkg = json.load(f)
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = ON")
    delete = os.path.join(folder, "delete.csv")
    if os.path.exists(delete):
        with open(delete, encoding="utf-8", newline="") as f:
            ids = [(r[0],) for r in list(rows(f.read()))[1:] if r and r[0]]
        for res in reversed(pkg["resources"]):  # children first
            con.executemany('DELETE FROM "%s" WHERE doc_id = ?' % res["name"], ids)
    for res in pkg["resources"]:  # parents first
        schema = res["schema"]
        if isinstance(schema, str):
            with open(os.path.join(folder, schema), encoding="utf-8") as f:
                schema = json.load(f)
        fields = schema["fields"]
        null_seq = res.get("dialect", {}).get("nullSequence")
        with open(os.path.join(folder, res["path"]), encoding="utf-8-sig", newline="") as f:
            it = rows(f.read())
        header = next(it, None)
        if header != [fd["name"] for fd in fields]:
            sys.exit("%s: the header does not match the schema" % res["path"])
        cols = ", ".join('"%s"' % fd["name"] for fd in fields)
        marks = ", ".join("?" for _ in fields)
        data = [[convert(v, fd, null_seq) for v, fd in zip(r, fields)] for r in it]
        con.executemany('INSERT INTO "%s" (%s) VALUES (%s)' % (res["name"], cols, marks), data)
        print(res["name"], len(data))
    con.commit()
    con.close()


if __name__ == "__main__":
    main()
