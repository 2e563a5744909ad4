using Sweeps.Engine.Runs;

namespace Sweeps.Engine.Tests;

public sealed class CommandLineSpecs
{
    static readonly Dictionary<string, object?> Args = new() { ["a"] = true, ["b"] = false, ["c"] = 1L, ["d"] = null };

    static List<string> Build(params string[] template) =>
        CommandLine.Build(template, "train.py", Args, "/runs/x/params.json", name => name == "FOO_DIR" ? "foo_dir" : null);

    [Fact]
    public void Macros_expand_as_wandbs_agent_expands_them()
    {
        Assert.Equal(new[] { "--a=True", "--b=False", "--c=1", "--d=None" }, Build("${args}"));
        Assert.Equal(new[] { "a=True", "b=False", "c=1", "d=None" }, Build("${args_no_hyphens}"));
        Assert.Equal(new[] { "--a", "--c=1", "--d=None" }, Build("${args_no_boolean_flags}"));
        Assert.Equal(new[] { """{"a": true, "b": false, "c": 1, "d": null}""" }, Build("${args_json}"));
        Assert.Equal(new[] { "+a=True", "+b=False", "+c=1", "+d=None" }, Build("${args_append_hydra}"));
        Assert.Equal(new[] { "++a=True", "++b=False", "++c=1", "++d=None" }, Build("${args_override_hydra}"));
        Assert.Equal(new[] { "--a", "True", "--b", "False", "--c", "1", "--d", "None" }, Build("${args_no_equals}"));
        Assert.Equal(new[] { "/runs/x/params.json" }, Build("${args_json_file}"));
    }

    [Fact]
    public void The_default_command_is_env_interpreter_program_args_with_the_interpreter_from_the_extension()
    {
        var argv = CommandLine.Build(null, "train.py", new Dictionary<string, object?> { ["lr"] = 1e-5 }, "p.json", _ => null);
        Assert.Equal(new[] { "/usr/bin/env", "python3", "train.py", "--lr=1e-05" }, argv);
        var ps = CommandLine.Build(null, "train.ps1", new Dictionary<string, object?>(), "p.json", _ => null);
        Assert.Equal(new[] { "/usr/bin/env", "pwsh", "-NoProfile", "-NonInteractive", "-File", "train.ps1" }, ps);
        Assert.Equal(new[] { "/usr/bin/env", "./train" }, CommandLine.Build(null, "./train", new Dictionary<string, object?>(), "p.json", _ => null));
    }

    [Fact]
    public void Envvar_is_replaced_inside_any_element_and_unknown_macros_are_dropped()
    {
        Assert.Equal(new[] { "fake/path/foo_dir/foo_dir/FOO_DIR_TWO", "--x" },
            Build("fake/path/${envvar:FOO_DIR}/${envvar:FOO_DIR}/${envvar:FOO_DIR_TWO}", "${nonsense}", "--x"));
        Assert.Equal(new[] { "--lr=${lr}" }, Build("--lr=${lr}")); // W&B has no custom macros: copied literally
    }

    [Fact]
    public void Values_are_formatted_as_python_str_and_nested_parameters_as_a_dict()
    {
        var config = new Dictionary<string, object?>
        {
            ["opt"] = new Dictionary<string, object?> { ["lr"] = 0.001, ["name"] = "adam" },
            ["sizes"] = new List<object?> { 64L, 32L },
            ["w"] = 1.0,
        };
        Assert.Equal(new[] { "--opt={'lr': 0.001, 'name': 'adam'}", "--sizes=[64, 32]", "--w=1.0" },
            CommandLine.Build(["${args}"], null, config, "p.json", _ => null));
    }
}
