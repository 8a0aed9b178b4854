namespace EdgeLLM.Service.Contract;

/// <summary>
/// A request field that is missing or wrong. The message starts with the field's name as the client wrote it
/// (<c>messages[1].content</c>, <c>options.temperature</c>); <see cref="Field"/> is that name on its own, which the REST
/// API answers as OpenAI's <c>param</c>, so a client's SDK can point at the field without parsing the message.
/// </summary>
internal sealed class FieldException : Exception
{
    /// <summary>A problem of no single field (which of two fields to give, say).</summary>
    public FieldException(string message)
        : base(message)
    {
    }

    /// <param name="field">The field's path in the request.</param>
    /// <param name="problem">What is wrong with it; the message is "field: problem".</param>
    public FieldException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
    }

    /// <summary>The field at fault, or null when the problem is not one field's.</summary>
    public string? Field { get; }
}
