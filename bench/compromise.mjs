// compromise.mjs FILE — the peer: compromise parses the text into sentences
// and terms (its documented JSON output), as quarry segments it.
import nlp from 'compromise';
import { readFileSync } from 'node:fs';
const text = readFileSync(process.argv[2], 'utf8');
const t0 = process.hrtime.bigint();
const doc = nlp(text);
const out = JSON.stringify(doc.json());
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`${secs} ${out.length}`);
