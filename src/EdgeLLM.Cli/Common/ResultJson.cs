using System.Text;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Cli.Common;

/// <summary>The contract's final message (section 2) as one JSON line, success or error: the service's own writer, as text.</summary>
internal static class ResultJson
{
    public static string Final(GenerationResult r) => Encoding.UTF8.GetString(ResponseWriter.Final(r));

    public static string Error(string? id, string code, string message) => Encoding.UTF8.GetString(ResponseWriter.Error(id, code, message));

    public static string FinishReasonName(FinishReason reason) => ResponseWriter.WireFinishReason(reason);
}
