// Reference chat-template renderings from transformers.js (apply_chat_template, @huggingface/jinja), offline.
//   node make-template-references.mjs   (run tests/setup-test-assets.sh first; uses ../Conformance/node_modules)
// Writes Data/references.json: for each template and conversation, with and without the generation prompt,
// the rendered text or the error the template raised.
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../Conformance/package.json', import.meta.url));
const { AutoTokenizer, env } = await import(require.resolve('@huggingface/transformers'));
const repo = new URL('../../../', import.meta.url).pathname;
const data = new URL('./Data/', import.meta.url).pathname;
env.allowRemoteModels = false;

// Families whose real tokenizer files carry their template, and families whose template is committed here.
const families = { llama3: 'llama3', 'llama3_2': 'llama3_2', qwen3: 'qwen3', qwen2_5: 'qwen2_5', gemma3: 'gemma3' };
const committed = ['phi3_5', 'smollm2', 'mistral'];
const conversations = JSON.parse(readFileSync(join(data, 'conversations.json')));
const variables = { date_string: '22 Nov 2026' };

async function load(name, dir) {
  const root = mkdtempSync(join(tmpdir(), 'tpl-'));
  mkdirSync(join(root, name));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(dir, f), join(root, name, f));
  env.localModelPath = root;
  return AutoTokenizer.from_pretrained(name);
}

const out = {};
const sources = Object.entries(families).map(([n, d]) => [n, join(repo, '.cache/tokenizers', d), null]);
sources.push(['iot-assist', join(repo, 'models-distilled/iot-assist'), null]);
for (const c of committed) sources.push([c, join(repo, '.cache/tokenizers/llama2'), JSON.parse(readFileSync(join(data, `${c}.json`)))]);
for (const [name, dir, override] of sources) {
  const tok = await load(name, dir);
  const template = override ? override.template : tok.chat_template;
  if (!template) { console.log(name, 'has no chat template: skipped'); continue; }
  const cases = [];
  for (const conv of conversations) {
    for (const add of [false, true]) {
      const opts = { tokenize: false, add_generation_prompt: add, chat_template: template, ...variables,
        ...(override ? { bos_token: override.bos_token, eos_token: override.eos_token } : {}) };
      try {
        cases.push({ conversation: conv.name, add_generation_prompt: add, text: tok.apply_chat_template(conv.messages, opts) });
      } catch (e) {
        cases.push({ conversation: conv.name, add_generation_prompt: add, error: String(e.message ?? e) });
      }
    }
  }
  out[name] = { template, bos_token: override?.bos_token ?? tok.bos_token ?? null, eos_token: override?.eos_token ?? tok.eos_token ?? null, cases };
  console.log(name, cases.filter((c) => c.error).length, 'errors of', cases.length);
}
writeFileSync(join(data, 'references.json'), JSON.stringify({ transformers_js: '4.3.1', variables, templates: out }, null, 1) + '\n');
