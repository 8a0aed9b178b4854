namespace EdgeLLM.Benchmarks.Package;

/// <summary>The Microsoft.ML.Tokenizers classes that can be built from what a tokenizer.json holds.</summary>
internal enum PackageApi
{
    /// <summary><c>TiktokenTokenizer</c>: byte strings ranked by id, the file's Split regex, added tokens (EdgeLLM's
    /// production path, <c>TiktokenBackend</c>).</summary>
    Tiktoken,

    /// <summary><c>BpeTokenizer</c> with <c>ByteLevel</c>: the file's vocabulary and merges.</summary>
    Bpe,

    /// <summary><c>CodeGenTokenizer</c>: GPT-2 style vocab.json and merges.txt, GPT-2's own split regex.</summary>
    CodeGen,
}
