// Home Assistant's Ollama call pattern (homeassistant/components/ollama: coordinator.py, entity.py) with the official
// ollama npm client against a running EdgeLLM: list and ps as at set-up, then a conversation turn that offers a
// device-control tool with stream: true, keep_alive: -1 and options.num_ctx 8192, runs the tool call it gets back,
// sends the result as a `tool` message and reads the final answer. Prints what it does as it goes; with --json,
// prints one JSON object instead (OllamaClientTests asserts on it). Any exception fails the run.
// Usage: node home-assistant-pattern.mjs [http://127.0.0.1:8080] [model] [--json]   (OLLAMA_API_KEY → Bearer key)
import { Ollama } from "ollama";

const args = process.argv.slice(2).filter((a) => a !== "--json");
const asJson = process.argv.includes("--json");
const host = args[0] ?? "http://127.0.0.1:8080";
const model = args[1] ?? "iot-assist";
const key = process.env.OLLAMA_API_KEY;
const client = new Ollama({ host, headers: key ? { Authorization: `Bearer ${key}` } : undefined });
const say = (...parts) => { if (!asJson) console.log(...parts); };

// A device-control tool in the shape Home Assistant sends tools (probatio.to_openapi output wrapped as a function),
// with the fields the default model's own actions have (docs/examples/iot-assist-action.schema.json).
const tools = [{
  type: "function",
  function: {
    name: "set_device",
    description: "Switch or adjust a device in an area of the home",
    parameters: {
      type: "object",
      properties: {
        device: { type: "string", enum: ["light", "fan", "heater", "blinds", "tv"] },
        action: { type: "string", enum: ["on", "off", "open", "close"] },
        zone: { type: "string", enum: ["kitchen", "bedroom", "office", "living_room"] },
      },
      required: ["device", "action", "zone"],
    },
  },
}];

const listed = await client.list();
const wanted = model.includes(":") ? model : `${model}:latest`;
say(`list: ${listed.models.map((m) => m.model).join(", ")}`);
if (!listed.models.some((m) => m.model === wanted || m.name === wanted)) {
  throw new Error(`${wanted} is not among the listed models`);
}
const running = await client.ps();
say(`ps: ${running.models.map((m) => `${m.model} size=${m.size} size_vram=${m.size_vram}`).join(", ")}`);

const messages = [
  { role: "system", content: "You control the home's devices." },
  { role: "user", content: "turn on the kitchen light" },
];
const rounds = [];
for (let round = 0; round < 10; round++) {
  const stream = await client.chat({ model, messages, tools, stream: true, keep_alive: -1, options: { num_ctx: 8192 } });
  const lines = [];
  let content = "";
  const calls = [];
  for await (const part of stream) {
    lines.push(part);
    content += part.message?.content ?? "";
    for (const call of part.message?.tool_calls ?? []) calls.push(call);
  }
  const last = lines[lines.length - 1];
  rounds.push({ lines, content, calls, done_reason: last.done_reason });
  say(`round ${round + 1}: ${lines.length} lines, done_reason ${last.done_reason}, eval_count ${last.eval_count}, total ${(last.total_duration / 1e6).toFixed(1)} ms`);
  if (calls.length === 0) {
    say(`final answer: ${content}`);
    break;
  }
  messages.push({ role: "assistant", content, tool_calls: calls.map((c) => ({ function: c.function })) });
  for (const call of calls) {
    say(`tool call: ${call.function.name}(${JSON.stringify(call.function.arguments)}), arguments are ${typeof call.function.arguments === "object" ? "an object" : typeof call.function.arguments}`);
    // What HA sends back: json_dumps({"data": result, "error": None}) as the tool message's content.
    const result = { data: { success: [{ name: `${call.function.arguments.zone} ${call.function.arguments.device}`, type: "entity" }], failed: [] }, error: null };
    say(`tool result: ${JSON.stringify(result)}`);
    messages.push({ role: "tool", content: JSON.stringify(result), tool_name: call.function.name });
  }
}
if (asJson) console.log(JSON.stringify({ listed, running, rounds }));
