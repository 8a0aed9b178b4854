using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Engine;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Onnx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// <c>EdgeLLM.Benchmarks binding [model-dir] [threads] [steps] [rounds]</c>: one decode step of a share-buffer GenAI model
/// (batch 1) through the official managed API (Microsoft.ML.OnnxRuntime) in three ways, in alternating rounds so that
/// load on a shared machine falls on all: the engine's own <see cref="SharedKvBatch"/>.Decode (prebuilt OrtIoBinding
/// over its native buffers, reused RunOptions; a prefill of 64 tokens before each round, so the steps cover positions
/// 64..64+steps), and at a fixed 64 cached positions over plain native buffers (past and present bound to the same KV
/// buffers) <c>RunWithBinding</c> and the plain <c>Run(names, OrtValues)</c>. Reports the median step time and the
/// managed bytes allocated per step (GC.GetAllocatedBytesForCurrentThread) of each.
/// </summary>
internal static unsafe class BindingStep
{
    private const int Past = 64;

    /// <summary>The share-buffer length: the KV buffers hold this many positions.</summary>
    private const int MaxLength = 512;

    public static int Run(string[] args)
    {
        var model = args.Length > 0 ? args[0] : Path.Combine(FindRepo(), "models-distilled", "iot-assist");
        var threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 300;
        var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 7;
        if (Past + steps >= MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(args), $"at most {MaxLength - Past - 1} steps per round");
        }
        OrtEnvironment.EnsureCreated();
        Console.WriteLine($"ONNX Runtime {OrtLibrary.Version} from {OrtLibrary.LibraryPath}; {model}; {threads} threads; {steps} steps x {rounds} rounds");

        var config = GenAiConfig.Load(Path.Combine(model, "genai_config.json"));
        using var session = ExecutionProviderSelector.Open(model, config, new ModelLoadOptions { IntraOpThreads = threads }, NullLogger.Instance).Session;
        using var batch = new SharedKvBatch(session, 1, MaxLength);
        var prompt = Enumerable.Range(0, Past).Select(i => 3 + i % 100).ToArray();
        var token = new int[1];

        // One native buffer per input and output for the fixed-position ways; present.N.* are the past_key_values.N.* buffers.
        var official = session.Session;
        var buffers = new List<(string Name, bool IsInput, TensorElementType Type, long[] Shape, IntPtr Data, long Bytes)>();
        foreach (var (name, meta, isInput) in official.InputMetadata.Select(p => (p.Key, p.Value, true)).Concat(official.OutputMetadata.Select(p => (p.Key, p.Value, false))))
        {
            var shape = Shape(name, meta);
            var bytes = shape.Aggregate(1L, (a, b) => a * b) * (meta.ElementDataType == TensorElementType.Int64 ? 8 : meta.ElementDataType == TensorElementType.Float16 ? 2 : 4);
            var data = (IntPtr)NativeMemory.AllocZeroed((nuint)bytes);
            buffers.Add((name, isInput, meta.ElementDataType, shape, data, bytes));
            if (name == "attention_mask")
            {
                new Span<long>((void*)data, Past + 1).Fill(1);
            }
        }
        var ids = (long*)buffers.Single(b => b.Name == "input_ids").Data;
        IntPtr DataFor(string name) => name.StartsWith("present.", StringComparison.Ordinal)
            ? buffers.Single(b => b.Name == "past_key_values." + name["present.".Length..]).Data
            : buffers.Single(b => b.Name == name).Data;
        var memory = OrtMemoryInfo.DefaultInstance;
        var inputs = buffers.Where(b => b.IsInput).Select(b => OrtValue.CreateTensorValueWithData(memory, b.Type, b.Shape, b.Data, b.Bytes)).ToArray();
        var outputs = buffers.Where(b => !b.IsInput).Select(b => OrtValue.CreateTensorValueWithData(memory, b.Type, b.Shape, DataFor(b.Name), b.Bytes)).ToArray();
        var inputNames = buffers.Where(b => b.IsInput).Select(b => b.Name).ToArray();
        var outputNames = buffers.Where(b => !b.IsInput).Select(b => b.Name).ToArray();
        using var binding = official.CreateIoBinding();
        for (var i = 0; i < inputs.Length; i++)
        {
            binding.BindInput(inputNames[i], inputs[i]);
        }
        for (var i = 0; i < outputs.Length; i++)
        {
            binding.BindOutput(outputNames[i], outputs[i]);
        }
        var runOptions = session.RunOptions;

        var ways = new (string Name, Action Prepare, Action<int> Step)[]
        {
            ("engine: SharedKvBatch.Decode (OrtIoBinding), positions 64..", () => { batch.Reset(0); batch.Prefill(0, prompt); },
                s => { token[0] = 3 + s % 100; batch.Decode(token); }),
            ("official: RunWithBinding(RunOptions, OrtIoBinding), 64 positions", () => { }, s => { ids[0] = 3 + s % 100; official.RunWithBinding(runOptions, binding); }),
            ("official: Run(RunOptions, names, OrtValues), 64 positions", () => { }, s => { ids[0] = 3 + s % 100; official.Run(runOptions, inputNames, inputs, outputNames, outputs); }),
        };
        var times = ways.Select(_ => new List<double>()).ToArray();
        var allocated = new long[ways.Length];
        foreach (var (_, prepare, step) in ways)
        {
            prepare();
            for (var i = 0; i < 30; i++)
            {
                step(i);
            }
        }
        for (var r = 0; r < rounds; r++)
        {
            for (var w = 0; w < ways.Length; w++)
            {
                ways[w].Prepare();
                var step = ways[w].Step;
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var started = Stopwatch.GetTimestamp();
                for (var s = 0; s < steps; s++)
                {
                    step(s);
                }
                var elapsed = Stopwatch.GetElapsedTime(started);
                allocated[w] += GC.GetAllocatedBytesForCurrentThread() - bytes;
                times[w].Add(elapsed.TotalMilliseconds * 1000 / steps);
            }
        }
        var baseline = Median(times[0]);
        for (var w = 0; w < ways.Length; w++)
        {
            var median = Median(times[w]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{ways[w].Name,-66} step {median,8:F1} us (min {times[w].Min(),8:F1}, max {times[w].Max(),8:F1})  {(median / baseline - 1) * 100,6:+0.0;-0.0} %  allocated {allocated[w] / (double)(steps * rounds),6:F1} B/step"));
        }
        foreach (var v in inputs.Concat(outputs))
        {
            v.Dispose();
        }
        foreach (var b in buffers)
        {
            NativeMemory.Free((void*)b.Data);
        }
        return 0;
    }

    private static long[] Shape(string name, NodeMetadata meta) => name switch
    {
        "input_ids" or "position_ids" => [1, 1],
        "attention_mask" => [1, MaxLength],
        "logits" => [1, 1, meta.Dimensions[^1]],
        _ when name.StartsWith("past_key_values.", StringComparison.Ordinal) || name.StartsWith("present.", StringComparison.Ordinal) => [1, meta.Dimensions[1], MaxLength, meta.Dimensions[3]],
        _ => throw new InvalidOperationException($"{name}: not an input or output of a GenAI decoder"),
    };

    private static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "EdgeLLM.sln")))
            {
                return d.FullName;
            }
        }
        throw new DirectoryNotFoundException("EdgeLLM.sln not found");
    }
}
