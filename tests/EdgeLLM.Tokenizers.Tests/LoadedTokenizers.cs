using System.Collections.Concurrent;
using EdgeLLM.Tokenizers.Tiktoken;

namespace EdgeLLM.Tokenizers.Tests;

/// <summary>
/// Tokenizers loaded once for the classes of the "Loaded tokenizers" collection: loading the large vocabularies
/// dominates their time. The collection runs its classes one after another, so no tokenizer here is used from
/// two tests at once.
/// </summary>
internal static class LoadedTokenizers
{
    public const string Collection = "Loaded tokenizers";

    private static readonly ConcurrentDictionary<(string Name, bool AllowPackage), Lazy<Tokenizer>> Loaded = new();

    public static Tokenizer Get(string name, bool allowPackage = false) =>
        Loaded.GetOrAdd((name, allowPackage), k => new Lazy<Tokenizer>(() => PackageLoading.FromDirectory(TokenizerAssets.Directory(k.Name), k.AllowPackage))).Value;
}
