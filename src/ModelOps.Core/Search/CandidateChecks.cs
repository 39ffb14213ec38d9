using ModelOps.Core.Learning;
using ModelOps.Core.Metrics;
using ModelOps.Core.Models;

namespace ModelOps.Core.Search;

/// <summary>
/// The checks a search makes before it runs any trial, so that a typo or an out-of-range value
/// fails in milliseconds instead of after hours of fitting.
/// </summary>
internal static class CandidateChecks
{
    /// <summary>Throws when <paramref name="metric"/> scores another task than <paramref name="model"/> predicts.</summary>
    public static void CheckTask(IModel model, IMetric metric)
    {
        var expected = model.Task;
        if (metric.Task == expected)
        {
            return;
        }

        var names = string.Join(", ", MetricCatalog.For(expected).Select(m => m.Name));
        throw new ArgumentException(
            $"Metric '{metric.Name}' scores {metric.Task.Noun()} but {model.Kind} is a {Describe(model.Task)}; choose a {expected.Noun()} metric: {names}.",
            nameof(metric));
    }

    /// <summary>
    /// Throws when a candidate names a parameter <paramref name="model"/> does not have, or holds a
    /// value of the wrong type or out of the learner's range; the message lists every problem.
    /// </summary>
    public static void CheckCandidates(string kind, IModel model, IReadOnlyList<ParameterSet> candidates)
    {
        if (candidates.Count == 0)
        {
            return;
        }

        // Every candidate has the same names, so unknown names are checked once.
        var known = model.ParameterNames;
        var unknown = candidates[0].Names.Where(n => !known.Contains(n, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
        {
            var which = unknown.Length == 1 ? "parameter" : "parameters";
            throw new ArgumentException(
                $"{kind}: unknown {which} {string.Join(", ", unknown.Select(n => $"'{n}'"))} for {model.Kind}; its parameters are: {string.Join(", ", known)}.",
                "model");
        }

        // Each distinct problem once, in first-seen order, with the candidates it affects: a bad
        // value in a grid shows up in many combinations.
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        var failed = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var problems = Problems(model, candidates[i]);
            if (problems.Length == 0)
            {
                continue;
            }

            failed++;
            foreach (var problem in problems)
            {
                if (!groups.TryGetValue(problem, out var members))
                {
                    groups[problem] = members = [];
                    order.Add(problem);
                }

                members.Add(i);
            }
        }

        if (failed == 0)
        {
            return;
        }

        var listed = order.Take(SearchDefaults.MaxProblemsListed).Select(p => $"{p} ({Members(groups[p])})");
        var more = order.Count > SearchDefaults.MaxProblemsListed ? $"; and {order.Count - SearchDefaults.MaxProblemsListed} more problems" : string.Empty;
        var noun = candidates.Count == 1 ? "candidate" : "candidates";
        throw new ArgumentException(
            $"{kind}: {failed} of {candidates.Count} {noun} cannot be fitted by {model.Kind}, so no trial was run: {string.Join("; ", listed)}{more}.",
            "model");
    }

    /// <summary>The model with the candidate's parameters set.</summary>
    public static IModel WithParameters(IModel model, ParameterSet parameters)
    {
        var clone = model.CloneUnfitted();
        foreach (var (name, value) in parameters)
        {
            clone.SetParameter(name, value);
        }

        return clone;
    }

    /// <summary>Why the candidate cannot be fitted, one phrase per problem; empty when it can.</summary>
    private static string[] Problems(IModel model, ParameterSet parameters)
    {
        try
        {
            var clone = WithParameters(model, parameters);

            // IModel has no validation of its own; Fit validates, and for our Model we can ask the
            // learner up front. Other models are checked by their first fit.
            if (clone is Model ours)
            {
                ours.Learner.Validate();
            }

            return [];
        }
        catch (ArgumentException error)
        {
            // LearnerOptions.Validate says "Kind: problem; problem." and SetParameter one sentence.
            var message = error.Message.TrimEnd('.');
            var prefix = model.Kind + ": ";
            message = message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
            return message.Split("; ");
        }
    }

    private static string Members(List<int> members)
    {
        const int Shown = 5;
        var noun = members.Count == 1 ? "candidate" : "candidates";
        var more = members.Count > Shown ? $" and {members.Count - Shown} more" : string.Empty;
        return $"{noun} {string.Join(", ", members.Take(Shown))}{more}";
    }

    private static string Describe(ModelTask task) => task == ModelTask.Regression ? "regressor" : "binary classifier";
}
