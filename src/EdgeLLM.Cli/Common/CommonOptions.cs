using System.CommandLine;

namespace EdgeLLM.Cli.Common;

/// <summary>Options several model commands share, made fresh for each command (an option belongs to one parent).</summary>
internal static class CommonOptions
{
    public static Option<string?> Model() => new("--model", "-m")
    {
        Description = "A model directory, or a model id found in the default model's folder or the state dir's models (default: EDGELLM__MODEL, else iot-assist)",
    };

    public static Option<bool> Json(string what) => new("--json") { Description = what };

    public static Option<string?> StateDir() => new("--state-dir")
    {
        Description = "The state directory holding models/ and ota/ (default: EDGELLM__STATEDIR, else ~/.local/share/edgellm)",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "ONNX Runtime intra-op threads (0: ONNX Runtime chooses)",
        DefaultValueFactory = _ => 0,
    };
}
