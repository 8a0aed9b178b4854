namespace EdgeLLM.Ota;

/// <summary>
/// Switches serving to another model directory without restarting (hot swap). Called after an update has
/// been switched on disk, and after a rollback with the previous directory. When activation throws, the
/// updater switches back on disk, activates the previous directory and reports <c>rolled_back</c>.
/// </summary>
public interface IOtaModelActivator
{
    /// <summary>Starts serving <paramref name="model"/> from <see cref="OtaInstalledModel.Directory"/>, replacing the serving model.</summary>
    Task ActivateAsync(OtaInstalledModel model, CancellationToken cancellationToken);
}
