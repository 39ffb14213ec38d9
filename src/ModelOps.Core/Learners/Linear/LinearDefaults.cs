namespace ModelOps.Core.Learners.Linear;

/// <summary>Default values of linear learner parameters (scikit-learn 1.2.1's), stated once.</summary>
internal static class LinearDefaults
{
    public const bool FitIntercept = true;
    public const double Alpha = 1.0;
    public const double C = 1.0;
    public const int MaxIter = 100;
    public const double Tol = 1e-4;
}
