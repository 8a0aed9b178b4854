namespace EdgeLLM.Ota.Device;

/// <summary>
/// The only ways the updater reaches the side that serves models: it asks it to test a staged model, to serve an
/// installed one, and tells it every status. The service binds them to its engine, its model host and its
/// transports; the CLI's device simulator to files and standard output.
/// </summary>
/// <param name="Validator">Memory-budget check and smoke test of a staged model.</param>
/// <param name="Activator">Hot swap to a newly active (or rolled-back-to) model.</param>
/// <param name="Status">Receives every status update.</param>
public sealed record OtaHostBindings(IOtaModelValidator Validator, IOtaModelActivator Activator, IOtaStatusSink Status);
