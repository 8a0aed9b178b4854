namespace EdgeLLM.Serving.Loading;

/// <summary>Where in a load <see cref="ModelLoader"/> reads the process's memory.</summary>
internal enum LoadPoint
{
    /// <summary>Before the model directory is opened.</summary>
    BeforeOpen,

    /// <summary>The tokenizer, template and (EdgeLLM's executor) ONNX Runtime session are open.</summary>
    Opened,

    /// <summary>The draft is loaded and the executor started (GenAI's model, the batch's buffers).</summary>
    Started,
}
