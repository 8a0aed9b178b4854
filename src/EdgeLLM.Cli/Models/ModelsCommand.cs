using System.CommandLine;

namespace EdgeLLM.Cli.Models;

/// <summary>The <c>edgellm models</c> group: <c>list</c> and <c>info</c>.</summary>
internal static class ModelsCommand
{
    public static Command Create() => new("models", "List the models this device can run and describe one.")
    {
        ModelsListCommand.Create(),
        ModelsInfoCommand.Create(),
    };
}
