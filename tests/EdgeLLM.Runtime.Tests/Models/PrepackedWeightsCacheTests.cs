using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Onnx;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Tests.Scheduling;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Tests.Models;

/// <summary>
/// The decoder's prepacked weights saved on a first load and mapped on later ones (<see cref="PrepackedWeightsCache"/>):
/// the mapped decoder answers as the one that prepacked its own weights, a changed model gets a new entry and loses the
/// old, and a broken entry or an unusable folder costs the load nothing but the saved form.
/// </summary>
public sealed class PrepackedWeightsCacheTests : IDisposable
{
    private const int PrepackedEvent = 1108;
    private const int UnusableEvent = 1109;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "edgellm-prepacked-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _copies = [];

    public void Dispose()
    {
        foreach (var dir in _copies.Append(_root))
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private ModelLoadOptions Cached(string? root = null) => new()
    {
        IntraOpThreads = 1,
        HugePages = false,
        PrepackedWeightsDirectory = root ?? _root,
        PrepackedWeightsMinBytes = 0,
    };

    private static DecoderSession Open(string dir, ModelLoadOptions options, RecordingLogger? logger = null) =>
        ExecutionProviderSelector.Open(dir, GenAiConfig.Load(Path.Combine(dir, "genai_config.json")), options, logger ?? new RecordingLogger()).Session;

    private static string PrepackedLog(RecordingLogger logger)
    {
        var message = Assert.Single(logger.Entries, e => e.EventId == PrepackedEvent).Message;
        Assert.StartsWith("Decoder weights: ", message, StringComparison.Ordinal);
        return message["Decoder weights: ".Length..];
    }

    /// <summary>A copy of a committed model whose files this test may change.</summary>
    private string CopyOf(string model)
    {
        var copy = Path.Combine(Path.GetTempPath(), "edgellm-model-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(model))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        _copies.Add(copy);
        return copy;
    }

    private static List<int> Greedy(DecoderSession session, bool shared, int[] prompt, int maxNew)
    {
        using IDecodeBatch batch = shared ? new SharedKvBatch(session, 1, 512) : new GrowingKvBatch(session, 512);
        var eos = session.Config.Model.EosTokenIds.ToHashSet();
        batch.Reset(0);
        batch.Prefill(0, prompt);
        var ids = new List<int>();
        while (ids.Count < maxNew)
        {
            var token = TokenSampler.ArgMax(batch.Logits(0));
            ids.Add(token);
            if (eos.Contains(token))
            {
                break;
            }
            batch.Decode([token]);
        }
        return ids;
    }

    public static TheoryData<string, bool> ModelsAndKvStyles() => new()
    {
        { TestPaths.DefaultModel, true },
        { TestPaths.DefaultModel, false },
        { TestPaths.Fp16KvModel, true },
        { TestPaths.ProModel, false },
    };

    [Theory]
    [MemberData(nameof(ModelsAndKvStyles))]
    public void The_mapped_decoder_answers_as_the_one_that_prepacked_its_own_weights(string dir, bool shared)
    {
        var (maxNew, cases) = SmokeCase.Load(dir);
        using var own = Open(dir, Cached(root: null) with { PrepackedWeightsDirectory = null });
        var saving = new RecordingLogger();
        using (var first = Open(dir, Cached(), saving))
        {
            Assert.StartsWith("prepacked weights saved to ", PrepackedLog(saving), StringComparison.Ordinal);
            Assert.Equal(0, first.MappedWeightBytes);
            // The session that saved serves too.
            Assert.Equal(Greedy(own, shared, cases[0].PromptIds, maxNew), Greedy(first, shared, cases[0].PromptIds, maxNew));
        }
        var mapping = new RecordingLogger();
        using var mapped = Open(dir, Cached(), mapping);
        Assert.StartsWith("prepacked weights mapped from ", PrepackedLog(mapping), StringComparison.Ordinal);
        Assert.Equal(own.SelectsLogitsPositions, mapped.SelectsLogitsPositions);
        var data = new FileInfo(Path.Combine(Assert.Single(Directory.GetDirectories(_root)), "model.data")).Length;
        Assert.InRange(mapped.MappedWeightBytes, 1, data - 1);
        foreach (var c in cases)
        {
            Assert.Equal(Greedy(own, shared, c.PromptIds, maxNew), Greedy(mapped, shared, c.PromptIds, maxNew));
        }
    }

    [Fact]
    public void A_changed_model_gets_a_new_entry_and_its_old_one_is_removed()
    {
        var model = CopyOf(TestPaths.DefaultModel);
        using (Open(model, Cached()))
        {
        }
        var old = Assert.Single(Directory.GetDirectories(_root));
        Assert.StartsWith(Path.GetFileName(model) + "-", Path.GetFileName(old), StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(model), File.ReadAllText(Path.Combine(old, "edgellm-prepacked.json")), StringComparison.Ordinal);

        // An update in place (an OTA swap keeps the folder's name, not the files' times).
        File.SetLastWriteTimeUtc(Path.Combine(model, "model.onnx"), DateTime.UtcNow.AddMinutes(1));
        var logger = new RecordingLogger();
        using (Open(model, Cached(), logger))
        {
            Assert.StartsWith("prepacked weights saved to ", PrepackedLog(logger), StringComparison.Ordinal);
        }
        var current = Assert.Single(Directory.GetDirectories(_root));
        Assert.NotEqual(old, current);
    }

    [Fact]
    public void Another_models_entry_is_kept()
    {
        using (Open(TestPaths.DefaultModel, Cached()))
        {
        }
        using (Open(TestPaths.ProModel, Cached()))
        {
        }
        Assert.Equal(2, Directory.GetDirectories(_root).Length);
    }

    [Fact]
    public void A_saved_form_that_does_not_load_is_removed_and_saved_again()
    {
        var (maxNew, cases) = SmokeCase.Load(TestPaths.DefaultModel);
        using (Open(TestPaths.DefaultModel, Cached()))
        {
        }
        var entry = Assert.Single(Directory.GetDirectories(_root));
        var data = Path.Combine(entry, "model.data");
        using (var stream = File.Open(data, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }
        var logger = new RecordingLogger();
        using var session = Open(TestPaths.DefaultModel, Cached(), logger);
        var warning = Assert.Single(logger.Entries, e => e.EventId == UnusableEvent);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(entry, warning.Message, StringComparison.Ordinal);
        Assert.StartsWith("prepacked weights saved to ", PrepackedLog(logger), StringComparison.Ordinal);
        Assert.True(new FileInfo(data).Length > 0 && File.Exists(Path.Combine(entry, "edgellm-prepacked.json")));
        using var own = Open(TestPaths.DefaultModel, Cached() with { PrepackedWeightsDirectory = null });
        Assert.Equal(Greedy(own, true, cases[0].PromptIds, maxNew), Greedy(session, true, cases[0].PromptIds, maxNew));
    }

    [Fact]
    public void An_unusable_folder_leaves_the_load_as_without_it()
    {
        Directory.CreateDirectory(_root);
        var blocked = Path.Combine(_root, "a-file");
        File.WriteAllText(blocked, "not a folder");
        var logger = new RecordingLogger();
        using var session = Open(TestPaths.DefaultModel, Cached(blocked), logger);
        Assert.StartsWith($"{blocked}: ", PrepackedLog(logger), StringComparison.Ordinal);
        Assert.Equal(0, session.MappedWeightBytes);
        Assert.Equal(["a-file"], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void A_model_below_the_minimum_or_a_cache_turned_off_saves_nothing()
    {
        var small = new RecordingLogger();
        using (Open(TestPaths.DefaultModel, Cached() with { PrepackedWeightsMinBytes = 1L << 40 }, small))
        {
            Assert.Matches(@"^prepacked weights are not saved for a model of \d+\.\d MiB \(below 1048576 MiB\)$", PrepackedLog(small));
        }
        var off = new RecordingLogger();
        using (Open(TestPaths.DefaultModel, Cached() with { PrepackedWeightsDirectory = "" }, off))
        {
            Assert.Equal("prepacked weights are not saved (turned off)", PrepackedLog(off));
        }
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public void An_abandoned_save_is_cleared_by_the_next_one_and_a_recent_one_is_left()
    {
        var abandoned = Directory.CreateDirectory(Path.Combine(_root, ".saving-abandoned")).FullName;
        Directory.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddHours(-2));
        var recent = Directory.CreateDirectory(Path.Combine(_root, ".saving-recent")).FullName;
        using (Open(TestPaths.DefaultModel, Cached()))
        {
        }
        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(recent));
    }

    [Fact]
    public void An_entry_without_its_manifest_is_saved_again_and_not_loaded()
    {
        using (Open(TestPaths.DefaultModel, Cached()))
        {
        }
        var entry = Assert.Single(Directory.GetDirectories(_root));
        File.Delete(Path.Combine(entry, "edgellm-prepacked.json"));
        var logger = new RecordingLogger();
        using (var session = Open(TestPaths.DefaultModel, Cached(), logger))
        {
            var saved = PrepackedLog(logger);
            var size = new FileInfo(Path.Combine(entry, "model.data")).Length;
            Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"prepacked weights saved to {entry} ({size / 1048576.0:F1} MiB)"), saved);
            Assert.DoesNotContain(logger.Entries, e => e.EventId == UnusableEvent);
        }
        Assert.True(File.Exists(Path.Combine(entry, "edgellm-prepacked.json")));
    }

    [Fact]
    public void A_model_exactly_at_the_minimum_is_saved_and_one_byte_under_it_is_not()
    {
        var weights = ModelDirectory.WeightsBytes(TestPaths.DefaultModel);
        var at = new RecordingLogger();
        using (Open(TestPaths.DefaultModel, Cached() with { PrepackedWeightsMinBytes = weights }, at))
        {
            Assert.StartsWith("prepacked weights saved to ", PrepackedLog(at), StringComparison.Ordinal);
        }
        var under = new RecordingLogger();
        using (Open(TestPaths.DefaultModel, Cached() with { PrepackedWeightsMinBytes = weights + 1 }, under))
        {
            Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"prepacked weights are not saved for a model of {weights / 1048576.0:F1} MiB (below {(weights + 1) / 1048576.0:F0} MiB)"), PrepackedLog(under));
        }
    }

