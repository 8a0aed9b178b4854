namespace EdgeLLM.Tokenizers.Tiktoken;

/// <summary>
/// Loads a tokenizer on EdgeLLM's own path or, with <c>allowPackage</c>, with Microsoft.ML.Tokenizers taking the
/// byte-level files it can (<see cref="TiktokenBackend"/>): the two sides the tests and the benchmark compare.
/// </summary>
internal static class PackageLoading
{
    public static Tokenizer FromDirectory(string directory, bool allowPackage) =>
        Tokenizer.FromDirectory(directory, allowPackage ? TiktokenBackend.TryCreate : null);

    public static Tokenizer FromJson(string json, bool allowPackage) =>
        Tokenizer.FromJson(json, null, allowPackage ? TiktokenBackend.TryCreate : null);
}
