// transformers.js side of the tokenizer throughput comparison; started by the EdgeLLM benchmark runner.
//   node bench-transformersjs.mjs TOKENIZER_DIR ROUNDS   -> one JSON line on stdout
import { readFileSync, mkdtempSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';

const [dir, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 5);
env.allowRemoteModels = false;
const root = mkdtempSync(join(tmpdir(), 'tjs-bench-'));
mkdirSync(join(root, 't'));
for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(dir, f), join(root, 't', f));
env.localModelPath = root;
const tok = await AutoTokenizer.from_pretrained('t');
const corpus = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url)));
const bytes = corpus.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
const encoded = corpus.map((s) => tok.encode(s, { add_special_tokens: false })); // warm-up
const tokens = encoded.reduce((n, ids) => n + ids.length, 0);
let t0 = performance.now();
for (let r = 0; r < rounds; r++) for (const s of corpus) tok.encode(s, { add_special_tokens: false });
const encodeMs = performance.now() - t0;
t0 = performance.now();
for (let r = 0; r < rounds; r++) for (const ids of encoded) if (ids.length) tok.decode(ids, { skip_special_tokens: false });
const decodeMs = performance.now() - t0;
console.log(JSON.stringify({ bytes, tokens, rounds, encodeMs, decodeMs }));
