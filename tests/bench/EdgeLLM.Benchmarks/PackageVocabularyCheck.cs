using EdgeLLM.Tokenizers;
using EdgeLLM.Benchmarks.Package;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// Beyond the corpus: every vocabulary token's own text (alone, after a letter and after a space) encoded by
/// EdgeLLM, which the corpus holds to transformers.js, and by the package. Finds the words where ranking byte
/// strings by id (tiktoken) and applying the file's merges (Hugging Face BPE) part ways.
///   dotnet run -c Release --project tests/bench/EdgeLLM.Benchmarks -- package-vocabulary [NAME ...]
/// </summary>
internal static class PackageVocabularyCheck
{
    public static int Run(string[] args)
    {
        foreach (var name in args.Length > 0 ? args : ["gpt2", "llama3", "qwen3", "iot-assist"])
        {
            var dir = Paths.TokenizerDirectory(name);
            var edge = Tokenizer.FromDirectory(dir);
            foreach (var api in PackageTokenizer.Candidates(dir))
            {
                var package = PackageTokenizer.Create(dir, api);
                int checkedTexts = 0, differ = 0;
                var examples = new List<string>();
                for (var id = 0; id < edge.VocabSize; id++)
                {
                    if (edge.TokenToId(edge.IdToToken(id) ?? "") != id || package.AddedTokens.Contains(edge.IdToToken(id)!))
                    {
                        continue;
                    }
                    var word = edge.Decode([id], skipSpecialTokens: false);
                    foreach (var text in new[] { word, "a" + word, " " + word })
                    {
                        checkedTexts++;
                        var expected = edge.Encode(text, addSpecialTokens: false);
                        var got = package.Encode(text, addSpecialTokens: false);
                        if (!expected.AsSpan().SequenceEqual(got))
                        {
                            if (differ++ < 3)
                            {
                                examples.Add($"{System.Text.Json.JsonSerializer.Serialize(text)}: EdgeLLM [{string.Join(",", expected)}], package [{string.Join(",", got)}]");
                            }
                        }
                    }
                }
                Console.WriteLine($"{name} {api}: {differ}/{checkedTexts} vocabulary texts encode differently");
                examples.ForEach(e => Console.WriteLine("    " + e));
            }
        }
        return 0;
    }
}
