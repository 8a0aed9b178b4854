// Builds the tokenizer conformance corpus: a deterministic (seeded) mix of scripts, emoji, code, numbers,
// whitespace runs, special tokens inside text and odd input. Writes corpus.json.
//   node make-corpus.mjs
import { writeFileSync } from 'node:fs';

let seed = 20261122;
const rand = () => { seed |= 0; seed = (seed + 0x6D2B79F5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (a) => a[Math.floor(rand() * a.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

const sentences = {
  en: ['The quick brown fox jumps over the lazy dog.', "I'm sure it's fine, isn't it? We'll see.", 'Turn on the kitchen lights at 7pm.',
       "THEY'RE HERE. YOU'VE BEEN WARNED! SHE'LL COME", 'Sensor greenhouse-3 reports 41.2°C and 18% humidity.'],
  fr: ['Où est la bibliothèque ? Déjà vu, naïve façade, cœur.', "L'été dernier, j'ai mangé des crêpes."],
  de: ['Grüße aus München! Die Straße ist schön, Äpfel und Öl.', 'Donaudampfschifffahrtsgesellschaftskapitän'],
  es: ['¿Dónde está el baño? ¡Mañana será otro día, señor!'],
  ru: ['Привет, мир! Съешь же ещё этих мягких французских булок.', 'Температура 23,5 градуса.'],
  el: ['Γειά σου Κόσμε! Η ζωή είναι ωραία.'],
  ar: ['مرحبا بالعالم! كيف حالك اليوم؟', 'درجة الحرارة ٢٥ مئوية'],
  he: ['שלום עולם! מה שלומך?'],
  hi: ['नमस्ते दुनिया! आप कैसे हैं?', 'हिन्दी में १२३ संख्याएँ'],
  th: ['สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่างระหว่างคำ'],
  zh: ['你好，世界！今天天气很好。', '我们在学习机器学习和自然语言处理。'],
  ja: ['こんにちは世界！カタカナとひらがなと漢字。', '東京タワーは３３３メートルです。'],
  ko: ['안녕하세요 세계! 한국어 문장입니다.', '날씨가 좋네요 ㅋㅋㅋ'],
  vi: ['Xin chào thế giới! Tiếng Việt có dấu.'],
};
const emoji = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '🇯🇵', '❤️', '🧑🏿‍💻', '👩‍❤️‍💋‍👨', '🤖', '🔥🔥🔥', '☕', '✅', '⚠️', '🫠'];
const code = [
  'def add(a, b):\n    return a + b\n', 'for (int i = 0; i < n; i++) { sum += xs[i]; }',
  'public sealed record Point(int X, int Y);', '{"device":"light","action":"on","zone":null,"at":"19:00"}',
  'if [ -f "$HOME/.bashrc" ]; then source ~/.bashrc; fi', 'SELECT id, name FROM users WHERE age >= 18;',
  'const f = (x) => x ** 2 // square', '<div class="card">\n\t<p>Hello</p>\n</div>', 'x = [1, 2, 3]\nprint(x[::-1])',
  'async Task<int> RunAsync(CancellationToken ct) => await Task.FromResult(42);', 'git commit -m "fix: handle \\r\\n"',
];
const specials = ['<|begin_of_text|>', '<|end_of_text|>', '<|eot_id|>', '<|start_header_id|>', '<|im_start|>', '<|im_end|>',
  '<|endoftext|>', '<s>', '</s>', '<unk>', '<start_of_turn>', '<end_of_turn>', '<bos>', '<eos>', '<pad>', '<think>', '</think>'];
const whitespace = ['  ', '   ', '\t', '\t\t', '\n', '\n\n', '\n\n\n', '\r\n', ' \n ', '    \n', '\u00a0', '\u3000', ' \t \n'];
const odd = ['\uFFFD', '\u0000', '\u0001', '\u007F', '\u200B', '\u200D', '\uFEFF', 'e\u0301', 'ﬁ', '①②③', 'Ａｂｃ１２３', 'x²', '™', '…',
  'ǅ', 'ß', 'İ', 'ﬀ', '\u2028', '\u00AD'];

const corpus = new Set();
const add = (s) => { if (s.length > 0) corpus.add(s); };

for (const list of Object.values(sentences)) list.forEach(add);
emoji.forEach(add); code.forEach(add); specials.forEach(add); odd.forEach(add); whitespace.forEach((w) => add(`a${w}b`));
// numbers
for (let i = 0; i < 120; i++) {
  add(pick([`${int(0, 9)}`, `${int(0, 99999)}`, `${int(0, 1e9)}${int(0, 1e9)}`, `${(rand() * 1000).toFixed(int(1, 4))}`,
    `-${int(1, 500)}.${int(0, 99)}`, `${int(1, 99)}%`, `${int(1, 999)} ppm`, `3.14159265358979323846`, `1,234,567.89`, `0x${int(0, 65535).toString(16)}`,
    `${int(1, 31)}/${int(1, 12)}/20${int(10, 40)}`, `${int(0, 23)}:${String(int(0, 59)).padStart(2, '0')}`, `1e-${int(1, 12)}`]));
}
// contractions in many casings
for (const w of ["it's", "I'll", "we've", "they're", "don't", "she'd", "I'm"]) {
  add(w); add(w.toUpperCase()); add(w.replace("'", "\u2019")); add(`${w[0].toUpperCase()}${w.slice(1)} done`);
}
// long words and repeats
add('a'.repeat(300)); add('ab'.repeat(150)); add('supercalifragilisticexpialidocious'.repeat(5)); add('🙂'.repeat(40));
add('x'.repeat(50) + ' ' + 'y'.repeat(50)); add('!!!???...,,,;;;');
// random mixes until the corpus is large enough
const all = [...Object.values(sentences).flat(), ...emoji, ...code, ...specials, ...whitespace, ...odd];
while (corpus.size < 2200) {
  const parts = [];
  const n = int(1, 6);
  for (let i = 0; i < n; i++) {
    const kind = rand();
    let p = kind < 0.35 ? pick(Object.values(sentences).flat()) : kind < 0.5 ? pick(emoji) : kind < 0.6 ? pick(code)
      : kind < 0.7 ? pick(specials) : kind < 0.82 ? pick(whitespace) : kind < 0.9 ? pick(odd) : `${int(0, 1e6)}`;
    if (rand() < 0.15) p = p.toUpperCase();
    if (rand() < 0.1) p = p.split(' ').slice(0, int(1, 4)).join(' ');
    parts.push(p);
  }
  let s = parts.join(pick(['', ' ', ' ', '  ', '\n', '\t']));
  if (rand() < 0.15) s = pick(whitespace) + s;
  if (rand() < 0.15) s = s + pick(whitespace);
  add(s);
}
writeFileSync(new URL('./corpus.json', import.meta.url), JSON.stringify([...corpus], null, 0) + '\n');
console.log(`corpus: ${corpus.size} strings`);
