using Sweeps.Engine.Space;

namespace Sweeps.Engine.Tests;

/// <summary>The params file as W&amp;B's agent writes it: PyYAML's safe_dump, block style.</summary>
public sealed class PyYamlSpecs
{
    [Fact]
    public void Writes_each_parameter_as_pyyaml_safe_dump_does()
    {
        var config = new Dictionary<string, object?>
        {
            ["lr"] = 0.001, ["tiny"] = 1e-05, ["big"] = 1e16, ["whole"] = 3.0, ["n"] = 32L, ["flag"] = true, ["none"] = null,
            ["nan"] = double.NaN, ["inf"] = double.NegativeInfinity,
            ["opt"] = "adam", ["yes"] = "yes", ["one"] = "1", ["empty"] = "", ["colon"] = "a: b", ["dash"] = "-", ["quote"] = "it's",
            ["hash"] = "a #b", ["date"] = "2024-01-02", ["tab"] = "a\tb", ["accent"] = "café",
            ["layers"] = new List<object?> { 64L, 32L },
            ["nested"] = new Dictionary<string, object?> { ["beta"] = 0.9, ["m"] = new List<object?> { 1L }, ["e"] = new List<object?>() },
            ["rows"] = new List<object?> { new Dictionary<string, object?> { ["a"] = 1L, ["b"] = 2L }, new List<object?> { 1L, 2L } },
        };
        Assert.Equal("""
            wandb_version: 1

            accent:
              value: "caf\xE9"
            big:
              value: 1.0e+16
            colon:
              value: 'a: b'
            dash:
              value: '-'
            date:
              value: '2024-01-02'
            empty:
              value: ''
            flag:
              value: true
            hash:
              value: 'a #b'
            inf:
              value: -.inf
            layers:
              value:
              - 64
              - 32
            lr:
              value: 0.001
            n:
              value: 32
            nan:
              value: .nan
            nested:
              value:
                beta: 0.9
                m:
                - 1
                e: []
            none:
              value: null
            one:
              value: '1'
            opt:
              value: adam
            quote:
              value: it's
            rows:
              value:
              - a: 1
                b: 2
              - - 1
                - 2
            tab:
              value: "a\tb"
            tiny:
              value: 1.0e-05
            whole:
              value: 3.0
            'yes':
              value: 'yes'

            """.Replace("\r\n", "\n"), PyYaml.WandbParams(config));
    }

    [Fact]
    public void What_it_writes_reads_back_as_the_same_values()
    {
        var config = new Dictionary<string, object?> { ["s"] = "on", ["k"] = "x: y # z", ["l"] = new List<object?> { "[a]", "{b}", "*c" } };
        var read = new YamlDotNet.Serialization.Deserializer().Deserialize<Dictionary<string, Dictionary<string, object>>>(PyYaml.WandbParams(config).Replace("wandb_version: 1\n", ""));
        Assert.Equal("on", read["s"]["value"]);
        Assert.Equal("x: y # z", read["k"]["value"]);
        Assert.Equal(new object[] { "[a]", "{b}", "*c" }, (List<object>)read["l"]["value"]);
    }
}
