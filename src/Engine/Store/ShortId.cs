using System.Security.Cryptography;

namespace Sweeps.Engine.Store;

/// <summary>W&amp;B-style ids: eight characters of [a-z0-9]. Ids name things; they take no part in any search, so they need no seed.</summary>
internal static class ShortId
{
    const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 8);
}
