// Every call Home Assistant and the ollama clients make, with the official ollama npm client against EdgeLLM:
// list, ps, show, version, pull (installed and not), chat and generate streamed and not, format with a JSON Schema,
// a load-only chat, and the refusals a client must be able to read (unknown model, images, malformed options).
// Prints one JSON object with what came back; OllamaClientTests asserts on it. A call that throws where it should
// succeed ends the run with a non-zero exit.
// Usage: node client-calls.mjs http://127.0.0.1:PORT
import { Ollama } from "ollama";

const client = new Ollama({ host: process.argv[2] });
const model = "iot-assist";
const user = [{ role: "user", content: "turn on the kitchen light" }];
const greedy = { temperature: 0, num_predict: 64 };

// The answer schema: the default model's own action fields.
const schema = {
  type: "object",
  properties: {
    device: { type: "string", enum: ["light", "fan", "heater", "blinds", "tv"] },
    action: { type: "string", enum: ["on", "off", "open", "close"] },
    zone: { anyOf: [{ type: "string", maxLength: 24 }, { type: "null" }] },
  },
  required: ["device", "action", "zone"],
  additionalProperties: false,
};

const collect = async (stream) => {
  const lines = [];
  for await (const part of stream) lines.push(part);
  return lines;
};

// A refusal the client must surface as a ResponseError (status and message), never as a crash or a hang.
const refusal = async (call) => {
  try {
    const answer = await call();
    if (answer && typeof answer[Symbol.asyncIterator] === "function") await collect(answer);
    return { thrown: false };
  } catch (e) {
    return { thrown: true, name: e.name, status: e.status_code ?? null, message: e.message };
  }
};

const out = {
  list: await client.list(),
  ps: await client.ps(),
  show: await client.show({ model }),
  showLatest: await client.show({ model: `${model}:latest` }),
  version: await client.version(),
  pull: await client.pull({ model, stream: false }),
  pullStreamed: await collect(await client.pull({ model: `${model}:latest`, stream: true })),
  chat: await client.chat({ model, messages: user, stream: false, options: greedy }),
  chatStreamed: await collect(await client.chat({ model: `${model}:latest`, messages: user, stream: true, options: greedy })),
  generate: await client.generate({ model, prompt: "temp=31C humidity=40%", stream: false, options: greedy }),
  generateStreamed: await collect(await client.generate({ model, prompt: "temp=31C humidity=40%", system: "", stream: true, options: greedy })),
  format: await client.chat({ model, messages: user, stream: false, format: schema, options: greedy }),
  formatJson: await client.generate({ model, prompt: "turn off the fan", stream: false, format: "json", options: greedy }),
  load: await client.chat({ model, messages: [], keep_alive: "5m" }),
  refused: {
    unknownModel: await refusal(() => client.chat({ model: "llama3.2", messages: user, stream: true })),
    pullMissing: await refusal(() => client.pull({ model: "llama3.2", stream: false })),
    showMissing: await refusal(() => client.show({ model: "llama3.2" })),
    images: await refusal(() => client.chat({ model, messages: [{ role: "user", content: "what is this?", images: ["aGVsbG8="] }], stream: true })),
    badOptions: await refusal(() => client.chat({ model, messages: user, stream: true, options: { temperature: "hot" } })),
    badFormat: await refusal(() => client.chat({ model, messages: user, stream: false, format: { type: "string", format: "email" } })),
  },
};
out.schema = schema;
console.log(JSON.stringify(out));
