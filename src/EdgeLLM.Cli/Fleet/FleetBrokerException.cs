namespace EdgeLLM.Cli.Fleet;

/// <summary>The broker could not be reached, refused the connection, or refused a publication or subscription.</summary>
internal sealed class FleetBrokerException(string message, Exception? inner = null) : Exception(message, inner);
