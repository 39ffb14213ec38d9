namespace ModelOps.Jobs.Datasets.Writers;

/// <summary>What a <see cref="SqlWriter"/> does when its table already exists.</summary>
public enum SqlWriteMode
{
    /// <summary>Drop the table and create it anew from the frame, in the same transaction as the rows.</summary>
    Replace,

    /// <summary>Add the rows to the table (created when missing); every frame column must exist there with a type that holds it.</summary>
    Append,

    /// <summary>Fail with an error naming the table; create it when it does not exist.</summary>
    Fail,
}
