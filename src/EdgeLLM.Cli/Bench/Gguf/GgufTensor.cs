namespace EdgeLLM.Cli.Bench.Gguf;

/// <summary>A tensor in a GGUF file: its name, dimensions innermost first (ggml's ne0 = row length) and element type.</summary>
internal sealed record GgufTensor(string Name, long[] Dimensions, GgmlType Type)
{
    /// <summary>Bytes of its data: 4 per float32, 18 per 32-weight Q4_0 block.</summary>
    public long Bytes
    {
        get
        {
            var count = 1L;
            foreach (var d in Dimensions)
            {
                count *= d;
            }
            return Type switch
            {
                GgmlType.F32 => count * 4,
                GgmlType.Q4_0 => count / 32 * 18,
                _ => throw new NotSupportedException($"ggml type {Type}"),
            };
        }
    }
}
