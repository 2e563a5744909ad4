namespace Sweeps.Engine.Search;

/// <summary>The one place a config's <c>method</c> becomes an algorithm.</summary>
internal static class SearchMethods
{
    public static ISearchMethod For(string method) => method switch
    {
        "grid" => new GridSearch(),
        "random" => new RandomSearch(),
        "bayes" => new BayesSearch(),
        _ => throw new SweepsException(SweepsErrorKind.InvalidConfig, $"unknown search method '{method}'"),
    };
}
