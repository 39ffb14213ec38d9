namespace ModelOps.Jobs.Configuration;

/// <summary>One piece of configuration text and the name its problems are reported under.</summary>
/// <param name="Name">A file path, or <c>--extras[0]</c> for the first extras string.</param>
/// <param name="Text">YAML (or JSON, which is YAML) text.</param>
public sealed record ConfigSource(string Name, string Text);
