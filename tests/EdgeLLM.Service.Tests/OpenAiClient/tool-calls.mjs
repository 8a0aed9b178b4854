// Calls EdgeLLM's REST API with the official openai client: tool calls (plain and streamed) and a json_schema
// response format. Prints one JSON object with what came back; RestToolCallTests asserts on it.
// Usage: node tool-calls.mjs http://127.0.0.1:PORT
import OpenAI from "openai";

const client = new OpenAI({ baseURL: `${process.argv[2]}/v1`, apiKey: "not-needed-on-loopback", maxRetries: 0 });

// Device capabilities described as tools: what a gateway can actuate.
const tools = [
  {
    type: "function",
    function: {
      name: "set_device",
      description: "Switch or adjust a device in a zone",
      parameters: {
        type: "object",
        properties: {
          device: { enum: ["light", "fan", "heater", "blinds"] },
          action: { enum: ["on", "off", "open", "close"] },
          zone: { anyOf: [{ enum: ["kitchen", "bedroom", "office"] }, { type: "null" }] },
        },
        required: ["device", "action", "zone"],
        additionalProperties: false,
      },
    },
  },
  {
    type: "function",
    function: {
      name: "read_sensor",
      description: "Read a sensor",
      parameters: {
        type: "object",
        properties: { sensor: { type: "string", maxLength: 24 } },
        required: ["sensor"],
        additionalProperties: false,
      },
    },
  },
];
const messages = [{ role: "user", content: "turn on the kitchen light" }];

const plain = await client.chat.completions.create({ model: "iot-assist", messages, tools, tool_choice: "required", temperature: 0, max_tokens: 48 });

const named = await client.chat.completions.create({
  model: "iot-assist", messages, tools, tool_choice: { type: "function", function: { name: "read_sensor" } }, temperature: 0, max_tokens: 48,
});

const stream = await client.chat.completions.create({ model: "iot-assist", messages, tools, tool_choice: "auto", temperature: 0, max_tokens: 48, stream: true });
const streamed = { name: "", arguments: "", finish_reason: null, content: "" };
for await (const chunk of stream) {
  const choice = chunk.choices[0];
  for (const call of choice?.delta?.tool_calls ?? []) {
    streamed.name += call.function?.name ?? "";
    streamed.arguments += call.function?.arguments ?? "";
  }
  streamed.content += choice?.delta?.content ?? "";
  streamed.finish_reason = choice?.finish_reason ?? streamed.finish_reason;
}

// Usage in a stream, as the SDK reads it: only when asked (stream_options.include_usage), in a last chunk of its own.
const usageSeen = async (streamOptions) => {
  const chunks = await client.chat.completions.create({
    model: "iot-assist", messages, temperature: 0, max_tokens: 8, stream: true, ...(streamOptions ? { stream_options: streamOptions } : {}),
  });
  const seen = { chunks: 0, with_usage_key: 0, usage: null, last_choices: null, text: "" };
  for await (const chunk of chunks) {
    seen.chunks++;
    seen.with_usage_key += "usage" in chunk ? 1 : 0;
    seen.usage = chunk.usage ?? seen.usage;
    seen.last_choices = chunk.choices.length;
    seen.text += chunk.choices[0]?.delta?.content ?? "";
  }
  return seen;
};
const usage = { asked: await usageSeen({ include_usage: true }), not_asked: await usageSeen(null) };

const schema = await client.chat.completions.create({
  model: "iot-assist",
  messages,
  temperature: 0,
  max_tokens: 48,
  response_format: { type: "json_schema", json_schema: { name: "switch", strict: true, schema: tools[0].function.parameters } },
});

let refused = null;
try {
  await client.chat.completions.create({
    model: "iot-assist", messages, temperature: 0,
    response_format: { type: "json_schema", json_schema: { name: "bad", schema: { type: "string", format: "email" } } },
  });
} catch (e) {
  refused = { status: e.status, message: e.message, param: e.param ?? null };
}

console.log(JSON.stringify({
  plain: { message: plain.choices[0].message, finish_reason: plain.choices[0].finish_reason },
  named: { message: named.choices[0].message, finish_reason: named.choices[0].finish_reason },
  streamed,
  usage,
  schema: { content: schema.choices[0].message.content, finish_reason: schema.choices[0].finish_reason },
  refused,
}));
