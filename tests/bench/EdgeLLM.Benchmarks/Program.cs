using BenchmarkDotNet.Running;
using EdgeLLM.Benchmarks;

// `tokenizer` runs the side-by-side comparison with transformers.js, `binding` the ONNX Runtime binding comparison
// (docs/ARCHITECTURE.md); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "tokenizer")
{
    return TokenizerThroughput.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "binding")
{
    return BindingStep.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(TokenizerThroughput).Assembly).Run(args);
return 0;
