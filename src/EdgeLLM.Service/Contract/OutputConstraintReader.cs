using System.Text.Json;
using EdgeLLM.Runtime.Constraints;

namespace EdgeLLM.Service.Contract;

/// <summary>A request's constraint from <c>response_format</c> or <c>tools</c> (not both: a forced tool call already
/// fixes the answer's shape).</summary>
internal static class OutputConstraintReader
{
    public static OutputConstraint? Read(JsonElement root, out ToolChoice? tools)
    {
        var format = ResponseFormatReader.Read(root);
        tools = ToolsReader.Read(root);
        if (tools is null)
        {
            return format;
        }
        if (format is not null)
        {
            throw new FieldException("response_format", "cannot be combined with tools; describe the answer as a tool's parameters, or send tool_choice \"none\"");
        }
        return ToolCallSchema.For(tools);
    }
}
