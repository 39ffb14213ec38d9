using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Search;
using ModelOps.Core.Splitting;

namespace ModelOps.Jobs.Configuration;

/// <summary>
/// The polymorphic config nodes: for each base type, the concrete types a <c>KIND</c> key picks
/// (<c>model: {KIND: GradientBoostingRegressor, ...}</c>), and the checks run on a bound value of
/// that base type. <see cref="CreateStandard"/> knows learners, splitters, searchers, search
/// distributions and feature steps; jobs, readers and writers add theirs with <see cref="Add"/>.
/// </summary>
public sealed class ConfigKinds
{
    private readonly Dictionary<Type, SortedDictionary<string, Type>> _kinds = [];
    private readonly Dictionary<Type, Func<object, IReadOnlyList<string>>> _checks = [];

    /// <summary>The key that names the kind of a polymorphic node.</summary>
    public const string KindKey = "KIND";

    /// <summary>A registry with the learners of <see cref="LearnerCatalog.Kinds"/>, the splitters, searchers, search distributions and feature steps.</summary>
    public static ConfigKinds CreateStandard()
    {
        var kinds = new ConfigKinds();
        foreach (var learner in LearnerCatalog.Kinds)
        {
            kinds.Add(typeof(LearnerOptions), learner, LearnerCatalog.Create(learner).GetType());
        }

        kinds.Add<SplitterOptions, TrainTestSplitOptions>(SplitterKinds.TrainTestSplit)
            .Add<SplitterOptions, TimeSeriesSplitOptions>(SplitterKinds.TimeSeriesSplit)
            .Add<SplitterOptions, KFoldOptions>(SplitterKinds.KFold)
            .Add<SplitterOptions, StratifiedKFoldOptions>(SplitterKinds.StratifiedKFold)
            .Add<SearchOptions, GridSearchOptions>(SearcherKinds.GridSearch)
            .Add<SearchOptions, RandomSearchOptions>(SearcherKinds.RandomSearch)
            .Add<ParameterDistribution, UniformDistribution>(DistributionKinds.Uniform)
            .Add<ParameterDistribution, LogUniformDistribution>(DistributionKinds.LogUniform)
            .Add<ParameterDistribution, IntRangeDistribution>(DistributionKinds.IntRange)
            .Add<ParameterDistribution, ChoiceDistribution>(DistributionKinds.Choice)
            .Add<FeatureStep, OneHotStep>("OneHot")
            .Add<FeatureStep, StandardScaleStep>("StandardScale")
            .Add<FeatureStep, PassthroughStep>("Passthrough");
        kinds.AddCheck<LearnerOptions>(Check<LearnerOptions>(o => o.Validate()))
            .AddCheck<SplitterOptions>(o => Splitter.Validate(o))
            .AddCheck<SearchOptions>(o => Searcher.Validate(o));
        return kinds;
    }

    /// <summary>Registers <typeparamref name="TConcrete"/> as kind <paramref name="kind"/> of <typeparamref name="TBase"/>.</summary>
    public ConfigKinds Add<TBase, TConcrete>(string kind)
        where TConcrete : TBase => Add(typeof(TBase), kind, typeof(TConcrete));

    /// <summary>Registers <paramref name="concrete"/> as kind <paramref name="kind"/> of <paramref name="baseType"/>.</summary>
    /// <exception cref="ArgumentException">The concrete type does not derive from the base, is abstract, or the kind is taken.</exception>
    public ConfigKinds Add(Type baseType, string kind, Type concrete)
    {
        ArgumentNullException.ThrowIfNull(baseType);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(concrete);
        if (!baseType.IsAssignableFrom(concrete) || concrete.IsAbstract)
        {
            throw new ArgumentException($"{concrete.Name} is not a concrete {baseType.Name}.", nameof(concrete));
        }

        if (!_kinds.TryGetValue(baseType, out var map))
        {
            _kinds[baseType] = map = new SortedDictionary<string, Type>(StringComparer.Ordinal);
        }

        if (!map.TryAdd(kind, concrete))
        {
            throw new ArgumentException($"Kind '{kind}' of {baseType.Name} is already registered.", nameof(kind));
        }

        return this;
    }

    /// <summary>
    /// Adds a check run on every bound value of type <typeparamref name="TBase"/>: each returned
    /// problem is reported at the value's config path.
    /// </summary>
    public ConfigKinds AddCheck<TBase>(Func<TBase, IReadOnlyList<string>> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        _checks[typeof(TBase)] = value => check((TBase)value);
        return this;
    }

    /// <summary>Whether <paramref name="type"/> is a base type with registered kinds.</summary>
    public bool IsPolymorphic(Type type) => _kinds.ContainsKey(type);

    /// <summary>The kinds of <paramref name="baseType"/>, sorted by name (empty when none).</summary>
    public IReadOnlyDictionary<string, Type> KindsOf(Type baseType) =>
        _kinds.TryGetValue(baseType, out var map) ? map : new SortedDictionary<string, Type>();

    /// <summary>The kind name of <paramref name="concrete"/> under any base, or null when it is not registered.</summary>
    public string? KindNameOf(Type concrete)
    {
        foreach (var map in _kinds.Values)
        {
            foreach (var (name, type) in map)
            {
                if (type == concrete)
                {
                    return name;
                }
            }
        }

        return null;
    }

    internal IEnumerable<string> Check(object value)
    {
        foreach (var (type, check) in _checks)
        {
            if (type.IsInstanceOfType(value))
            {
                foreach (var problem in check(value))
                {
                    yield return problem;
                }
            }
        }
    }

    private static Func<T, IReadOnlyList<string>> Check<T>(Action<T> validate) => value =>
    {
        try
        {
            validate(value);
            return [];
        }
        catch (ArgumentException error)
        {
            return [error.Message.Split(" (Parameter", 2)[0]];
        }
    };
}
