// The multi-step tool loops of the real SDKs against EdgeLLM's REST API (issue 27): after the model calls a tool, the
// SDK runs it and sends the conversation back with the assistant turn's tool_calls (content null or absent) and the
// tool result. Prints one JSON object with what each loop saw; RestToolCallTests asserts on it.
// Usage: node agent-loops.mjs http://127.0.0.1:PORT
import OpenAI from "openai";
import { generateText, jsonSchema, stepCountIs, tool } from "ai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";

const base = `${process.argv[2]}/v1`;
const parameters = {
  type: "object",
  properties: { sensor: { enum: ["kitchen_temperature", "door_lock"] } },
  required: ["sensor"],
  additionalProperties: false,
};
const readings = { kitchen_temperature: "21.5 C", door_lock: "locked" };
const calls = [];
const readSensor = ({ sensor }) => {
  calls.push(sensor);
  return readings[sensor] ?? "unknown sensor";
};

// OpenAI SDK: runTools calls the tool and asks again, two completions in all.
const client = new OpenAI({ baseURL: base, apiKey: "not-needed-on-loopback", maxRetries: 0 });
const runner = client.chat.completions.runTools(
  {
    model: "iot-assist",
    messages: [{ role: "user", content: "what is the kitchen temperature?" }],
    tools: [{ type: "function", function: { name: "read_sensor", description: "Read a sensor", parameters, function: readSensor, parse: JSON.parse } }],
    temperature: 0,
    max_tokens: 48,
  },
  { maxChatCompletions: 2 },
);
await runner.done();
const openaiMessages = runner.messages;

// Vercel AI SDK: a two-step tool loop through the OpenAI-compatible provider.
const provider = createOpenAICompatible({ name: "edgellm", baseURL: base, apiKey: "not-needed-on-loopback" });
const result = await generateText({
  model: provider("iot-assist"),
  prompt: "is the front door locked?",
  tools: { read_sensor: tool({ description: "Read a sensor", inputSchema: jsonSchema(parameters), execute: async input => readSensor(input) }) },
  stopWhen: stepCountIs(2),
  temperature: 0,
  maxOutputTokens: 48,
  maxRetries: 0,
});

console.log(JSON.stringify({
  openai: {
    completions: openaiMessages.filter(m => m.role === "assistant").length,
    roles: openaiMessages.map(m => m.role),
    tool_results: openaiMessages.filter(m => m.role === "tool").map(m => m.content),
  },
  ai: {
    steps: result.steps.length,
    finish_reasons: result.steps.map(s => s.finishReason),
    tool_results: result.steps.flatMap(s => s.toolResults.map(r => r.output)),
  },
  calls,
}));
