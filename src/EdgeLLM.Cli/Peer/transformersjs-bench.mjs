// transformers.js side of `edgellm bench --compare-peer`: the same model files, prompt and greedy decoding,
// timed the same way (time to first token, then decode speed over the remaining tokens).
//   node transformersjs-bench.mjs '{"model":DIR,"prompt_ids":[...],"gen_tokens":N,"runs":N,"warmup":N,"threads":N}'
// Prints one JSON line on stdout. Started with NODE_PATH pointing at a node_modules holding
// @huggingface/transformers (4.3.1, onnxruntime-node 1.30.0).
import { mkdtempSync, mkdirSync, symlinkSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const args = JSON.parse(process.argv[2]);
const require = createRequire(join(resolve(process.env.PEER_NODE_MODULES ?? 'node_modules'), 'x.js'));
const tjs = await import(require.resolve('@huggingface/transformers'));
const { AutoModelForCausalLM, Tensor, BaseStreamer, env } = tjs;

// transformers.js wants <root>/<name>/{config.json,generation_config.json,tokenizer*.json,onnx/model.onnx}.
const modelDir = resolve(args.model);
const root = mkdtempSync(join(tmpdir(), 'edgellm-peer-'));
const layout = join(root, 'm');
mkdirSync(join(layout, 'onnx'), { recursive: true });
for (const f of readdirSync(modelDir)) {
  const target = f.endsWith('.onnx') || f.endsWith('.onnx.data') || f.endsWith('.onnx_data') ? join(layout, 'onnx', f) : join(layout, f);
  symlinkSync(join(modelDir, f), target);
}
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = root;

class Timer extends BaseStreamer {
  constructor() { super(); this.times = []; }
  put() { this.times.push(performance.now()); }
  end() { }
}

const loadStart = performance.now();
const sessionOptions = args.threads > 0 ? { intraOpNumThreads: args.threads, interOpNumThreads: 1 } : {};
const hasData = existsSync(join(modelDir, 'model.onnx.data')) || existsSync(join(modelDir, 'model.onnx_data'));
const model = await AutoModelForCausalLM.from_pretrained('m', {
  local_files_only: true,
  dtype: 'fp32',
  device: 'cpu',
  model_file_name: 'model',
  use_external_data_format: hasData,
  session_options: sessionOptions,
});
const loadMs = performance.now() - loadStart;

const ids = args.prompt_ids.map(BigInt);
const input_ids = new Tensor('int64', BigInt64Array.from(ids), [1, ids.length]);
const attention_mask = new Tensor('int64', BigInt64Array.from(ids.map(() => 1n)), [1, ids.length]);

async function once() {
  const timer = new Timer();
  const start = performance.now();
  const out = await model.generate({
    input_ids, attention_mask, do_sample: false,
    max_new_tokens: args.gen_tokens, min_new_tokens: args.gen_tokens, streamer: timer,
  });
  const end = performance.now();
  // The streamer's first call carries the prompt; each later call one new token.
  const tokenTimes = timer.times.slice(1);
  const generated = out.dims[1] - ids.length;
  const first = tokenTimes[0] ?? end;
  const last = tokenTimes[tokenTimes.length - 1] ?? end;
  return {
    generated,
    ttft_ms: first - start,
    decode_ms: last - first,
    total_ms: end - start,
    output_ids: Array.from(out.data.slice(ids.length), Number),
  };
}

try {
  for (let i = 0; i < (args.warmup ?? 1); i++) await once();
  const runs = [];
  for (let i = 0; i < (args.runs ?? 3); i++) runs.push(await once());
  console.log(JSON.stringify({ ok: true, runtime: `transformers.js ${tjs.env.version}`, load_ms: loadMs, prompt_tokens: ids.length, runs }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
