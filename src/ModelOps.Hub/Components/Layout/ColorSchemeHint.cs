using Microsoft.AspNetCore.Http;

namespace ModelOps.Hub.Components.Layout;

/// <summary>
/// Asks the browser for its light or dark preference as a client hint (<c>Sec-CH-Prefers-Color-Scheme</c>, a critical
/// hint: Chromium repeats the first request with it), so a page is rendered in the right theme from its first byte
/// instead of flashing light until its circuit can ask the browser. Browsers without the hint get the light theme
/// first and switch once the page is live.
/// </summary>
internal static class ColorSchemeHint
{
    /// <summary>The client hint's header.</summary>
    public const string Header = "Sec-CH-Prefers-Color-Scheme";

    /// <summary>Adds the hint request to every UI response.</summary>
    public static Task RequestAsync(HttpContext context, RequestDelegate next)
    {
        if (!HubPaths.IsApi(context.Request.Path))
        {
            context.Response.Headers["Accept-CH"] = Header;
            context.Response.Headers["Critical-CH"] = Header;
            context.Response.Headers.Append("Vary", Header);
        }

        return next(context);
    }

    /// <summary>Whether the request says the browser prefers dark.</summary>
    public static bool PrefersDark(HttpContext context) =>
        string.Equals(context.Request.Headers[Header].ToString().Trim('"'), "dark", StringComparison.OrdinalIgnoreCase);
}
