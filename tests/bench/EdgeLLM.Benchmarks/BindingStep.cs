using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EdgeLLM.Onnx;
using Official = Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// <c>EdgeLLM.Benchmarks binding [model-dir|file.onnx] [threads] [steps] [rounds]</c>: one decode step of a share-buffer GenAI model
/// (batch 1, 64 cached positions, past and present bound to the same KV buffers) through EdgeLLM's own binding and
/// through the official managed API (Microsoft.ML.OnnxRuntime: OrtValue over the same native memory, OrtIoBinding,
/// RunOptions). Same library file, same session settings, same buffers; the two run in alternating rounds so that
/// load on a shared machine falls on both. Reports the median step time and the managed bytes allocated per step
/// (GC.GetAllocatedBytesForCurrentThread) of each way to run. Given a tiny graph instead (tests/EdgeLLM.Onnx.Tests/Models/
/// add.onnx), the step is almost all binding, which measures each way's cost per call on its own.
/// </summary>
internal static unsafe class BindingStep
{
    private const int Past = 64;

    public static int Run(string[] args)
    {
        var model = args.Length > 0 ? args[0] : Path.Combine(FindRepo(), "models-distilled", "iot-assist");
        var threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        var steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 300;
        var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 7;
        var path = Directory.Exists(model) ? Path.Combine(model, "model.onnx") : model;
        OrtLibrary.EnsureLoaded();
        Console.WriteLine($"ONNX Runtime {OrtLibrary.Version} from {OrtLibrary.LibraryPath}; {path}; {threads} threads; {steps} steps x {rounds} rounds");

        using var ownOptions = new SessionOptions().SetIntraOpThreads(threads).SetInterOpThreads(1).EnableCpuMemArena(false)
            .AddConfigEntry("session.intra_op.allow_spinning", "1").AddConfigEntry("session.force_spinning_stop", "1").AddConfigEntry("session.inter_op.allow_spinning", "0");
        using var own = new InferenceSession(path, ownOptions);
        using var officialOptions = new Official.SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, EnableCpuMemArena = false };
        officialOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "1");
        officialOptions.AddSessionConfigEntry("session.force_spinning_stop", "1");
        officialOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        using var official = new Official.InferenceSession(path, officialOptions);

        // One native buffer per input and output, shared by both bindings.
        var buffers = new List<(string Name, bool IsInput, TensorElementType Type, long[] Shape, IntPtr Data, long Bytes)>();
        foreach (var (meta, isInput) in own.Inputs.Select(m => (m, true)).Concat(own.Outputs.Select(m => (m, false))))
        {
            var shape = Shape(meta.Name, meta.Shape.ToArray(), official);
            var bytes = shape.Aggregate(1L, (a, b) => a * b) * ElementSize(meta.ElementType);
            var data = (IntPtr)NativeMemory.AllocZeroed((nuint)bytes);
            buffers.Add((meta.Name, isInput, meta.ElementType, shape, data, bytes));
            if (meta.Name == "attention_mask")
            {
                new Span<long>((void*)data, Past + 1).Fill(1);
            }
        }
        // The token id changes every step, as in decoding (a scratch cell for graphs without input_ids).
        var ids = buffers.Any(b => b.Name == "input_ids") ? (long*)buffers.Single(b => b.Name == "input_ids").Data : (long*)NativeMemory.AllocZeroed(8);
        // Share-buffer decoding: present.N.* are the past_key_values.N.* buffers.
        IntPtr DataFor(string name) => name.StartsWith("present.", StringComparison.Ordinal)
            ? buffers.Single(b => b.Name == "past_key_values." + name["present.".Length..]).Data
            : buffers.Single(b => b.Name == name).Data;

        var ownInputs = buffers.Where(b => b.IsInput).Select(b => OrtValue.CreateTensor(b.Data, b.Bytes, b.Type, b.Shape)).ToArray();
        var ownOutputs = buffers.Where(b => !b.IsInput).Select(b => OrtValue.CreateTensor(DataFor(b.Name), b.Bytes, b.Type, b.Shape)).ToArray();
        using var ownInputNames = new OrtNames(buffers.Where(b => b.IsInput).Select(b => b.Name).ToList());
        using var ownOutputNames = new OrtNames(buffers.Where(b => !b.IsInput).Select(b => b.Name).ToList());
        using var ownBinding = own.CreateIoBinding();
        for (var i = 0; i < ownInputs.Length; i++)
        {
            ownBinding.BindInput(ownInputNames[i], ownInputs[i]);
        }
        for (var i = 0; i < ownOutputs.Length; i++)
        {
            ownBinding.BindOutput(ownOutputNames[i], ownOutputs[i]);
        }

        var memory = Official.OrtMemoryInfo.DefaultInstance;
        var officialInputs = buffers.Where(b => b.IsInput).Select(b => Official.OrtValue.CreateTensorValueWithData(memory, OfficialType(b.Type), b.Shape, b.Data, b.Bytes)).ToArray();
        var officialOutputs = buffers.Where(b => !b.IsInput).Select(b => Official.OrtValue.CreateTensorValueWithData(memory, OfficialType(b.Type), b.Shape, DataFor(b.Name), b.Bytes)).ToArray();
        var inputNames = buffers.Where(b => b.IsInput).Select(b => b.Name).ToArray();
        var outputNames = buffers.Where(b => !b.IsInput).Select(b => b.Name).ToArray();
        using var runOptions = new Official.RunOptions();
        using var officialBinding = official.CreateIoBinding();
        for (var i = 0; i < officialInputs.Length; i++)
        {
            officialBinding.BindInput(inputNames[i], officialInputs[i]);
        }
        for (var i = 0; i < officialOutputs.Length; i++)
        {
            officialBinding.BindOutput(outputNames[i], officialOutputs[i]);
        }

        var ways = new (string Name, Action Step)[]
        {
            ("own binding: Run(OrtNames, OrtValue spans) [the engine's path]", () => own.Run(ownInputNames, ownInputs, ownOutputNames, ownOutputs)),
            ("own binding: RunWithBinding(IoBinding)", () => own.RunWithBinding(ownBinding)),
            ("official: RunWithBinding(RunOptions, OrtIoBinding)", () => official.RunWithBinding(runOptions, officialBinding)),
            ("official: Run(RunOptions, names, OrtValues, names, OrtValues)", () => official.Run(runOptions, inputNames, officialInputs, outputNames, officialOutputs)),
        };
        var times = ways.Select(_ => new List<double>()).ToArray();
        var allocated = new long[ways.Length];
        foreach (var (_, step) in ways)
        {
            for (var i = 0; i < 30; i++)
            {
                step();
            }
        }
        for (var r = 0; r < rounds; r++)
        {
            for (var w = 0; w < ways.Length; w++)
            {
                var step = ways[w].Step;
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var started = Stopwatch.GetTimestamp();
                for (var s = 0; s < steps; s++)
                {
                    ids[0] = 3 + (s % 100);
                    step();
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
        return 0;
    }

    private static long[] Shape(string name, long[] declared, Official.InferenceSession official)
    {
        var meta = official.InputMetadata.TryGetValue(name, out var m) ? m : official.OutputMetadata[name];
        return name switch
        {
            "input_ids" or "position_ids" => [1, 1],
            "attention_mask" => [1, MaxLength],
            "logits" => [1, 1, declared[^1] > 0 ? declared[^1] : meta.Dimensions[^1]],
            _ when name.StartsWith("past_key_values.", StringComparison.Ordinal) || name.StartsWith("present.", StringComparison.Ordinal) => [1, declared[1], MaxLength, declared[3]],
            // Any other graph (the binding tests' add.onnx measures the per-call cost alone): symbolic dimensions are 1.
            _ => declared.Select(d => d > 0 ? d : 1).ToArray(),
        };
    }

    /// <summary>The share-buffer length: the KV buffers hold this many positions.</summary>
    private const int MaxLength = 512;

    private static Official.Tensors.TensorElementType OfficialType(TensorElementType t) => (Official.Tensors.TensorElementType)(int)t;

    private static int ElementSize(TensorElementType t) => t switch
    {
        TensorElementType.Int64 => 8,
        TensorElementType.Float16 => 2,
        _ => 4,
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
