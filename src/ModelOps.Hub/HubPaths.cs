using Microsoft.AspNetCore.Http;

namespace ModelOps.Hub;

/// <summary>Which requests are the API's and where the UI's assets are listed.</summary>
internal static class HubPaths
{
    /// <summary>Whether <paramref name="path"/> is the API's (<c>/api</c>, <c>/openapi</c>, <c>/health</c>, <c>/metrics</c>): bearer tokens and problem details; every other path is the UI's.</summary>
    public static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
        || path.Equals("/health", StringComparison.OrdinalIgnoreCase)
        || path.Equals(Diagnostics.PrometheusExport.Path, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The static web assets manifests the build wrote beside the application (MudBlazor's, the framework's and the hub's
    /// own files, with their fingerprints), whichever program hosts the hub (the <c>modelops</c> CLI, a test host):
    /// the endpoints manifest that <c>MapStaticAssets</c> serves, and, in a build (not a publish) output, the runtime
    /// manifest that says where each file is.
    /// </summary>
    /// <exception cref="InvalidOperationException">No endpoints manifest is there: the host was not built with the web SDK.</exception>
    public static (string Endpoints, string? Runtime) StaticAssetsManifests()
    {
        // The hub's own library manifest lists only its files; the host's lists everything it serves.
        var own = typeof(HubPaths).Assembly.GetName().Name + ".staticwebassets.endpoints.json";
        var manifests = Directory.GetFiles(AppContext.BaseDirectory, "*.staticwebassets.endpoints.json")
            .Where(path => !Path.GetFileName(path).Equals(own, StringComparison.Ordinal))
            .ToArray();
        var endpoints = manifests.Length switch
        {
            1 => manifests[0],
            0 => throw new InvalidOperationException($"No static web assets manifest (*.staticwebassets.endpoints.json) in {AppContext.BaseDirectory}: the program hosting the hub must be built with Microsoft.NET.Sdk.Web."),
            _ => throw new InvalidOperationException($"{manifests.Length} static web assets manifests in {AppContext.BaseDirectory}: {string.Join(", ", manifests.Select(Path.GetFileName))}; expected one."),
        };
        var runtime = endpoints[..^".endpoints.json".Length] + ".runtime.json";
        return (endpoints, File.Exists(runtime) ? runtime : null);
    }
}
