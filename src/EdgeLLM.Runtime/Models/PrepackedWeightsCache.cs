using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeLLM.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Models;

/// <summary>
/// The decoder's weights in the form ONNX Runtime's CPU kernels compute with, saved once per model, device and runtime
/// and mapped on every later load. Opening a session prepacks every <c>MatMulNBits</c> weight into MLAS's layout: on
/// qwen2.5-0.5b that is ~370 MiB of new memory built while the file pages being read are resident beside it, so loading
/// peaks ~120 MiB above the runs, and takes seconds of CPU. Saved (ONNX Runtime's
/// <c>session.save_external_prepacked_constant_initializers</c>), a later load maps the packed bytes and reads nothing
/// until a run touches them: the loading peak falls to the runtime's and the load to a fraction of a second.
/// </summary>
/// <remarks>
/// One entry per model directory: <c>ROOT/NAME-KEY/</c> with <c>model.onnx</c>, <c>model.data</c> and a manifest written
/// last, the folder renamed into place whole, so a crash leaves a <c>.saving-*</c> folder that the next save clears,
/// never a half entry. The key covers what the packed form depends on: the model's files (names, sizes, times), ONNX
/// Runtime's version, the CPU's feature flags (MLAS packs for the instructions it found), EdgeLLM's load-time edits and
/// the session's graph settings; another key means another entry, and a save removes the model's older entries. The
/// data file holds the originals too (ONNX Runtime reads them on load to check that the packed form is theirs; with
/// their bytes gone it packs again from what it reads), about 2.4× the weights on disk in all. Used only for models of at least
/// <see cref="ModelLoadOptions.PrepackedWeightsMinBytes"/> on the CPU provider.
/// </remarks>
internal sealed class PrepackedWeightsCache
{
    /// <summary>Bumped when EdgeLLM's load-time edits change what a saved graph holds.</summary>
    private const int FormatVersion = 1;
    private const string ModelFile = "model.onnx";
    private const string DataFile = "model.data";
    private const string ManifestFile = "edgellm-prepacked.json";
    private const string SavingPrefix = ".saving-";

    /// <summary>The entry holds the originals and the packed form: about 2.4× the weights on qwen2.5-0.5b; 3× leaves the
    /// device's disk room.</summary>
    private const int FreeSpaceFactor = 3;

    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    private PrepackedWeightsCache(string root, string modelDirectory, long weightsBytes, string key)
    {
        Root = root;
        ModelDirectory = modelDirectory;
        WeightsBytes = weightsBytes;
        Entry = Path.Combine(root, $"{Sanitized(Path.GetFileName(modelDirectory))}-{key}");
    }

    public string Root { get; }

    /// <summary>The model's directory, full path.</summary>
    public string ModelDirectory { get; }

    public long WeightsBytes { get; }

    /// <summary>The folder this model's saved form has (or would have) under this key.</summary>
    public string Entry { get; }

    /// <summary>The saved decoder to load, when a complete entry exists.</summary>
    public string? Saved =>
        File.Exists(Path.Combine(Entry, ManifestFile)) && File.Exists(Path.Combine(Entry, DataFile)) && File.Exists(Path.Combine(Entry, ModelFile))
            ? Path.Combine(Entry, ModelFile)
            : null;

    /// <summary>
    /// The cache for <paramref name="modelDirectory"/> loaded with <paramref name="options"/>, or null with the reason when
    /// it does not apply (turned off, a small model).
    /// </summary>
    public static PrepackedWeightsCache? For(string modelDirectory, GenAiConfig config, ModelLoadOptions options, out string? reason)
    {
        reason = null;
        if (options.PrepackedWeightsDirectory is not { Length: > 0 } root)
        {
            reason = "prepacked weights are not saved (turned off)";
            return null;
        }
        var directory = Path.GetFullPath(modelDirectory);
        var weights = Models.ModelDirectory.WeightsBytes(directory);
        if (weights < options.PrepackedWeightsMinBytes)
        {
            reason = string.Create(CultureInfo.InvariantCulture,
                $"prepacked weights are not saved for a model of {weights / 1048576.0:F1} MiB (below {options.PrepackedWeightsMinBytes / 1048576.0:F0} MiB)");
            return null;
        }
        return new PrepackedWeightsCache(Path.GetFullPath(root), directory, weights, Key(directory, config, options));
    }

    /// <summary>Whether there is room to save, or why not.</summary>
    public string? CannotSave()
    {
        try
        {
            Directory.CreateDirectory(Root);
            return NoRoom(Root, new DriveInfo(Root).AvailableFreeSpace, WeightsBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return $"{Root}: {e.Message}";
        }
    }

    /// <summary>Why <paramref name="free"/> bytes at <paramref name="root"/> are too few to save a model of
    /// <paramref name="weights"/> bytes; null when they are enough.</summary>
    internal static string? NoRoom(string root, long free, long weights) =>
        free >= FreeSpaceFactor * weights ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"{root} has {free / 1048576.0:F0} MiB free; saving needs {FreeSpaceFactor * weights / 1048576.0:F0} MiB");

    /// <summary>A fresh folder to save into; <see cref="Saving.Apply"/> points the session's options at it.</summary>
    public Saving BeginSave()
    {
        ClearAbandoned();
        var folder = Path.Combine(Root, SavingPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new Saving(this, folder);
    }

    /// <summary>Removes this key's entry (a saved form that would not load).</summary>
    public void Discard() => DeleteQuietly(Entry);

    private void ClearAbandoned()
    {
        foreach (var folder in Directory.EnumerateDirectories(Root, SavingPrefix + "*"))
        {
            if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > AbandonedAfter)
            {
                DeleteQuietly(folder);
            }
        }
    }

