namespace EdgeLLM.Runtime.Energy;

/// <summary>The meter <see cref="EnergyMeterFactory"/> opened and why (which counter, or why each one was passed over).</summary>
/// <param name="Meter">The meter; dispose it when it is <see cref="IDisposable"/>.</param>
/// <param name="Reason">A sentence for logs and <c>edgellm doctor</c>.</param>
public sealed record EnergyMeterChoice(IEnergyMeter Meter, string Reason);
