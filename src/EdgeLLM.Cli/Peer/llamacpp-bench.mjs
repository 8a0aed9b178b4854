// llama.cpp side of `edgellm bench --compare-peer`: node-llama-cpp's prebuilt llama.cpp on a GGUF of the same shape,
// fed the same prompt ids (the GGUF carries the same vocabulary), greedy, timed the same way as the other peers.
//   node llamacpp-bench.mjs '{"model":GGUF,"prompt_ids":[...],"gen_tokens":N,"runs":N,"warmup":N,"threads":N}'
// Prints one JSON line on stdout. PEER_NODE_MODULES points at a node_modules holding node-llama-cpp 3.21.1.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const args = JSON.parse(process.argv[2]);
const require = createRequire(join(resolve(process.env.PEER_NODE_MODULES ?? 'node_modules'), 'x.js'));
const { getLlama, LlamaLogLevel } = await import(require.resolve('node-llama-cpp'));
const modules = resolve(process.env.PEER_NODE_MODULES ?? 'node_modules');
const version = JSON.parse(readFileSync(join(modules, 'node-llama-cpp', 'package.json'), 'utf8')).version;

const loadStart = performance.now();
// CPU only, the prebuilt binaries only: never download or compile anything.
const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, usePrebuiltBinaries: true, logLevel: LlamaLogLevel.error, progressLogs: false });
const model = await llama.loadModel({ modelPath: resolve(args.model), gpuLayers: 0, useMmap: true });
const context = await model.createContext({
  contextSize: args.prompt_ids.length + args.gen_tokens + 8,
  batchSize: Math.max(args.prompt_ids.length, 32),
  sequences: 1,
  ...(args.threads > 0 ? { threads: args.threads } : {}),
});
const sequence = context.getSequence();
const loadMs = performance.now() - loadStart;

async function once() {
  await sequence.clearHistory();
  const times = [];
  const output = [];
  const start = performance.now();
  // evaluate() prefills the prompt, then yields one greedy token per step until we stop asking.
  for await (const token of sequence.evaluate(args.prompt_ids, { temperature: 0 })) {
    times.push(performance.now());
    output.push(token);
    if (output.length >= args.gen_tokens) break;
  }
  const end = performance.now();
  return {
    generated: output.length,
    ttft_ms: times[0] - start,
    decode_ms: times[times.length - 1] - times[0],
    total_ms: end - start,
    output_ids: output,
  };
}

try {
  for (let i = 0; i < (args.warmup ?? 1); i++) await once();
  const runs = [];
  for (let i = 0; i < (args.runs ?? 3); i++) runs.push(await once());
  console.log(JSON.stringify({ ok: true, runtime: `llama.cpp (node-llama-cpp ${version}, Q4_0)`, load_ms: loadMs, prompt_tokens: args.prompt_ids.length, runs }));
} finally {
  await context.dispose();
  await model.dispose();
  await llama.dispose();
}
