using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using EdgeLLM.Runtime.Onnx;

namespace EdgeLLM.Cli.Commands;

/// <summary><c>edgellm --version</c>: EdgeLLM's version, ONNX Runtime's version and library, and the providers it offers.</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine($"EdgeLLM {ProductVersion}");
        try
        {
            OrtLibrary.EnsureLoaded();
            output.WriteLine($"ONNX Runtime {OrtLibrary.Version} ({OrtLibrary.LibraryPath})");
            output.WriteLine($"Execution providers: {string.Join(", ", OrtLibrary.GetAvailableProviders())}");
            return 0;
        }
        catch (OnnxRuntimeNotFoundException e)
        {
            parseResult.InvocationConfiguration.Error.WriteLine(e.Message);
            return 3;
        }
    }

    /// <summary>The informational version without the source-revision suffix the SDK appends.</summary>
    public static string ProductVersion
    {
        get
        {
            var v = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = v.IndexOf('+');
            return plus < 0 ? v : v[..plus];
        }
    }
}
