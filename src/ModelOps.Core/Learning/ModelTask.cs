namespace ModelOps.Core.Learning;

/// <summary>What a model predicts.</summary>
public enum ModelTask
{
    /// <summary>A real number (squared-error learners).</summary>
    Regression,

    /// <summary>The probability of class 1 of a 0/1 target (log-loss and Gini learners).</summary>
    BinaryClassification,
}
