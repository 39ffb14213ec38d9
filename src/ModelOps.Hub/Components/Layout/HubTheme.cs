using MudBlazor;

namespace ModelOps.Hub.Components.Layout;

/// <summary>The hub's look: MudBlazor's material theme with the system font stack (nothing loaded from the internet), light and dark.</summary>
internal static class HubTheme
{
    private static readonly string[] Fonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Ubuntu", "Cantarell", "Noto Sans", "Helvetica Neue", "Arial", "sans-serif"];

    /// <summary>The theme every page uses.</summary>
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3559c7",
            Secondary = "#5f6b7a",
            AppbarBackground = "#1f2a44",
            Background = "#f6f7f9",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8aa4ff",
            Secondary = "#a3adbb",
            AppbarBackground = "#151b2b",
            Background = "#10141f",
            Surface = "#181e2d",
            DrawerBackground = "#151b2b",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            H1 = new H1Typography { FontFamily = Fonts },
            H2 = new H2Typography { FontFamily = Fonts },
            H3 = new H3Typography { FontFamily = Fonts },
            H4 = new H4Typography { FontFamily = Fonts, FontSize = "1.75rem", FontWeight = "500" },
            H5 = new H5Typography { FontFamily = Fonts },
            H6 = new H6Typography { FontFamily = Fonts },
            Button = new ButtonTypography { FontFamily = Fonts },
        },
    };
}
