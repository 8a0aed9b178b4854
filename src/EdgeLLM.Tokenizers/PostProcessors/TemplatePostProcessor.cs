namespace EdgeLLM.Tokenizers.PostProcessors;

/// <summary>TemplateProcessing's single-sequence template: special token ids before and after sequence A.</summary>
internal sealed class TemplatePostProcessor(int[] before, int[] after) : IPostProcessor
{
    public void Process(List<int> ids)
    {
        ids.InsertRange(0, before);
        ids.AddRange(after);
    }
}
