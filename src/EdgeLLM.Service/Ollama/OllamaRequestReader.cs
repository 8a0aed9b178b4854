using System.Text.Json;
using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// Reads an Ollama <c>/api/chat</c> or <c>/api/generate</c> body into the runtime's <see cref="GenerationRequest"/>
/// through the contract's own pieces: the same envelope limits (<see cref="RequestReader"/>), sampling checks
/// (<see cref="SamplingFields"/>, here under <c>options</c>), admission fields, tools and constraints. Only what
/// Ollama spells differently is read here. Nothing throws for bad input: every problem is an error naming the field.
/// </summary>
/// <remarks>
/// Ollama has no <c>tool_choice</c>; EdgeLLM serves tools as it serves <c>"auto"</c> (a call is required) while the
/// conversation ends with the user, and answers in text (or under <c>format</c>) once it ends with tool results, so
/// that Home Assistant's loop — call, result, answer — ends with an answer instead of calling tools ten times.
/// </remarks>
public sealed class OllamaRequestReader
{
    private static readonly JsonElement NoOptions = EmptyObject();
    private readonly RequestReader _envelope;
    private readonly TimeProvider _time;

    public OllamaRequestReader(int maxPayloadBytes, TimeProvider? time = null)
    {
        _envelope = new RequestReader(maxPayloadBytes, time);
        _time = time ?? TimeProvider.System;
    }

    public OllamaRequest Read(ReadOnlySpan<byte> body, OllamaEndpointKind kind)
    {
        using var doc = _envelope.Open(body, out var failure);
        if (doc is null)
        {
            return OllamaRequest.Fail(failure!.Error!.Code, failure.Error.Message);
        }
        string? model = null;
        try
        {
            var f = new Fields(doc.RootElement);
            model = f.OptionalString("model");
            if (string.IsNullOrWhiteSpace(model))
            {
                throw new FieldException("model", "required (one of the names GET /api/tags lists)");
            }
            return Build(f, kind) with { Model = model };
        }
        catch (FieldException e)
        {
            return OllamaRequest.Fail(GenerationErrorCode.BadRequest, e.Message, model);
        }
        catch (InvalidOperationException e)
        {
            // A name or string holding an escaped lone surrogate: the client's error, never a crash.
            return OllamaRequest.Fail(GenerationErrorCode.BadRequest, $"a string in the request is not valid Unicode: {e.Message}", model);
        }
    }

