using System.Globalization;
using Npgsql;

namespace Sweeps.Engine.Store.Postgres;

/// <summary>
/// A PostgreSQL store's location as a user writes it: a URL (<c>postgres://user@host:5432/db?sslmode=require</c>, also
/// <c>postgresql://</c>, libpq's query names or Npgsql's keywords) or an Npgsql connection string
/// (<c>Host=...;Username=...</c>). It becomes the connection string Npgsql uses, which may hold a password the user put
/// there (else Npgsql reads PGPASSWORD or ~/.pgpass), and <see cref="Display"/>, the form printed everywhere, which
/// never does. The schema the store's tables live in is the first of <c>search_path</c> (Npgsql's <c>Search Path</c>),
/// else <c>public</c>, so one database can hold several stores.
/// </summary>
internal sealed class PostgresLocation
{
    // libpq's names for the URL's query, as psql and every libpq program read them, with Npgsql's keyword for each.
    static readonly Dictionary<string, string> Libpq = new(StringComparer.OrdinalIgnoreCase)
    {
        ["host"] = "Host", ["port"] = "Port", ["dbname"] = "Database", ["user"] = "Username", ["password"] = "Password",
        ["passfile"] = "Passfile", ["sslmode"] = "SSL Mode", ["sslcert"] = "SSL Certificate", ["sslkey"] = "SSL Key",
        ["sslrootcert"] = "Root Certificate", ["sslpassword"] = "SSL Password", ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name", ["options"] = "Options", ["target_session_attrs"] = "Target Session Attributes",
        ["channel_binding"] = "Channel Binding", ["gssencmode"] = "GSS Encryption Mode", ["krbsrvname"] = "Kerberos Service Name",
        ["search_path"] = "Search Path",
    };

    PostgresLocation(NpgsqlConnectionStringBuilder builder)
    {
        Schema = FirstSchema(builder.SearchPath) ?? "public";
        if (string.IsNullOrEmpty(builder.Host)) builder.Host = Environment.GetEnvironmentVariable("PGHOST") is { Length: > 0 } h ? h : "localhost";
        Host = builder.Host!;
        Port = IsSet(builder, "Port") ? builder.Port : int.TryParse(Environment.GetEnvironmentVariable("PGPORT"), out var p) ? p : builder.Port;
        User = builder.Username ?? Environment.GetEnvironmentVariable("PGUSER");
        Database = builder.Database ?? Environment.GetEnvironmentVariable("PGDATABASE") ?? User;
        Display = DisplayOf(builder); // what the user chose, before the store's own settings below
        builder.SearchPath = null; // tables are named with their schema: one pool per server serves every schema
        builder.ApplicationName ??= "sweeps";
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 32; // an agent repeats a few statements thousands of times: plan each once
        ConnectionString = builder.ConnectionString;
    }

