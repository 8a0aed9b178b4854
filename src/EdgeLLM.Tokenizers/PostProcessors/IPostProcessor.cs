namespace EdgeLLM.Tokenizers.PostProcessors;

/// <summary>Adds the special tokens a model expects around an encoded sequence (BOS, EOS, CLS/SEP).</summary>
internal interface IPostProcessor
{
    void Process(List<int> ids);
}
