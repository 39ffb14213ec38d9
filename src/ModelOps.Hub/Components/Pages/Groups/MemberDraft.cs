using ModelOps.Store.Groups;

namespace ModelOps.Hub.Components.Pages.Groups;

/// <summary>A member of a group as a form edits it: a model, a version, a role and a weight, any of them not chosen yet.</summary>
public sealed class MemberDraft
{
    /// <summary>The registered model, or empty before one is chosen.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>The version, or 0 before one is chosen.</summary>
    public int Version { get; set; }

    /// <summary>The role.</summary>
    public GroupRole Role { get; set; } = GroupRole.Challenger;

    /// <summary>The weight in percent (0 for a Shadow).</summary>
    public int Weight { get; set; }

    /// <summary>A draft of an existing member.</summary>
    public static MemberDraft Of(GroupMember member) => new() { Model = member.Model, Version = member.Version, Role = member.Role, Weight = member.Weight };

    /// <summary>The member the draft stands for.</summary>
    public GroupMember ToMember() => new(Model, Version, Role, Role == GroupRole.Shadow ? 0 : Weight);

    /// <summary>
    /// What the drafts still lack (a model or a version not chosen) and every rule their members break, in the store's
    /// words (<see cref="GroupNames.MemberProblems"/>), so the form says what the API would answer before it is sent.
    /// </summary>
    public static List<string> Problems(IReadOnlyList<MemberDraft> drafts)
    {
        var problems = new List<string>();
        for (var i = 0; i < drafts.Count; i++)
        {
            if (drafts[i].Model.Length == 0 || drafts[i].Version <= 0)
            {
                problems.Add($"members[{i}]: choose a model and a version");
            }
        }

        problems.AddRange(GroupNames.MemberProblems([.. drafts.Select(d => d.ToMember())]));
        return problems;
    }
}
