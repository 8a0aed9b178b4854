namespace EdgeLLM.Cli.Bench.Gguf;

/// <summary>ggml tensor element types this writer produces (values as in ggml.h).</summary>
internal enum GgmlType : uint
{
    F32 = 0,

    /// <summary>Blocks of 32 weights: an fp16 scale d, then 16 bytes of 4-bit values q (weight = (q - 8) × d); byte j holds
    /// weight j in its low nibble and weight j + 16 in its high nibble.</summary>
    Q4_0 = 2,
}
