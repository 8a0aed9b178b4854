using System.Security.Cryptography;
using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Onnx;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Tests.Engine;

/// <summary>
/// The decoder loaded with a logits-index input (<see cref="LogitsIndexGraph"/>) computes the LM head only where a run
/// reads it, and must answer exactly as the builder's every-position graph does: same greedy ids on every committed
/// model in both KV styles, same logits for a prefill, a group's prefill and a speculative check.
/// </summary>
public class LogitsSelectionTests
{
    private static readonly string[] Models = [TestPaths.DefaultModel, TestPaths.ProModel, TestPaths.Fp16KvModel, TestPaths.WeakDraftModel];

    public static TheoryData<string, bool> ModelsAndKvStyles()
    {
        var data = new TheoryData<string, bool>();
        foreach (var model in Models)
        {
            data.Add(model, true);
            data.Add(model, false);
        }
        return data;
    }

    private static DecoderSession Open(string dir, bool select)
    {
        var config = GenAiConfig.Load(Path.Combine(dir, "genai_config.json"));
        OrtEnvironment.EnsureCreated();
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new DecoderSession(dir, config, options, select);
    }

    /// <summary>The model's smoke cases; the weak draft has none of its own and shares the default model's tokenizer.</summary>
    private static (int MaxNew, SmokeCase[] Cases) Cases(string dir) =>
        SmokeCase.Load(File.Exists(Path.Combine(dir, "smoke.json")) ? dir : TestPaths.DefaultModel);

