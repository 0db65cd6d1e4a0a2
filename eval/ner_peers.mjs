// ner_peers.mjs GOLD.iob2 [--documents] — the peers' named entities on
// each sentence of a Universal NER file, as JSON lines {"system", "id",
// "spans"} with spans [byte start, byte end, "PER" | "LOC" | "ORG"] into
// the sentence's text, for eval/ner_score to score exactly as it scores
// quarry.  With --documents each document ("# newdoc id") is read whole,
// its sentences as paragraphs, as ner_score --documents gives it quarry.
//
// compromise: people() → PER, places() → LOC, organizations() → ORG.
// wink-nlp with wink-eng-lite-web-model: its entity types are DATE, TIME,
// DURATION, ORDINAL, CARDINAL, MONEY, PERCENT, URL, EMAIL, MENTION,
// HASHTAG, EMOJI and EMOTICON — none of them a person, place or
// organisation, so it predicts nothing here; it is listed so the table
// says so.
import { readFileSync } from 'node:fs';
import nlp from 'compromise';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

const wink = winkNLP(model);
const its = wink.its;
const WINK_TYPES = {}; // wink type → PER/LOC/ORG: none applies

// Sentences: id, text and document.
const sentences = [];
let id = null;
let doc = 0;
for (const line of readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (line.startsWith('# newdoc')) doc++;
  else if (line.startsWith('# sent_id = ')) id = line.slice(12);
  else if (line.startsWith('# text = ') && id) sentences.push({ id, text: line.slice(9), doc });
}
const documents = process.argv[3] === '--documents';

const bytes = (s, i) => Buffer.byteLength(s.slice(0, i), 'utf8');
// A span in UTF-16 units, trimmed of the punctuation compromise keeps
// ("United States,”"), in bytes.
function span(text, start, length, type) {
  let s = start, e = start + length;
  const word = /[\p{L}\p{N}.]/u;
  while (s < e && !word.test(text[s])) s++;
  while (e > s && !word.test(text[e - 1])) e--;
  return [bytes(text, s), bytes(text, e), type];
}

function compromise(text) {
  const doc = nlp(text);
  const out = [];
  const add = (list, type) => {
    for (const m of list.json({ offset: true })) {
      if (m.offset) out.push(span(text, m.offset.start, m.offset.length, type));
    }
  };
  add(doc.people(), 'PER');
  add(doc.places(), 'LOC');
  add(doc.organizations(), 'ORG');
  return out;
}

function winknlp(text) {
  const doc = wink.readDoc(text);
  const out = [];
  doc.entities().each((e) => {
    const type = WINK_TYPES[e.out(its.type)];
    if (!type) return;
    const value = e.out();
    const at = text.indexOf(value);
    if (at >= 0) out.push(span(text, at, value.length, type));
  });
  return out;
}

// The sentences of a run that are read together: one, or a document.
function groups() {
  const out = [];
  for (const s of sentences) {
    const last = out[out.length - 1];
    if (documents && last && last[0].doc === s.doc) last.push(s);
    else out.push([s]);
  }
  return out;
}

// A system on a group of sentences joined by blank lines; its spans
// handed back to the sentences they fall in.
function runGroup(run, group) {
  const text = group.map((s) => s.text).join('\n\n');
  const starts = [];
  let at = 0;
  for (const s of group) {
    starts.push(at);
    at += Buffer.byteLength(s.text, 'utf8') + 2;
  }
  const per = group.map(() => []);
  let spans = [];
  try {
    spans = run(text);
  } catch (e) {
    // a crash is a text without predictions
  }
  for (const [b, e, type] of spans) {
    let k = 0;
    while (k + 1 < group.length && starts[k + 1] <= b) k++;
    per[k].push([b - starts[k], e - starts[k], type]);
  }
  return per;
}

const systems = { compromise, 'wink-nlp': winknlp };
for (const [system, run] of Object.entries(systems)) {
  for (const group of groups()) {
    const per = runGroup(run, group);
    group.forEach((s, k) => console.log(JSON.stringify({ system, id: s.id, spans: per[k] })));
  }
}
