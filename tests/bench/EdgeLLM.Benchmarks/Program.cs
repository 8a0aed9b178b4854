using BenchmarkDotNet.Running;
using EdgeLLM.Benchmarks;

// `tokenizer` runs the side-by-side comparison with transformers.js, `binding` the ONNX Runtime binding comparison;
// `package-conformance`, `package-vocabulary` and `package-throughput` measure Microsoft.ML.Tokenizers against
// EdgeLLM's own BPE (docs/ARCHITECTURE.md), `tokenizer-memory` what loading one costs; anything else goes to
// BenchmarkDotNet.
if (args.Length > 0 && args[0] == "tokenizer")
{
    return TokenizerThroughput.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "binding")
{
    return BindingStep.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "package-conformance")
{
    return PackageComparison.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "package-throughput")
{
    return PackageThroughput.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "tokenizer-memory")
{
    return TokenizerMemory.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "package-vocabulary")
{
    return PackageVocabularyCheck.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(TokenizerThroughput).Assembly).Run(args);
return 0;