    [Fact]
    public void A_folder_with_an_unreadable_manifest_is_left_alone()
    {
        var foreign = Directory.CreateDirectory(Path.Combine(_root, "something-else")).FullName;
        File.WriteAllText(Path.Combine(foreign, "edgellm-prepacked.json"), "{ not json");
        using (Open(TestPaths.DefaultModel, Cached()))
        {
        }
        Assert.True(Directory.Exists(foreign));
        Assert.Equal(2, Directory.GetDirectories(_root).Length);
    }

    [Fact]
    public void Saving_needs_three_times_the_weights_free()
    {
        Assert.Null(PrepackedWeightsCache.NoRoom("/c", 3L << 20, 1L << 20));
        Assert.Equal("/c has 3 MiB free; saving needs 3 MiB", PrepackedWeightsCache.NoRoom("/c", (3L << 20) - 1, 1L << 20));
        Assert.Equal("/c has 10 MiB free; saving needs 60 MiB", PrepackedWeightsCache.NoRoom("/c", 10L << 20, 20L << 20));
    }

    [Fact]
    public void The_key_changes_with_each_thing_the_saved_form_depends_on_and_not_with_their_order()
    {
        (string, long, long)[] files = [("model.onnx", 10, 1), ("model.onnx_data", 20, 2)];
        KeyValuePair<string, string>[] entries = [new("a", "1"), new("b", "2")];
        string Key(string ort = "1.31.1", string cpu = "flags: avx2", bool select = true, string level = "ORT_ENABLE_ALL",
            KeyValuePair<string, string>[]? e = null, (string, long, long)[]? f = null) =>
            PrepackedWeightsCache.KeyOf(ort, cpu, select, level, e ?? entries, f ?? files);

        var key = Key();
        Assert.Matches("^[0-9a-f]{16}$", key);
        Assert.Equal(key, Key(e: [entries[1], entries[0]], f: [files[1], files[0]]));
        string[] others =
        [
            Key(ort: "1.32.0"), Key(cpu: "flags: avx512f"), Key(select: false), Key(level: "ORT_ENABLE_EXTENDED"),
            Key(e: [new("a", "1")]), Key(e: [new("a", "1"), new("b", "3")]),
            Key(f: [files[0]]), Key(f: [files[0], ("model.onnx_data", 21, 2)]), Key(f: [files[0], ("model.onnx_data", 20, 3)]),
            Key(f: [files[0], ("other.onnx_data", 20, 2)]),
        ];
        Assert.DoesNotContain(key, others);
        Assert.Equal(others.Length, others.Distinct().Count());
    }

