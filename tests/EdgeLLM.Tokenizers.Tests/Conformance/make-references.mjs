// Reference token ids and decodings from transformers.js (@huggingface/transformers 4.3.1), run offline
// from local tokenizer files, for every string of corpus.json. Writes references/<name>.json.
//   node make-references.mjs NAME=DIR [NAME=DIR ...]
// DIR holds tokenizer.json and tokenizer_config.json (tests/setup-test-assets.sh fetches the npm families
// into .cache/tokenizers/; EdgeLLM's own is models-distilled/iot-assist).
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';

env.allowRemoteModels = false;
env.allowLocalModels = true;
const corpus = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url)));
const outDir = new URL('./references/', import.meta.url);
mkdirSync(outDir, { recursive: true });

for (const arg of process.argv.slice(2)) {
  const [name, dir] = arg.split('=');
  // transformers.js resolves NAME under localModelPath: stage the two files there.
  const root = mkdtempSync(join(tmpdir(), 'tjs-'));
  mkdirSync(join(root, name));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(dir, f), join(root, name, f));
  env.localModelPath = root;
  const tok = await AutoTokenizer.from_pretrained(name);
  const cases = corpus.map((text) => {
    const ids = tok.encode(text, { add_special_tokens: true });
    const plain = tok.encode(text, { add_special_tokens: false });
    const decoded = tok.decode(plain, { skip_special_tokens: false });
    const skipped = tok.decode(ids, { skip_special_tokens: true });
    // Keep the data small: a field equal to a simpler one is stored as null.
    return [ids, sameArray(plain, ids) ? null : plain, decoded === text ? null : decoded, skipped === decoded ? null : skipped];
  });
  const file = new URL(`./${name}.json`, outDir);
  writeFileSync(file, JSON.stringify({ tokenizer: name, source: basename(dir), transformers_js: '4.3.1', corpus_size: corpus.length,
    fields: ['ids_with_special', 'ids_without_special_or_null', 'decode_or_null_if_text', 'decode_skip_special_or_null'], cases }) + '\n');
  console.log(`${name}: ${cases.length} cases, ${cases.reduce((n, c) => n + c[0].length, 0)} ids`);
}

function sameArray(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }
