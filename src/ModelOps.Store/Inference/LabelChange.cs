namespace ModelOps.Store.Inference;

/// <summary>One change of a logged record's label: who set it, when, and what it replaced.</summary>
/// <param name="Sequence">Its position in the history: later changes have higher numbers.</param>
/// <param name="Group">The group.</param>
/// <param name="RequestId">The request.</param>
/// <param name="RecordIndex">The record's position in the request.</param>
/// <param name="OldLabel">The label it replaced, or <see langword="null"/> for the first label.</param>
/// <param name="NewLabel">The label set.</param>
/// <param name="Actor">Who set it (the hub: the token's name).</param>
/// <param name="ChangedAt">When (UTC).</param>
public sealed record LabelChange(long Sequence, string Group, string RequestId, int RecordIndex, double? OldLabel, double NewLabel, string Actor, DateTimeOffset ChangedAt);
