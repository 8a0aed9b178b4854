namespace EdgeLLM.Tokenizers.Normalizers;

/// <summary>Rewrites text before pre-tokenization (Unicode forms, replacements, a prepended marker).</summary>
internal interface INormalizer
{
    string Normalize(string text);
}
