namespace EdgeLLM.Tokenizers.Backends;

/// <summary>
/// Another implementation that takes over a file's encoding and decoding: the comparison side of the measurements in
/// docs/ARCHITECTURE.md ("Tokenizers"; Microsoft.ML.Tokenizers, plugged in by the tests and the benchmark). Production
/// loads use none, so the shipped assembly carries no such dependency.
/// </summary>
internal interface IExternalBackend
{
    /// <summary>Appends the ids of <paramref name="text"/> (added tokens included, no BOS/EOS).</summary>
    void Encode(string text, List<int> ids);

    /// <summary>The text of ids that are all in the vocabulary or added tokens.</summary>
    string Decode(IEnumerable<int> ids);
}
