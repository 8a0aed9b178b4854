using System.CommandLine;

namespace EdgeLLM.Cli.Bench;

internal static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmark");
}
