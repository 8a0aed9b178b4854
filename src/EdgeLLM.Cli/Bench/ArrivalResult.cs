namespace EdgeLLM.Cli.Bench;

/// <summary>Staggered arrivals: requests that come one after another while a batch runs.</summary>
/// <param name="Runtime">The executor measured.</param>
/// <param name="Requests">How many arrived.</param>
/// <param name="IntervalMs">Time between two arrivals.</param>
/// <param name="TtftP50Ms">Median time from a request's arrival to its first token.</param>
/// <param name="TtftP95Ms">95th percentile of the same.</param>
/// <param name="TtftMaxMs">The slowest first token.</param>
/// <param name="TokenGapP50Ms">Median time between two tokens of a stream (about one decode step).</param>
/// <param name="AdmissionGapMaxMs">The longest time between two tokens of a stream already running while another was
/// admitted (<see cref="TokenGaps"/>): what a newcomer's prompt costs the streams it joins.</param>
internal sealed record ArrivalResult(string Runtime, int Requests, double IntervalMs, double TtftP50Ms, double TtftP95Ms, double TtftMaxMs,
    double TokenGapP50Ms, double AdmissionGapMaxMs);
