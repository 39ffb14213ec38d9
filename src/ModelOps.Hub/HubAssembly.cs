namespace ModelOps.Hub;

/// <summary>Marks the hub assembly (the server is built in later steps).</summary>
internal static class HubAssembly;