    // The location as a URL that connects the same way but for the password: it is printed everywhere, and a sweep
    // piped from one cmdlet to another carries it (the password then comes from PGPASSWORD or ~/.pgpass).
    static string DisplayOf(NpgsqlConnectionStringBuilder b)
    {
        var host = b.Host!;
        var port = IsSet(b, "Port") ? $":{b.Port}" : ""; // else PGPORT, as for the connection
        var hostPart = host.Contains(',') || host.StartsWith('/') ? Uri.EscapeDataString(host) : (host.Contains(':') ? $"[{host}]" : host) + port;
        var query = new List<string>();
        foreach (string key in b.Keys)
        {
            if (key is "Host" or "Port" or "Username" or "Database" or "Password" or "SSL Password") continue;
            var name = Libpq.FirstOrDefault(kv => kv.Value == key).Key ?? key;
            query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(Convert.ToString(b[key], CultureInfo.InvariantCulture) ?? "")}");
        }
        return $"postgres://{(b.Username is { } user ? Uri.EscapeDataString(user) + "@" : "")}{hostPart}/{Uri.EscapeDataString(b.Database ?? "")}"
            + (query.Count > 0 ? "?" + string.Join('&', query) : "");
    }

    /// <summary>The location for people: a URL with every parameter but the password, which also works as a location.</summary>
    public string Display { get; }

    /// <summary>What Npgsql connects with (it may hold the user's password: never print it).</summary>
    public string ConnectionString { get; }

    /// <summary>The schema of the store's tables.</summary>
    public string Schema { get; }

    public string Host { get; }
    public int Port { get; }
    public string? User { get; }
    public string? Database { get; }

    public static PostgresLocation Parse(string location)
    {
        var text = location.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        return scheme >= 0 && text[..scheme] is var s && (s.Equals("postgres", StringComparison.OrdinalIgnoreCase) || s.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
            ? new PostgresLocation(FromUrl(text[(scheme + 3)..]))
            : new PostgresLocation(FromConnectionString(text));
    }

    static NpgsqlConnectionStringBuilder FromConnectionString(string text)
    {
        try { return new NpgsqlConnectionStringBuilder(text); }
        catch (ArgumentException e)
        {
            // The message names the keyword, never a value: the text itself may hold a password.
            throw new SweepsException(SweepsErrorKind.InvalidArgument, $"The store location is not a valid Npgsql connection string: {e.Message}");
        }
    }

    // scheme://[user[:password]@][host[:port][,host[:port]...]][/database][?name=value&...], as libpq reads it.
    static NpgsqlConnectionStringBuilder FromUrl(string rest)
    {
        var builder = new NpgsqlConnectionStringBuilder();
        var queryAt = rest.IndexOf('?');
        var query = queryAt >= 0 ? rest[(queryAt + 1)..] : "";
        rest = queryAt >= 0 ? rest[..queryAt] : rest;
        var slash = rest.IndexOf('/');
        var authority = slash >= 0 ? rest[..slash] : rest;
        if (slash >= 0 && rest[(slash + 1)..] is { Length: > 0 } db) builder.Database = Uri.UnescapeDataString(db);
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            var colon = userInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            authority = authority[(at + 1)..];
        }
        if (authority.Length > 0) SetHosts(builder, Uri.UnescapeDataString(authority));
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString((eq >= 0 ? pair[..eq] : pair).Replace('+', ' '));
            var value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) : "";
            if (name.Equals("sslmode", StringComparison.OrdinalIgnoreCase)) value = value.Replace("-", ""); // verify-full: Npgsql's VerifyFull
            try { builder[Libpq.GetValueOrDefault(name, name)] = value; }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw new SweepsException(SweepsErrorKind.InvalidArgument,
                    $"The store location has a parameter PostgreSQL locations do not take, or a value it cannot have: '{name}' ({e.Message}).");
            }
        }
        return builder;
    }

    // One host with its port, or several (host1:5432,host2:5433) as Npgsql takes them; [::1] for IPv6.
    static void SetHosts(NpgsqlConnectionStringBuilder builder, string hosts)
    {
        if (hosts.Contains(',')) { builder.Host = hosts; return; }
        var portAt = hosts.StartsWith('[') ? hosts.IndexOf("]:", StringComparison.Ordinal) + 1 : hosts.LastIndexOf(':');
        if (portAt > 0 && int.TryParse(hosts[(portAt + 1)..], out var port))
        {
            builder.Port = port;
            hosts = hosts[..portAt];
        }
        builder.Host = hosts.Trim('[', ']');
    }

    // Npgsql's ContainsKey is true for every keyword it knows; its Keys are the ones given.
    static bool IsSet(NpgsqlConnectionStringBuilder b, string key) => b.Keys.Cast<string>().Contains(key, StringComparer.OrdinalIgnoreCase);

    static string? FirstSchema(string? searchPath)
    {
        var first = searchPath?.Split(',')[0].Trim();
        if (string.IsNullOrEmpty(first)) return null;
        // As PostgreSQL reads a search_path: quoted names as written, others in lower case.
        return first.Length > 1 && first[0] == '"' && first[^1] == '"' ? first[1..^1].Replace("\"\"", "\"") : first.ToLowerInvariant();
    }
}
