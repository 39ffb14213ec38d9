using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using ModelOps.Store.Auth;

namespace ModelOps.Hub.Auth;

/// <summary>
/// Keeps the keys that protect the UI's session cookies and antiforgery tokens (ASP.NET Core data protection) in the
/// store, encrypted under the store's master key, instead of in a folder of each machine: every hub on one database
/// reads the same keys, so a session signed in on one hub is valid on every other behind a balancer, and survives a
/// restart or a new container. Data protection reads the keys at start and when its key ring is refreshed (about a
/// day), and writes a new key before the current one expires (90 days).
/// </summary>
internal sealed class StoreSessionKeys(ITokenStore store) : IXmlRepository
{
    /// <inheritdoc/>
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.GetSessionKeysAsync().GetAwaiter().GetResult().Select(xml => XElement.Parse(xml))];

    /// <inheritdoc/>
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        store.AddSessionKeyAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();
    }
}
