namespace ModelOps.Store.Inference;

/// <summary>
/// The inference log a deleted group left behind under its <see cref="Groups.GroupDeletionPolicy.Archive"/> policy:
/// its table was renamed to <paramref name="Name"/> and can be read, never written
/// (<see cref="IInferenceLogStore.QueryArchiveAsync"/>, <see cref="IInferenceLogStore.GetArchivedRequestAsync"/>).
/// </summary>
/// <param name="Name">The archive's table, <c>inference_archive_&lt;group id&gt;</c>: unique even when a group name is reused.</param>
/// <param name="Group">The name the group had.</param>
/// <param name="DeletedAt">When the group was deleted.</param>
/// <param name="DeletedBy">Who deleted it.</param>
/// <param name="Members">The group's members when it was deleted.</param>
public sealed record InferenceArchive(string Name, string Group, DateTimeOffset DeletedAt, string DeletedBy, IReadOnlyList<Groups.GroupMember> Members);
