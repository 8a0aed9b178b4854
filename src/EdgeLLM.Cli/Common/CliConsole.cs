using Spectre.Console;

namespace EdgeLLM.Cli.Common;

/// <summary>A Spectre.Console console writing to a command's output writer: plain text (no colours, no ANSI) when it
/// is not the terminal, and wide enough that tables of paths do not wrap.</summary>
internal static class CliConsole
{
    public static IAnsiConsole For(TextWriter output)
    {
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = 240;
        }
        return console;
    }
}