    [Fact]
    public void The_cpu_is_named_by_its_feature_flags()
    {
        Assert.Equal("flags\t\t: fpu avx2", PrepackedWeightsCache.CpuFeatures(["processor\t: 0", "flags\t\t: fpu avx2", "flags\t\t: other"]));
        Assert.Equal("Features\t: fp asimd sve", PrepackedWeightsCache.CpuFeatures(["processor\t: 0", "BogoMIPS\t: 50", "Features\t: fp asimd sve"]));
        Assert.Equal(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(), PrepackedWeightsCache.CpuFeatures(["processor\t: 0"]));
    }

    [Fact]
    public void An_entry_is_named_after_its_model_folder_in_plain_characters() =>
        Assert.Equal("iot-assist_v1.2__x_", PrepackedWeightsCache.Sanitized("iot-assist v1.2:/x\u00e9"));

    [Theory]
    [InlineData("MatMulNBits+17947744586097806528|137187328;102101118;0", 102101118)]
    [InlineData("|0;5", 5)]
    [InlineData("K+1|0;4096", 4096)]
    [InlineData("K+1|0", 0)]
    [InlineData("no separator", 0)]
    [InlineData("K+1|0;-5;0", 0)]
    [InlineData(null, 0)]
    public void A_prepacked_entrys_length_is_read_from_its_value(string? value, long length) =>
        Assert.Equal(length, SavedPrepackedWeights.Length(value));
}
