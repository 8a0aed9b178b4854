namespace EdgeLLM.Cli.Bench;

/// <summary>N streams at once through one engine (continuous batching).</summary>
/// <param name="Streams">Concurrent requests.</param>
/// <param name="AggregateTokensPerSecond">All streams' generated tokens over the wall time of the round (median of runs).</param>
/// <param name="PerStreamTokensPerSecond">Median of each stream's decode speed (tokens after the first over the time after the first).</param>
/// <param name="LatencyP50Ms">Median request latency.</param>
/// <param name="LatencyP95Ms">95th percentile request latency.</param>
/// <param name="MeanBatch">Mean sequences per decode step during the level.</param>
/// <param name="MeanStepMs">Mean time of one batched decode step (Run, sampling, detokenising, emitting): with
/// <paramref name="MeanBatch"/> it shows how a step's cost grows with the batch.</param>
internal sealed record ConcurrencyLevelResult(int Streams, double AggregateTokensPerSecond, double PerStreamTokensPerSecond, double LatencyP50Ms, double LatencyP95Ms, double MeanBatch, double MeanStepMs);
