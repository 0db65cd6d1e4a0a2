// timex_peers.mjs MEANTIME.jsonl — the peers' time expressions on the
// MEANTIME texts, for timex_score: chrono-node (chrono.parse with the
// creation date as reference) and compromise with compromise-dates
// (doc.dates({today}), doc.durations(), doc.times()).  Their results are
// mapped to TIMEX3 types and values as well as their output allows and
// printed one per line:
//   SYSTEM <TAB> DOC_ID <TAB> START <TAB> END <TAB> TYPE <TAB> VALUE
// with offsets in code points of the document's text.  Run with TZ=UTC.
import { readFileSync } from 'node:fs';
import * as chrono from 'chrono-node';
import nlp from 'compromise';
import dates from 'compromise-dates';

nlp.plugin(dates);

const pad = (n, w = 2) => String(n).padStart(w, '0');

// UTF-16 index -> code point index, for texts with astral characters.
function codePoints(text) {
  const map = new Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) cp++;
  }
  map[text.length] = cp;
  return map;
}

// The creation date: the dct field (some are DD-MM-YYYY), else none.
function creationDate(doc) {
  const d = doc.dct;
  if (d && /^\d{4}-\d\d-\d\d$/.test(d)) return d;
  if (d && /^\d\d-\d\d-\d{4}$/.test(d)) return `${d.slice(6)}-${d.slice(3, 5)}-${d.slice(0, 2)}`;
  return null;
}

// A span without the spaces and punctuation a match may carry at its ends.
function trim(text, start, end) {
  while (end > start && /[\s.,;:!?'")]/.test(text[end - 1])) end--;
  while (start < end && /[\s"'(]/.test(text[start])) start++;
  return [start, end];
}

function isoWeek(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return `${year}-W${pad(week)}`;
}

// chrono-node: the components it is certain of decide the precision.
function chronoValue(c) {
  const ymd = `${pad(c.get('year'), 4)}-${pad(c.get('month'))}-${pad(c.get('day'))}`;
  if (c.isCertain('hour')) return ['TIME', `${ymd}T${pad(c.get('hour'))}:${pad(c.get('minute') || 0)}`];
  if (c.isCertain('day') || c.isCertain('weekday')) return ['DATE', ymd];
  if (c.isCertain('month')) return ['DATE', `${pad(c.get('year'), 4)}-${pad(c.get('month'))}`];
  if (c.isCertain('year')) return ['DATE', pad(c.get('year'), 4)];
  return ['DATE', ymd];
}

function runChrono(doc, ref) {
  const at = ref ? new Date(`${ref}T12:00:00Z`) : new Date('2000-01-01T12:00:00Z');
  return chrono.parse(doc.text, at).map((r) => {
    const [type, value] = chronoValue(r.start);
    return [r.index, r.index + r.text.length, type, ref ? value : ''];
  });
}

// compromise-dates: the unit of a date says the precision.
function compromiseDate(d) {
  if (!d || !d.start) return null;
  const s = new Date(d.start);
  const ymd = `${pad(s.getUTCFullYear(), 4)}-${pad(s.getUTCMonth() + 1)}-${pad(s.getUTCDate())}`;
  switch (d.unit) {
    case 'year': return ['DATE', pad(s.getUTCFullYear(), 4)];
    case 'quarter': return ['DATE', `${pad(s.getUTCFullYear(), 4)}-Q${Math.floor(s.getUTCMonth() / 3) + 1}`];
    case 'month': return ['DATE', ymd.slice(0, 7)];
    case 'week': return ['DATE', isoWeek(s)];
    case 'time': return ['TIME', `${ymd}T${pad(s.getUTCHours())}:${pad(s.getUTCMinutes())}`];
    default: return ['DATE', ymd];
  }
}

function compromiseDuration(dur) {
  const units = { years: 'Y', year: 'Y', months: 'M', month: 'M', weeks: 'W', week: 'W',
    days: 'D', day: 'D', hours: 'TH', hour: 'TH', minutes: 'TM', minute: 'TM',
    seconds: 'TS', second: 'TS' };
  for (const [k, v] of Object.entries(dur || {})) {
    if (!v || !units[k]) continue;
    const u = units[k];
    return u[0] === 'T' ? `PT${v}${u[1]}` : `P${v}${u}`;
  }
  return null;
}

function runCompromise(doc, ref) {
  const out = [];
  const overlaps = (s, e) => out.some(([a, b]) => s < b && a < e);
  const d = nlp(doc.text);
  const opts = ref ? { today: ref, timezone: 'UTC' } : { timezone: 'UTC' };
  for (const m of d.dates(opts).json({ offset: true })) {
    const s = m.offset.start, e = s + m.offset.length;
    const date = compromiseDate(m.dates);
    const dur = m.dates && compromiseDuration(m.dates.duration);
    if (date) out.push([s, e, date[0], ref ? date[1] : '']);
    else if (dur && !m.dates.start) out.push([s, e, 'DURATION', dur]);
    else out.push([s, e, 'DATE', '']);
  }
  for (const m of d.durations().json({ offset: true })) {
    const s = m.offset.start, e = s + m.offset.length;
    if (!overlaps(s, e)) out.push([s, e, 'DURATION', compromiseDuration(m.duration) || '']);
  }
  for (const m of d.times().json({ offset: true })) {
    const s = m.offset.start, e = s + m.offset.length;
    if (!overlaps(s, e) && m.time) out.push([s, e, 'TIME', ref && m.time['24h'] ? `${ref}T${m.time['24h'].padStart(5, '0')}` : '']);
  }
  return out;
}

const systems = { 'chrono-node': runChrono, compromise: runCompromise };
const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.trim());
for (const line of lines) {
  const doc = JSON.parse(line);
  const ref = creationDate(doc);
  const cps = codePoints(doc.text);
  for (const [name, run] of Object.entries(systems)) {
    let spans = [];
    try {
      spans = run(doc, ref);
    } catch (e) {
      spans = []; // a crash finds nothing in this document
    }
    for (const [s0, e0, type, value] of spans) {
      const [s, e] = trim(doc.text, s0, e0);
      if (e <= s) continue;
      console.log([name, doc.doc_id, cps[s], cps[e], type, value].join('\t'));
    }
  }
}
