using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Analytics;
using ModelOps.Hub.Components.Shared;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Components.Pages.Groups;

/// <summary>What the group pages say in words: members, roles, the loss compared and each challenger's verdict.</summary>
internal static class GroupWords
{
    /// <summary>A member as the pages name it: <c>credit_risk v3</c>.</summary>
    public static string Member(string model, int version) => string.Create(CultureInfo.InvariantCulture, $"{model} v{version}");

    /// <summary>A role capitalised: Champion, Challenger, Shadow.</summary>
    public static string Role(GroupRole role) => role switch
    {
        GroupRole.Champion => "Champion",
        GroupRole.Challenger => "Challenger",
        _ => "Shadow",
    };

    /// <summary>A member's role with its share of the traffic: <c>Challenger · 10 %</c>, <c>Shadow · scores every request</c>.</summary>
    public static string RoleAndWeight(GroupMember member) =>
        member.Role == GroupRole.Shadow ? "Shadow · scores every request" : string.Create(CultureInfo.InvariantCulture, $"{Role(member.Role)} · {member.Weight} %");

    /// <summary>The per-row loss a verdict compares: <c>log loss</c>, <c>squared error</c>.</summary>
    public static string Loss(string loss) => loss.Replace('_', ' ');

    /// <summary>A percentage of a confidence level: <c>95%</c>.</summary>
    public static string Confidence(double confidence) => string.Create(CultureInfo.InvariantCulture, $"{confidence * 100:0.##}%");

    /// <summary>
    /// The verdict in one sentence: "credit_risk v3 is better on log loss at 95% confidence, 4,210 labelled pairs", or
    /// why there is none yet.
    /// </summary>
    public static string Verdict(ChallengerComparison comparison, double confidence)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var challenger = Member(comparison.Model, comparison.Version);
        var champion = Member(comparison.ChampionModel, comparison.ChampionVersion);
        var loss = Loss(comparison.Loss);
        var pairs = $"{Figures.Count(comparison.Pairs)} labelled pair{(comparison.Pairs == 1 ? string.Empty : "s")}";
        return comparison.Verdict switch
        {
            Verdicts.ChallengerBetter => $"{challenger} is better on {loss} than the Champion {champion} at {Confidence(confidence)} confidence, {pairs}",
            Verdicts.ChampionBetter => $"The Champion {champion} is better on {loss} than {challenger} at {Confidence(confidence)} confidence, {pairs}",
            Verdicts.NoDifferenceYet => $"No difference on {loss} between {challenger} and the Champion {champion} yet at {Confidence(confidence)} confidence, {pairs}",
            _ => $"No verdict for {challenger} yet: {comparison.Reason ?? "not enough labelled rows"}",
        };
    }

    /// <summary>
    /// The verdict in a few words, for a list: "credit_risk v3: better on log loss", "credit_risk v3: no verdict yet"
    /// (<see cref="Verdict"/> says why).
    /// </summary>
    public static string ShortVerdict(ChallengerComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var challenger = Member(comparison.Model, comparison.Version);
        var loss = Loss(comparison.Loss);
        return comparison.Verdict switch
        {
            Verdicts.ChallengerBetter => $"{challenger}: better on {loss}",
            Verdicts.ChampionBetter => $"{challenger}: worse on {loss}",
            Verdicts.NoDifferenceYet => $"{challenger}: no difference on {loss} yet",
            _ => $"{challenger}: no verdict yet",
        };
    }

    /// <summary>The colour a verdict shows in: a better challenger green, a worse one red, otherwise neutral.</summary>
    public static MudBlazor.Severity Severity(ChallengerComparison comparison) => comparison.Verdict switch
    {
        Verdicts.ChallengerBetter => MudBlazor.Severity.Success,
        Verdicts.ChampionBetter => MudBlazor.Severity.Warning,
        _ => MudBlazor.Severity.Info,
    };

    /// <summary>
    /// What an audit record changed, in words: the members before and after (a split, a promotion, a tripped guardrail),
    /// the members a group was created or deleted with, or the number of guardrail rules; and the reason given, if any.
    /// </summary>
    public static (string Change, string? Reason) Audit(GroupAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var document = JsonDocument.Parse(entry.Detail);
        var detail = document.RootElement;
        string? Text(string name) => detail.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        string Members(string name) => detail.TryGetProperty(name, out var members) && members.ValueKind == JsonValueKind.Array
            ? string.Join(", ", members.EnumerateArray().Select(m =>
                $"{Member(m.GetProperty("model").GetString()!, m.GetProperty("version").GetInt32())} {m.GetProperty("role").GetString()}{(m.GetProperty("role").GetString() == "shadow" ? string.Empty : $" {m.GetProperty("weight").GetInt32()}\u00a0%")}"))
            : "none";
        int Count(string name) => detail.TryGetProperty(name, out var rules) && rules.ValueKind == JsonValueKind.Array ? rules.GetArrayLength() : 0;
        var change = entry.Action switch
        {
            "create" => $"created with {Members("members")}; deleting it will {Text("deletionPolicy") ?? "archive"} its log",
            "delete" => $"deleted ({Text("policy")}{(Text("archivedTable") is { } archived ? $": log kept as {archived}" : ": log dropped")}); its members were {Members("members")}",
            "guardrails" => $"guardrail rules: {Count("before")} → {Count("after")}",
            _ => $"{Members("before")} → {Members("after")}",
        };
        return (change, Text("reason"));
    }
}