    /// <summary>This model's other entries: what earlier versions of it, or another runtime, saved.</summary>
    private IEnumerable<string> OlderEntries()
    {
        foreach (var folder in Directory.EnumerateDirectories(Root))
        {
            if (folder == Entry || Path.GetFileName(folder).StartsWith(SavingPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            if (Manifest.Read(Path.Combine(folder, ManifestFile))?.ModelDirectory == ModelDirectory)
            {
                yield return folder;
            }
        }
    }

    private static string Key(string directory, GenAiConfig config, ModelLoadOptions options)
    {
        string[] cpuinfo;
        try
        {
            cpuinfo = File.ReadAllLines("/proc/cpuinfo");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            cpuinfo = [];
        }
        var files = new DirectoryInfo(directory).EnumerateFiles().Where(f => Models.ModelDirectory.IsWeightFile(f.Name))
            .Select(f => (f.Name, f.Length, f.LastWriteTimeUtc.Ticks));
        var session = config.Model.Decoder.SessionOptions;
        return KeyOf(OrtLibrary.Version, CpuFeatures(cpuinfo), options.SelectLogitsPositions,
            session.OrtGraphOptimizationLevel.ToString(), session.ConfigEntries, files);
    }

    /// <summary>The entry's key from everything the saved form depends on; the order of entries and files does not count.</summary>
    internal static string KeyOf(string onnxRuntime, string cpu, bool selectLogits, string graphOptimization,
        IEnumerable<KeyValuePair<string, string>> configEntries, IEnumerable<(string Name, long Length, long Ticks)> files)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"format {FormatVersion}\n");
        text.Append(CultureInfo.InvariantCulture, $"onnxruntime {onnxRuntime}\n");
        text.Append(CultureInfo.InvariantCulture, $"cpu {cpu}\n");
        text.Append(CultureInfo.InvariantCulture, $"select-logits {selectLogits}\n");
        text.Append(CultureInfo.InvariantCulture, $"graph-optimization {graphOptimization}\n");
        foreach (var (k, v) in configEntries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"entry {k}={v}\n");
        }
        foreach (var (name, length, ticks) in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"file {name} {length} {ticks}\n");
        }
        return Fnv1a64(Encoding.UTF8.GetBytes(text.ToString())).ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// FNV-1a: the key names a folder of this device's own cache, not a trust decision (nothing loaded is trusted more
    /// for it), so a non-cryptographic hash does; .NET's SHA-256 here would load OpenSSL into the service for it
    /// (3.6 MiB resident, measured).
    /// </summary>
    private static ulong Fnv1a64(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }

    /// <summary>The CPU's feature flags from the lines of <c>/proc/cpuinfo</c> (x86 <c>flags</c>, arm64 <c>Features</c>),
    /// else the process's architecture.</summary>
    internal static string CpuFeatures(IEnumerable<string> cpuinfo) =>
        cpuinfo.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal))
        ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>A model folder's name as an entry's: letters, digits, '.', '_' and '-' kept, anything else '_'.</summary>
    internal static string Sanitized(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());
    private static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next save to clear; loading goes on either way.
        }
    }

    /// <summary>One save in progress: the folder ONNX Runtime writes into while the session opens.</summary>
    public sealed class Saving
    {
        private readonly PrepackedWeightsCache _cache;

        internal Saving(PrepackedWeightsCache cache, string folder)
        {
            _cache = cache;
            Folder = folder;
        }

        public string Folder { get; }

        /// <summary>Asks the session being opened with <paramref name="options"/> to write its optimized graph and
        /// packed weights here.</summary>
        public void Apply(SessionOptions options)
        {
            options.OptimizedModelFilePath = Path.Combine(Folder, ModelFile);
            options.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", DataFile);
            options.AddSessionConfigEntry("session.save_external_prepacked_constant_initializers", "1");
        }

        /// <summary>
        /// Once the session has opened: writes the manifest and moves the
        /// folder into place, then removes the model's older entries. Returns what was saved, or why nothing was.
        /// </summary>
        public string Commit()
        {
            try
            {
                var model = Path.Combine(Folder, ModelFile);
                var data = Path.Combine(Folder, DataFile);
                if (!File.Exists(model) || !File.Exists(data))
                {
                    Discard();
                    return "ONNX Runtime saved no external data (nothing prepacked)";
                }
                var size = new FileInfo(data).Length;
                var manifest = new Manifest(_cache.ModelDirectory, OrtLibrary.Version, size, DateTime.UtcNow);
                File.WriteAllText(Path.Combine(Folder, ManifestFile), JsonSerializer.Serialize(manifest, PrepackedJson.Default.Manifest));
                DeleteQuietly(_cache.Entry);
                Directory.Move(Folder, _cache.Entry);
                foreach (var older in _cache.OlderEntries().ToList())
                {
                    DeleteQuietly(older);
                }
                return string.Create(CultureInfo.InvariantCulture,
                    $"prepacked weights saved to {_cache.Entry} ({size / 1048576.0:F1} MiB)");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Discard();
                return $"prepacked weights not saved: {e.Message}";
            }
        }

        /// <summary>Removes what this save wrote (the session failed to open, or the commit did).</summary>
        public void Discard() => DeleteQuietly(Folder);
    }

    /// <summary>What an entry says about itself; written last, so its presence marks a complete entry.</summary>
    internal sealed record Manifest(string ModelDirectory, string OnnxRuntime, long DataBytes, DateTime SavedUtc)
    {
        public static Manifest? Read(string path)
        {
            try
            {
                return JsonSerializer.Deserialize(File.ReadAllText(path), PrepackedJson.Default.Manifest);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                return null;
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(PrepackedWeightsCache.Manifest))]
internal sealed partial class PrepackedJson : System.Text.Json.Serialization.JsonSerializerContext;
