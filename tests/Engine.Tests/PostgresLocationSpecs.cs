using System.Net.Sockets;
using Npgsql;
using Sweeps.Engine.Store;
using Sweeps.Engine.Store.Postgres;

namespace Sweeps.Engine.Tests;

/// <summary>How a PostgreSQL location is read, and that what is printed of it never holds a password. No server needed.</summary>
public sealed class PostgresLocationSpecs
{
    [Theory]
    [InlineData("postgres://alice:s3cr%40t@db.example:5433/sweeps", "postgres://alice@db.example:5433/sweeps")]
    [InlineData("postgresql://alice@db.example/sweeps?sslmode=verify-full", "postgres://alice@db.example/sweeps?sslmode=VerifyFull")]
    [InlineData("Host=db.example;Port=5433;Username=alice;Password=s3cr@t;Database=sweeps", "postgres://alice@db.example:5433/sweeps")]
    [InlineData("postgres://alice:s3cr%40t@[::1]:5433/sweeps?search_path=team_a", "postgres://alice@[::1]:5433/sweeps?search_path=team_a")]
    [InlineData("postgres://alice@db.example:5432/sweeps?password=s3cr%40t", "postgres://alice@db.example:5432/sweeps")]
    public void A_location_is_printed_without_its_password(string location, string display)
    {
        var parsed = PostgresLocation.Parse(location);
        Assert.Equal(display, parsed.Display);
        Assert.DoesNotContain("s3cr", parsed.Display);
        Assert.True(StoreBackends.IsPostgres(location));
        Assert.Equal(location, StoreLocation.Resolve(location, "/somewhere")); // not taken for a folder
        var again = new NpgsqlConnectionStringBuilder(PostgresLocation.Parse(display).ConnectionString); // connects the same way
        var original = new NpgsqlConnectionStringBuilder(parsed.ConnectionString) { Password = null };
        (again.Port, original.Port) = (again.Port, original.Port); // the default port, written or not
        Assert.True(original.EquivalentTo(again), $"{again} is not {original}");
    }

    [Fact]
    public void Every_parameter_but_the_password_is_shown()
    {
        var shown = PostgresLocation.Parse("Host=db;Username=u;Password=pw;SSL Mode=Require;Root Certificate=/etc/ca.pem;SSL Password=key-pw;Search Path=team_a;Timeout=7").Display;
        Assert.Equal("postgres://u@db/?sslmode=Require&sslrootcert=%2Fetc%2Fca.pem&search_path=team_a&connect_timeout=7", shown);
    }

    [Fact]
    public void A_url_becomes_the_connection_npgsql_makes()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresLocation.Parse(
            "postgresql://alice:s3cr%40t@db.example:5433/my%20db?sslmode=verify-full&application_name=tuner&connect_timeout=7&Command%20Timeout=9").ConnectionString);
        Assert.Equal(("db.example", 5433, "alice", "s3cr@t", "my db"), (b.Host, b.Port, b.Username, b.Password, b.Database));
        Assert.Equal((SslMode.VerifyFull, "tuner", 7, 9), (b.SslMode, b.ApplicationName, b.Timeout, b.CommandTimeout));
        Assert.Null(b.SearchPath); // the schema is named in every statement instead
    }

    [Theory]
    [InlineData("postgres://a@h/db", "public")]
    [InlineData("postgres://a@h/db?search_path=Team_A,public", "team_a")]
    [InlineData("Host=h;Search Path='\"Team A\"'", "Team A")]
    public void The_schema_is_the_first_of_the_search_path_as_postgres_reads_it(string location, string schema) =>
        Assert.Equal(schema, PostgresLocation.Parse(location).Schema);

    [Theory]
    [InlineData("postgres://a:pw@h/db?colour=blue", "'colour'")]
    [InlineData("Host=h;Password=pw;Colour=blue", "colour")]
    public void A_parameter_postgres_locations_do_not_take_is_an_error_naming_it(string location, string named)
    {
        var e = Assert.Throws<SweepsException>(() => PostgresLocation.Parse(location));
        Assert.Equal(SweepsErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(named, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("pw", e.Message.Replace("PostgreSQL", ""));
    }

    [Fact]
    public void A_host_that_does_not_exist_is_said_so_and_transient_failures_are_told_apart()
    {
        var where = PostgresLocation.Parse("postgres://alice:pw@nowhere.example/db");
        var notFound = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.HostNotFound));
        Assert.False(PostgresFaults.IsTransient(notFound, opening: true));
        var e = PostgresFaults.From(notFound, "list the sweeps", where);
        Assert.Equal("Cannot find the host 'nowhere.example' of the store 'postgres://alice@nowhere.example/db': no such name.", e.Message);
        Assert.True(PostgresFaults.IsTransient(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), opening: true));
        Assert.True(PostgresFaults.IsTransient(new NpgsqlException("Exception while reading from stream", new EndOfStreamException()), opening: false));
        Assert.False(PostgresFaults.IsTransient(new NpgsqlException("Timeout", new TimeoutException()), opening: true)); // no answer at all: unreachable
    }

    [Theory]
    [InlineData("Host=db;Username=me;Database=sweeps", true)]
    [InlineData("Server=db; Port=5433", true)]
    [InlineData("Host=/var/run/postgresql;Username=me", true)]
    [InlineData("./runs/Host=1", false)]
    [InlineData("Host=x", true)]
    [InlineData("/data/Host=x;y", false)]
    [InlineData("sweeps", false)]
    public void Only_a_connection_string_of_key_value_pairs_with_a_host_is_a_postgres_location(string location, bool postgres)
    {
        Assert.Equal(postgres, StoreBackends.IsPostgres(location));
        Assert.Equal(!postgres, StoreBackends.IsFolder(location));
    }
}
