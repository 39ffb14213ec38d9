using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;
using ModelOps.Store;
using ModelOps.Store.Artifacts;

namespace ModelOps.Hub.Registry;

/// <summary>
/// Artifact downloads, for the API (<c>GET /api/runs/{id}/artifacts/{path}</c>, <c>GET /api/models/{name}/versions/{version}/artifact</c>)
/// and the UI's download links (which are those URLs): the bytes as stored, named by their path, with their sha256 as the
/// entity tag and as <c>Repr-Digest</c> (RFC 9530), so a client can check what it got.
/// </summary>
internal sealed class ArtifactDownloads(IModelStore store)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>The artifact <paramref name="path"/> of run <paramref name="runId"/>.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) No such run or artifact, or its file is gone.</exception>
    public async Task<IResult> RunArtifactAsync(string runId, string path, CancellationToken cancellationToken)
    {
        var (record, content) = await store.OpenRunArtifactAsync(runId, path, cancellationToken).ConfigureAwait(false);
        return Download(record, content);
    }

    /// <summary>The model file of version <paramref name="version"/> of <paramref name="model"/>.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) No such model or version, or its file is gone.</exception>
    public async Task<IResult> VersionArtifactAsync(string model, int version, CancellationToken cancellationToken)
    {
        var found = await store.GetVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        var (record, content) = await store.OpenVersionArtifactAsync(found, cancellationToken).ConfigureAwait(false);
        return Download(record, content);
    }

    /// <summary>The API path that downloads artifact <paramref name="path"/> of run <paramref name="runId"/> (each path segment escaped).</summary>
    public static string RunArtifactUrl(string runId, string path) =>
        $"/api/runs/{Uri.EscapeDataString(runId)}/artifacts/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>The API path that downloads the model file of a version.</summary>
    public static string VersionArtifactUrl(string model, int version) =>
        $"/api/models/{Uri.EscapeDataString(model)}/versions/{version}/artifact";

    private static IResult Download(ArtifactRecord record, Stream content)
    {
        var name = record.Path[(record.Path.LastIndexOf('/') + 1)..];
        var type = ContentTypes.TryGetContentType(name, out var known) ? known : "application/octet-stream";
        return new DigestResult(Results.Stream(content, type, name, entityTag: new EntityTagHeaderValue($"\"{record.Sha256}\"")), record.Sha256);
    }

    // The stream result with the representation digest header (sha-256 in base64, RFC 9530).
    private sealed class DigestResult(IResult inner, string sha256) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(sha256))}:";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
