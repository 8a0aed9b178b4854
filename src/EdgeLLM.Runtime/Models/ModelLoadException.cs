namespace EdgeLLM.Runtime.Models;

/// <summary>
/// A model directory that cannot be served: a missing or malformed file, a <c>genai_config.json</c> field
/// that is absent or wrong, or a graph whose inputs and outputs do not match the configuration.
/// The message names the file and the field or input at fault.
/// </summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message) : base(message) { }

    public ModelLoadException(string message, Exception inner) : base(message, inner) { }
}
