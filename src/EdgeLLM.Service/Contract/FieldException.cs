namespace EdgeLLM.Service.Contract;

/// <summary>A request field that is missing or wrong; the message starts with the field's name.</summary>
internal sealed class FieldException(string message) : Exception(message);
