namespace Sweeps.Engine;

/// <summary>
/// What Sweeps accepts from users and programs, in one place. Every limit is enforced where the data comes in, with
/// an error naming the key, so nothing that was accepted can later fail to be read back (docs/configuration.md).
/// </summary>
public static class Limits
{
    /// <summary>How deeply maps and lists may nest in a config or in a metric value (a flat map has depth 1).</summary>
    public const int MaxValueDepth = 64;

    /// <summary>
    /// How deeply JSON the store reads may nest: a value of <see cref="MaxValueDepth"/> inside an event or a history
    /// row, with room to spare. Readers allow more than writers ever write.
    /// </summary>
    public const int MaxStoredJsonDepth = MaxValueDepth + 16;

    /// <summary>The largest config file or text read (a real sweep config is a few kilobytes).</summary>
    public const int MaxConfigBytes = 1 << 20;

    /// <summary>How many values a config may hold after YAML aliases are expanded (guards against "billion laughs").</summary>
    public const int MaxConfigNodes = 100_000;

    /// <summary>
    /// How many characters the key paths of a config's values (such as <c>parameters.lr.max</c>) may add up to after
    /// aliases are expanded. Each value's path is kept for error messages and every nested key repeats its parents',
    /// so long keys nested deep multiply; a real config stays far below (100,000 values with 60-character paths make 6 million).
    /// </summary>
    public const int MaxConfigPathChars = 16 << 20;

    /// <summary>The most characters of a run's error kept in the journal; the whole text stays in the run's logs.</summary>
    public const int MaxErrorChars = 4096;

    /// <summary>The most bytes of a run's summary (as JSON) kept in the journal.</summary>
    public const int MaxSummaryBytes = 256 * 1024;

    /// <summary>
    /// A store that is not a folder keeps this much of each of a run's logs (the end) when the run ends
    /// (<see cref="Runs.RunArtifacts"/>).
    /// </summary>
    public const int MaxRunLogBytes = 4 * 1024 * 1024;

    /// <summary>...and this much of the logs and the other files a run's program leaves, in all.</summary>
    public const long MaxRunFilesBytes = 32L * 1024 * 1024;
}
