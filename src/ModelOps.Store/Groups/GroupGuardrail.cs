using System.Globalization;
using ModelOps.Core.Analytics;

namespace ModelOps.Store.Groups;

/// <summary>
/// A rule that takes a Challenger's traffic (its weight goes to the Champion and it becomes a Shadow) when the group's
/// analytics show it is worse. Kinds: <see cref="GuardrailKinds.ChampionBetter"/> (the anytime-valid verdict on the
/// per-row loss says the Champion is better) and <see cref="GuardrailKinds.ErrorRate"/> (the Challenger's failed-request
/// rate is above <see cref="MaxErrorRate"/> with confidence: the Wilson interval's lower end is above it).
/// </summary>
/// <param name="Kind">One of <see cref="GuardrailKinds"/>.</param>
/// <param name="MaxErrorRate">For <see cref="GuardrailKinds.ErrorRate"/>: the highest acceptable error rate, in (0, 1).</param>
/// <param name="MinPairs">
/// The fewest labelled rows (the smaller of the two counts, the verdict's <c>pairs</c>) before a
/// <see cref="GuardrailKinds.ChampionBetter"/> rule may trip, or the fewest requests before an
/// <see cref="GuardrailKinds.ErrorRate"/> rule may; 0 for none beyond the verdict's own minimum.
/// </param>
public sealed record GroupGuardrail(string Kind, double? MaxErrorRate = null, long MinPairs = 0)
{
    /// <summary>Every problem with the rules, each naming the rule (<c>guardrails[1].maxErrorRate</c>); empty when valid.</summary>
    public static List<string> Problems(IReadOnlyList<GroupGuardrail> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<string>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"guardrails[{i}]");
            if (rule is null)
            {
                problems.Add($"{at}: missing");
                continue;
            }

            if (rule.Kind is not (GuardrailKinds.ChampionBetter or GuardrailKinds.ErrorRate))
            {
                problems.Add($"{at}.kind: '{rule.Kind}' is not a guardrail; use {GuardrailKinds.ChampionBetter} or {GuardrailKinds.ErrorRate}");
            }

            if (rule.Kind == GuardrailKinds.ErrorRate && rule.MaxErrorRate is not (> 0.0 and < 1.0))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{at}.maxErrorRate: an error_rate guardrail needs a rate strictly between 0 and 1, got {(rule.MaxErrorRate is { } r ? r.ToString(CultureInfo.InvariantCulture) : "none")}"));
            }

            if (rule.Kind == GuardrailKinds.ChampionBetter && rule.MaxErrorRate is not null)
            {
                problems.Add($"{at}.maxErrorRate: only an {GuardrailKinds.ErrorRate} guardrail takes a rate");
            }

            if (rule.MinPairs < 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{at}.minPairs: must be 0 or more, got {rule.MinPairs}"));
            }
        }

        return problems;
    }

    /// <summary>
    /// The Challengers (with traffic) of <paramref name="group"/> that <paramref name="rules"/> take traffic from, given
    /// the group's analytics <paramref name="report"/> (whose champion is the group's): the first rule that trips for
    /// each, with the figures that tripped it.
    /// </summary>
    public static IReadOnlyList<GuardrailTrip> Evaluate(ModelGroup group, IReadOnlyList<GroupGuardrail> rules, GroupAnalyticsReport report)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(report);
        var trips = new List<GuardrailTrip>();
        foreach (var member in group.Members)
        {
            if (member.Role != GroupRole.Challenger || member.Weight == 0)
            {
                continue;
            }

            var figures = report.Models.FirstOrDefault(m => m.Model == member.Model && m.Version == member.Version);
            var comparison = report.Comparisons.FirstOrDefault(c => c.Model == member.Model && c.Version == member.Version);
            foreach (var rule in rules)
            {
                var reason = Trips(rule, figures, comparison, report.Confidence);
                if (reason is not null)
                {
                    trips.Add(new GuardrailTrip(member.Model, member.Version, rule, reason, figures, comparison));
                    break;
                }
            }
        }

        return trips;
    }

    private static string? Trips(GroupGuardrail rule, ModelVersionAnalytics? figures, ChallengerComparison? comparison, double confidence)
    {
        if (rule.Kind == GuardrailKinds.ChampionBetter)
        {
            return comparison is { Verdict: Verdicts.ChampionBetter } c && c.Pairs >= rule.MinPairs
                ? string.Create(CultureInfo.InvariantCulture,
                    $"the champion is better on {c.Loss}: the challenger's mean loss is higher by {c.MeanDifference:G4}, anytime-valid {confidence:P0} interval [{c.Lower:G4}, {c.Upper:G4}] over {c.Pairs} labelled rows")
                : null;
        }

        return figures is { ErrorRate.Lower: { } lower } f && lower > rule.MaxErrorRate && f.Requests >= rule.MinPairs
            ? string.Create(CultureInfo.InvariantCulture,
                $"the error rate {f.ErrorRate.Value:P2} ({f.Errors} of {f.Requests} requests) is above {rule.MaxErrorRate:P2} with {confidence:P0} confidence: its Wilson interval starts at {lower:P2}")
            : null;
    }
}

/// <summary>The kinds of <see cref="GroupGuardrail"/>.</summary>
public static class GuardrailKinds
{
    /// <summary>The verdict says the Champion is better (<c>champion_better</c>).</summary>
    public const string ChampionBetter = "champion_better";

    /// <summary>The error rate is above a threshold with confidence (<c>error_rate</c>).</summary>
    public const string ErrorRate = "error_rate";
}

/// <summary>A rule that tripped for a Challenger, with the figures behind it.</summary>
/// <param name="Model">The Challenger's model.</param>
/// <param name="Version">The Challenger's version.</param>
/// <param name="Rule">The rule.</param>
/// <param name="Reason">Why, in a sentence with the figures.</param>
/// <param name="Figures">The Challenger's figures in the report, if it has rows.</param>
/// <param name="Comparison">The Challenger's verdict against the Champion, if any.</param>
public sealed record GuardrailTrip(string Model, int Version, GroupGuardrail Rule, string Reason, ModelVersionAnalytics? Figures, ChallengerComparison? Comparison);
