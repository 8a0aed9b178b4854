using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using EdgeLLM.Benchmarks.Package;

namespace EdgeLLM.Benchmarks;

/// <summary>
/// UTF-8 megabytes of the conformance corpus per second: one operation encodes the whole corpus, or decodes
/// it back, so its byte count over the mean time is the throughput either way.
/// </summary>
public sealed class CorpusMegabytesPerSecondColumn : IColumn
{
    private static readonly Lazy<long> CorpusBytes = new(() => PackageConformance
        .LoadCorpus(Path.Combine(Paths.RepoRoot, "tests", "EdgeLLM.Tokenizers.Tests", "Conformance"))
        .Sum(s => (long)Encoding.UTF8.GetByteCount(s)));

    public string Id => nameof(CorpusMegabytesPerSecondColumn);

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "UTF-8 MB of the conformance corpus encoded (or decoded back) per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { } stats ? (CorpusBytes.Value / 1e6 / (stats.Mean / 1e9)).ToString("F2") : "NA";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