    /// <summary>
    /// A body that only names a model (<c>/api/show</c>, <c>/api/pull</c>): <c>model</c>, or <c>name</c> as older
    /// clients (and the JavaScript client's pull) send it, and <c>stream</c>.
    /// </summary>
    public OllamaRequest ReadModelName(ReadOnlySpan<byte> body)
    {
        using var doc = _envelope.Open(body, out var failure);
        if (doc is null)
        {
            return OllamaRequest.Fail(failure!.Error!.Code, failure.Error.Message);
        }
        try
        {
            var f = new Fields(doc.RootElement);
            var model = f.OptionalString("model");
            if (string.IsNullOrWhiteSpace(model))
            {
                model = f.OptionalString("name");
            }
            return string.IsNullOrWhiteSpace(model)
                ? OllamaRequest.Fail(GenerationErrorCode.BadRequest, "model: required (one of the names GET /api/tags lists)")
                : new OllamaRequest { Model = model, Stream = f.OptionalBool("stream") ?? true };
        }
        catch (FieldException e)
        {
            return OllamaRequest.Fail(GenerationErrorCode.BadRequest, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return OllamaRequest.Fail(GenerationErrorCode.BadRequest, $"a string in the request is not valid Unicode: {e.Message}");
        }
    }

    private OllamaRequest Build(Fields f, OllamaEndpointKind kind)
    {
        var stream = f.OptionalBool("stream") ?? true;
        var keepAlive = KeepAlive.Read(f.Root);
        var options = Options(f.Root);
        var sampling = SamplingFields.Read(options, maxTokens: null, repetitionPenalty: "repeat_penalty");
        var maxTokens = NumPredict(options);
        // num_ctx asks Ollama to size its context; EdgeLLM's is the model's own (its KV cache is sized at load), so a
        // valid value is accepted and the model's context applies.
        if (options.OptionalInt("num_ctx") is <= 0)
        {
            throw new FieldException("options.num_ctx", "must be positive");
        }
        var format = Format(f.Root);
        var now = _time.GetUtcNow();
        var admission = AdmissionFields.Read(f, now);
        var request = new GenerationRequest { Id = RequestReader.NewId(), MaxTokens = maxTokens, ReceivedAt = now };
        ToolChoice? tools = null;
        if (kind == OllamaEndpointKind.Chat)
        {
            if (!f.Root.TryGetProperty("messages", out var m) || m.ValueKind == JsonValueKind.Null || (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 0))
            {
                return new OllamaRequest { Stream = stream, KeepAlive = keepAlive };
            }
            var messages = OllamaMessagesReader.Read(m);
            tools = Tools(f.Root, answersToolResults: messages[^1].Role == "tool");
            request = request with { Messages = messages, Constraint = tools is null ? format : ToolCallSchema.For(tools) };
        }
        else
        {
            OllamaMessagesReader.RefuseImages(f.Root, "images");
            RefuseText(f, "suffix", "fill-in-the-middle is not offered by EdgeLLM's models");
            RefuseText(f, "template", "the model's own chat template is used (send raw: true with your own prompt)");
            RefuseContext(f.Root);
            var prompt = f.OptionalString("prompt");
            if (string.IsNullOrEmpty(prompt))
            {
                return new OllamaRequest { Stream = stream, KeepAlive = keepAlive };
            }
            var system = f.OptionalString("system");
            request = f.OptionalBool("raw") == true
                ? request with { Prompt = prompt, Constraint = format }
                : request with
                {
                    Messages = string.IsNullOrEmpty(system) ? [new PromptMessage("user", prompt)] : [new PromptMessage("system", system), new PromptMessage("user", prompt)],
                    Constraint = format,
                };
        }
        return new OllamaRequest
        {
            Request = admission.ApplyTo(sampling.ApplyTo(request)),
            Stream = stream,
            Tools = tools,
            KeepAlive = keepAlive,
        };
    }

    private static Fields Options(JsonElement root)
    {
        if (!root.TryGetProperty("options", out var o) || o.ValueKind == JsonValueKind.Null)
        {
            return new Fields(NoOptions, "options.");
        }
        return o.ValueKind == JsonValueKind.Object ? new Fields(o, "options.")
            : throw new FieldException("options", $"must be an object, found {Fields.Kind(o)}");
    }

    /// <summary>Ollama's <c>num_predict</c>: a token limit; -1 (no limit) and -2 (fill the context) both mean up to the context.</summary>
    private static int? NumPredict(Fields options) => options.OptionalInt("num_predict") switch
    {
        null or -1 or -2 => null,
        > 0 and var n => n,
        var other => throw new FieldException("options.num_predict", $"must be 1 or more, or -1 for no limit, found {other}"),
    };

    /// <summary>Ollama's <c>format</c>: <c>"json"</c> (any JSON value Ollama means an object in practice) or a JSON Schema.</summary>
    private static OutputConstraint? Format(JsonElement root)
    {
        if (!root.TryGetProperty("format", out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.String)
        {
            return Fields.Text(v, "format") switch
            {
                "" => null,
                "json" => OutputConstraint.JsonObject,
                var other => throw new FieldException("format", $"must be \"json\" or a JSON Schema object, found \"{other}\""),
            };
        }
        return v.ValueKind is JsonValueKind.Object or JsonValueKind.True
            ? OutputConstraint.ForSchema(v.GetRawText(), "format")
            : throw new FieldException("format", $"must be \"json\" or a JSON Schema object, found {Fields.Kind(v)}");
    }

    /// <summary>The tools to call; none once the conversation ends with tool results (the answer then reports them).</summary>
    private static ToolChoice? Tools(JsonElement root, bool answersToolResults)
    {
        if (root.TryGetProperty("tools", out var t) && t.ValueKind == JsonValueKind.Array && t.GetArrayLength() == 0)
        {
            return null;
        }
        var tools = ToolsReader.Read(root);
        return answersToolResults ? null : tools;
    }

    private static JsonElement EmptyObject()
    {
        using var doc = JsonDocument.Parse("{}");
        return doc.RootElement.Clone();
    }

    /// <summary>Refuses a text field this runtime cannot honour when it holds text (clients send "" for "none").</summary>
    private static void RefuseText(Fields f, string name, string why)
    {
        if (!string.IsNullOrEmpty(f.OptionalString(name)))
        {
            throw new FieldException(name, $"not supported: {why}");
        }
    }

    private static void RefuseContext(JsonElement root)
    {
        if (root.TryGetProperty("context", out var c) && c.ValueKind != JsonValueKind.Null && !(c.ValueKind == JsonValueKind.Array && c.GetArrayLength() == 0))
        {
            throw new FieldException("context", "not supported: send the conversation as messages to /api/chat");
        }
    }
}