    private static IDecodeBatch Batch(DecoderSession session, bool shared, int capacity = 1) =>
        shared ? new SharedKvBatch(session, capacity, 512) : new GrowingKvBatch(session, 512);

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }
        // The same kernels on the same rows: any difference is accumulation order inside the matrix product.
        Assert.True(worst <= 1e-3f, $"{what}: logits differ by up to {worst}");
        Assert.Equal(TokenSampler.ArgMax(expected.ToArray()), TokenSampler.ArgMax(actual.ToArray()));
    }

    [Theory]
    [MemberData(nameof(ModelsAndKvStyles))]
    public void Greedy_ids_and_prefill_logits_are_those_of_the_every_position_graph(string dir, bool shared)
    {
        using var selecting = Open(dir, select: true);
        using var every = Open(dir, select: false);
        Assert.True(selecting.SelectsLogitsPositions, selecting.LogitsSelection);
        Assert.False(every.SelectsLogitsPositions);
        var eos = selecting.Config.Model.EosTokenIds.ToHashSet();
        var (maxNew, cases) = Cases(dir);
        Assert.NotEmpty(cases);
        using var a = Batch(selecting, shared);
        using var b = Batch(every, shared);
        foreach (var c in cases)
        {
            a.Reset(0);
            b.Reset(0);
            a.Prefill(0, c.PromptIds);
            b.Prefill(0, c.PromptIds);
            AssertClose(b.Logits(0), a.Logits(0), $"{c.Name} prefill");
            var generated = 0;
            while (generated < maxNew)
            {
                var token = TokenSampler.ArgMax(b.Logits(0));
                Assert.Equal(token, TokenSampler.ArgMax(a.Logits(0)));
                if (eos.Contains(token))
                {
                    break;
                }
                a.Decode([token]);
                b.Decode([token]);
                generated++;
            }
            Assert.True(generated > 0, $"{c.Name}: nothing generated");
        }
    }

    [Theory]
    [MemberData(nameof(ModelsAndKvStyles))]
    public void A_speculative_check_gets_the_logits_of_every_drafted_position(string dir, bool shared)
    {
        using var selecting = Open(dir, select: true);
        using var every = Open(dir, select: false);
        var (_, cases) = Cases(dir);
        var c = cases[0];
        using var a = Batch(selecting, shared);
        using var b = Batch(every, shared);
        a.Prefill(0, c.PromptIds[..^4]);
        b.Prefill(0, c.PromptIds[..^4]);
        var drafted = c.PromptIds[^4..];
        a.Extend(0, drafted);
        b.Extend(0, drafted);
        for (var p = 0; p < drafted.Length; p++)
        {
            AssertClose(b.ExtendLogits(p), a.ExtendLogits(p), $"drafted position {p}");
        }
        // After a check, a plain step reads one position again.
        a.Truncate(0, a.Length(0) - 2);
        b.Truncate(0, b.Length(0) - 2);
        a.Decode([drafted[2]]);
        b.Decode([drafted[2]]);
        AssertClose(b.Logits(0), a.Logits(0), "step after a check");
    }

    [Fact]
    public void A_group_prefill_returns_each_prompts_last_logits()
    {
        using var selecting = Open(TestPaths.ProModel, select: true);
        using var every = Open(TestPaths.ProModel, select: false);
        var (_, cases) = SmokeCase.Load(TestPaths.ProModel);
        var length = cases.Min(c => c.PromptIds.Length);
        var prompts = cases.Take(3).Select(c => c.PromptIds[..length]).ToList();
        using var group = new SharedKvBatch(selecting, 4, 512);
        using var solo = new SharedKvBatch(every, 1, 512);
        Assert.True(group.TryPrefillMany(1, prompts));
        for (var r = 0; r < prompts.Count; r++)
        {
            solo.Reset(0);
            solo.Prefill(0, prompts[r]);
            AssertClose(solo.Logits(0), group.Logits(1 + r), $"prompt {r} of the group");
            Assert.Equal(length, group.Length(1 + r));
        }
    }

    [Fact]
    public void With_one_logits_row_per_prompt_a_group_is_bounded_by_the_tokens_of_one_sequence()
    {
        using var selecting = Open(TestPaths.DefaultModel, select: true);
        using var every = Open(TestPaths.DefaultModel, select: false);
        using var lifted = new SharedKvBatch(selecting, 64, 512);
        using var capped = new SharedKvBatch(every, 64, 512);
        // 512 positions a sequence: 8 prompts of 64 tokens, 64 of 8, never more than the batch.
        Assert.Equal(8, lifted.MaxPrefillGroup(64));
        Assert.Equal(64, lifted.MaxPrefillGroup(8));
        Assert.Equal(1, lifted.MaxPrefillGroup(512));
        // Every position's logits: 128 MiB / (500 × 3268 × 4 bytes) = 20 prompts, then the token bound (1 of 500).
        Assert.Equal(1, capped.MaxPrefillGroup(500));
        Assert.Equal(64, capped.MaxPrefillGroup(4));
    }

    [Fact]
    public async Task Speculative_greedy_answers_are_the_same_with_and_without_selection()
    {
        async Task<List<IReadOnlyList<int>>> RunAsync(bool select)
        {
            var options = new ModelLoadOptions { IntraOpThreads = 1, SelectLogitsPositions = select };
            using var target = LanguageModel.Load(TestPaths.ProModel, options);
            using var draft = DraftPairing.LoadDraft(target);
            Assert.Equal(select, target.SelectsLogitsPositions);
            Assert.Equal(select, draft.SelectsLogitsPositions);
            await using var engine = InferenceEngine.Started(target, new EngineOptions
            {
                MaxBatchSize = 4,
                Speculative = new SpeculativeOptions { Draft = draft },
            });
            var (maxNew, cases) = SmokeCase.Load(TestPaths.ProModel);
            var requests = cases.Select(c => engine.GenerateAsync(new GenerationRequest { Id = c.Name, Prompt = c.Prompt, Temperature = 0, MaxTokens = maxNew }));
            return (await Task.WhenAll(requests)).Select(r => r.TokenIds).ToList();
        }

        var selected = await RunAsync(select: true);
        var every = await RunAsync(select: false);
        Assert.Equal(every.Count, selected.Count);
        for (var i = 0; i < every.Count; i++)
        {
            Assert.NotEmpty(every[i]);
            Assert.Equal(every[i], selected[i]);
        }
    }

    [Fact]
    public void The_graph_gets_an_index_input_and_the_file_on_disk_stays_the_builders()
    {
        var file = Path.Combine(TestPaths.DefaultModel, "model.onnx");
        var before = SHA256.HashData(File.ReadAllBytes(file));
        using var session = Open(TestPaths.DefaultModel, select: true);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(file)));
        var input = session.Session.InputMetadata[LogitsIndexGraph.InputName];
        Assert.Equal(TensorElementType.Int64, input.ElementDataType);
        Assert.Equal([-1, -1, 1], input.Dimensions);
        Assert.Equal(LogitsIndexGraph.CountDimension, session.Session.OutputMetadata["logits"].SymbolicDimensions[1]);
        // The index input's rows are the logits' rows: one batch dimension, named as the model names it.
        Assert.Equal(session.Session.OutputMetadata["logits"].SymbolicDimensions[0], input.SymbolicDimensions[0]);
        Assert.Equal("batch_size", input.SymbolicDimensions[0]);
        Assert.Contains("MatMulNBits", session.LogitsSelection);
    }

    [Fact]
    public void A_model_opened_without_selection_computes_every_position()
    {
        using var model = LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions { IntraOpThreads = 1, SelectLogitsPositions = false });
        Assert.False(model.SelectsLogitsPositions);
        using var selecting = LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions { IntraOpThreads = 1 });
        Assert.True(selecting.SelectsLogitsPositions);
    }

    /// <summary>A model whose one node makes 'logits' with <paramref name="op"/> from inputs x and w.</summary>
    private static byte[] TinyModel(string op, string output = "logits", string input = "x", string[]? inputs = null)
    {
        var graph = new ProtoWriter();
        graph.Message(1, node =>
        {
            foreach (var name in inputs ?? ["x", "w"])
            {
                node.String(1, name);
            }
            node.String(2, output);
            node.String(4, op);
        });
        graph.String(2, "tiny");
        graph.Message(11, v => v.String(1, input));
        graph.Message(12, v => v.String(1, output));
        var model = new ProtoWriter();
        model.Varint(1, 10);
        model.Bytes(7, graph.Written);
        return model.Written.ToArray();
    }

    [Fact]
    public void A_head_the_rewrite_does_not_know_is_left_as_it_is_with_the_reason()
    {
        Assert.Null(LogitsIndexGraph.TryRewrite(TinyModel("Identity"), "logits", out var reason));
        Assert.Equal("the LM head producing 'logits' is Identity, not one of MatMul, MatMulNBits", reason);
        Assert.Null(LogitsIndexGraph.TryRewrite(TinyModel("MatMul", input: LogitsIndexGraph.InputName), "logits", out reason));
        Assert.Equal($"the graph already has an input named {LogitsIndexGraph.InputName}", reason);
        // A Cast without inputs cannot be followed back: the head is the Cast itself, refused, not a crash.
        Assert.Null(LogitsIndexGraph.TryRewrite(TinyModel("Cast", inputs: []), "logits", out reason));
        Assert.Contains("is Cast", reason);
        Assert.Null(LogitsIndexGraph.TryRewrite(TinyModel("MatMul", output: "hidden"), "logits", out reason));
        Assert.Contains("no node produces 'logits'", reason);
        Assert.Null(LogitsIndexGraph.TryRewrite(new ProtoWriter().Written.ToArray(), "logits", out reason));
        Assert.Equal("the model has no graph", reason);
    }

    [Fact]
    public void A_known_head_behind_a_cast_gets_the_gather_ahead_of_it_and_the_input_added()
    {
        var graph = new ProtoWriter();
        graph.Message(1, n => { n.String(1, "h"); n.String(1, "w"); n.String(2, "mm"); n.String(4, "MatMul"); });
        graph.Message(1, n => { n.String(1, "mm"); n.String(2, "logits"); n.String(4, "Cast"); });
        // logits: float16 [batch, sequence, 7]
        graph.Message(12, v =>
        {
            v.String(1, "logits");
            v.Message(2, t => t.Message(1, tensor =>
            {
                tensor.Varint(1, 10);
                tensor.Message(2, shape =>
                {
                    shape.Message(1, d => d.String(2, "b"));
                    shape.Message(1, d => d.String(2, "sequence"));
                    shape.Message(1, d => d.Varint(1, 7));
                });
            }));
        });
        var model = new ProtoWriter();
        model.Bytes(7, graph.Written);
        var rewritten = LogitsIndexGraph.TryRewrite(model.Written.ToArray(), "logits", out var reason);
        Assert.NotNull(rewritten);
        Assert.Equal($"logits computed only at the positions {LogitsIndexGraph.InputName} names (LM head MatMul '')", reason);
        var fields = ProtoReader.Fields(rewritten);
        var g = rewritten.AsSpan(fields.Single(f => f.Number == 7).Payload);
        var nodes = new List<(string Op, string[] Inputs, string Name)>();
        var inputs = new List<string>();
        var outputShapes = new List<(ulong ElementType, string[] Dims)>();
        var inputShapes = new List<string[]>();
        foreach (var f in ProtoReader.Fields(g))
        {
            var payload = g[f.Payload];
            var strings = ProtoReader.Fields(payload).Where(x => x.Type == WireType.LengthDelimited).ToList();
            if (f.Number == 1)
            {
                var list = new List<(int Number, string Value)>();
                foreach (var x in strings)
                {
                    list.Add((x.Number, x.Number is 1 or 2 or 4 ? ProtoReader.String(payload, x) : ""));
                }
                var name = "";
                foreach (var x in strings.Where(x => x.Number == 3))
                {
                    name = ProtoReader.String(payload, x);
                }
                nodes.Add((list.Single(x => x.Number == 4).Value, list.Where(x => x.Number == 1).Select(x => x.Value).ToArray(), name));
            }
            else if (f.Number == 11)
            {
                inputs.Add(ProtoReader.String(payload, strings.Single(x => x.Number == 1)));
                inputShapes.Add(Shape(payload).Dims);
            }
            else if (f.Number == 12)
            {
                outputShapes.Add(Shape(payload));
            }
        }
        Assert.Equal("/edgellm/logits_gather", nodes[0].Name);
        var output = Assert.Single(outputShapes);
        Assert.Equal(10UL, output.ElementType);
        Assert.Equal(["b", LogitsIndexGraph.CountDimension, "7"], output.Dims);
        Assert.Equal(["b", LogitsIndexGraph.CountDimension, "1"], inputShapes.Single());
        Assert.Equal(["GatherND", "MatMul", "Cast"], nodes.Select(n => n.Op));
        Assert.Equal(["h", LogitsIndexGraph.InputName], nodes[0].Inputs);
        Assert.Equal(["h/" + LogitsIndexGraph.InputName, "w"], nodes[1].Inputs);
        Assert.Equal([LogitsIndexGraph.InputName], inputs);
    }

    /// <summary>A ValueInfo's tensor element type and dimensions (a dim_param's name, or a dim_value's number).</summary>
    private static (ulong ElementType, string[] Dims) Shape(ReadOnlySpan<byte> valueInfo)
    {
        var type = valueInfo[ProtoReader.Fields(valueInfo).Single(f => f.Number == 2).Payload];
        var tensor = type[ProtoReader.Fields(type).Single(f => f.Number == 1).Payload];
        var fields = ProtoReader.Fields(tensor);
        var elementType = fields.Single(f => f.Number == 1).Varint;
        var shape = tensor[fields.Single(f => f.Number == 2).Payload];
        var dims = new List<string>();
        foreach (var d in ProtoReader.Fields(shape))
        {
            var dim = shape[d.Payload];
            var value = ProtoReader.Fields(dim).Single();
            dims.Add(value.Number == 2 ? ProtoReader.String(dim, value) : value.Varint.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return (elementType, dims.ToArray());
    }

    [Fact]
    public void Fields_of_every_wire_type_are_read_where_they_lie_and_varints_round_trip()
    {
        var w = new ProtoWriter();
        w.Varint(1, 300);
        w.Varint(2, ulong.MaxValue);
        w.Raw([(3 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8]);
        w.Raw([(4 << 3) | 5, 9, 9, 9, 9]);
        w.String(5, "hé");
        var bytes = w.Written.ToArray();
        var fields = ProtoReader.Fields(bytes);
        Assert.Equal([1, 2, 3, 4, 5], fields.Select(f => f.Number));
        Assert.Equal([WireType.Varint, WireType.Varint, WireType.Fixed64, WireType.Fixed32, WireType.LengthDelimited], fields.Select(f => f.Type));
        Assert.Equal(300UL, fields[0].Varint);
        Assert.Equal(ulong.MaxValue, fields[1].Varint);
        Assert.Equal((11, 9), (fields[1].End - fields[1].Start, fields[2].End - fields[2].Start));
        Assert.Equal(fields[2].End, fields[3].Start);
        Assert.Equal(fields[3].Start + 5, fields[3].End);
        Assert.Equal("hé", ProtoReader.String(bytes, fields[4]));
        Assert.Equal(bytes.Length, fields[4].End);
    }

    [Fact]
    public void Bytes_that_are_not_a_message_are_refused_by_the_reader()
    {
        // A length-delimited field 7 that claims 100 bytes where 2 remain.
        Assert.Throws<InvalidDataException>(() => LogitsIndexGraph.TryRewrite([0x3a, 100, 1, 2], "logits", out _));
        // Wire type 3 (groups) is not used by ONNX.
        Assert.Throws<InvalidDataException>(() => ProtoReader.Fields([0x0b]));
        // A varint that never ends.
        Assert.Equal("message ends inside a varint", Assert.Throws<InvalidDataException>(() => ProtoReader.Fields([0x08, 0xff])).Message);
        // A length one byte past the end: the message says what was claimed.
        Assert.Equal("field 7 at byte 0 claims 3 bytes; 2 remain", Assert.Throws<InvalidDataException>(() => ProtoReader.Fields([0x3a, 3, 1, 2])).Message);
        // Field number 0 does not exist.
        Assert.StartsWith("field number 0", Assert.Throws<InvalidDataException>(() => ProtoReader.Fields([0x00, 0x01])).Message);
        Assert.Contains("wire type 3", Assert.Throws<InvalidDataException>(() => ProtoReader.Fields([0x0b])).Message);
        // A fixed64 with three of its eight bytes.
        Assert.StartsWith("message ends inside a field", Assert.Throws<InvalidDataException>(() => ProtoReader.Fields([0x09, 1, 2, 3])).Message);
        // Eleven varint bytes, the last one ending it: longer than any 64-bit value.
        byte[] eleven = [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        Assert.StartsWith("varint longer than ten bytes", Assert.Throws<InvalidDataException>(() => ProtoReader.Fields(eleven)).Message);
    }
}
