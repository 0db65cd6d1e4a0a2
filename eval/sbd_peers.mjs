// sbd_peers.mjs GOLDEN — the Golden Rules with the peers' sentence
// splitters, compared as quarry's test compares them: each sentence with
// its whitespace runs collapsed to one space and trimmed.
import { readFileSync } from 'node:fs';
import nlp from 'compromise';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { split as splitSentences } from 'sentence-splitter';

const rules = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const norm = (s) => s.replace(/\s+/g, ' ').trim();
const same = (got, want) =>
  got.length === want.length && got.every((s, i) => norm(s) === norm(want[i]));
const wink = winkNLP(model);

const systems = {
  compromise: (t) => nlp(t).sentences().out('array'),
  'wink-nlp': (t) => wink.readDoc(t).sentences().out(),
  'sentence-splitter': (t) =>
    splitSentences(t).filter((n) => n.type === 'Sentence').map((n) => n.raw),
};
for (const [name, split] of Object.entries(systems)) {
  let ok = 0;
  for (const r of rules) {
    try {
      if (same(split(r.text).map(norm).filter((s) => s), r.sentences)) ok++;
    } catch (e) { /* a crash is a failed rule */ }
  }
  console.log(`RESULT sentences golden-rules ${name} ${ok}/${rules.length}`);
}
