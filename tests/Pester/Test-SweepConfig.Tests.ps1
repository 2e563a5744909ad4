BeforeAll {
    . $PSScriptRoot/common.ps1
    Push-Location $TestDrive

    $script:ValidYaml = @'
method: random
metric:
  name: loss
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
  optimizer:
    values: [adam, sgd]
'@

    # Line numbers matter below: each problem is on a known line.
    $script:BrokenYaml = @'
method: random
metric:
  name: loss
  goal: sideways
parameters:
  lr:
    min: 0.5
    max: 0.1
  layers:
    values: []
  dropout:
    distribution: uniform
    min: 0.1
    max: 0.5
    mu: 3
color: blue
'@
}

AfterAll {
    Pop-Location
}

Describe 'Test-SweepConfig' {
    Context 'parameter set Path (YAML file)' {
        It 'returns nothing for a valid config' {
            $file = New-TestConfigFile -Text $ValidYaml
            $problems = @(Test-SweepConfig -Path $file)
            $problems | Should -HaveCount 0
        }

        It 'returns every problem with its Path, Message and YAML line' {
            $file = New-TestConfigFile -Text $BrokenYaml
            $problems = @(Test-SweepConfig -Path $file)
            $problems | ForEach-Object { $_ | Should -BeOfType ([Sweeps.Engine.Config.ConfigProblem]) }
            $problems | Should -HaveCount 5

            $byPath = @{}
            foreach ($p in $problems) { $byPath[$p.Path] = $p }
            @($byPath.Keys | Sort-Object) | Should -Be @('color', 'metric.goal', 'parameters.dropout.mu', 'parameters.layers.values', 'parameters.lr.min')

            $byPath['metric.goal'].Line | Should -Be 4
            $byPath['metric.goal'].Message | Should -BeLike "*'sideways' is not a goal*"
            $byPath['parameters.lr.min'].Line | Should -Be 7
            $byPath['parameters.lr.min'].Message | Should -BeLike '*min 0.5 is not less than max 0.1*'
            $byPath['parameters.layers.values'].Line | Should -Be 10
            $byPath['parameters.layers.values'].Message | Should -Be 'must be a non-empty list'
            $byPath['parameters.dropout.mu'].Line | Should -Be 15
            $byPath['parameters.dropout.mu'].Message | Should -BeLike '*not allowed with distribution uniform*'
            $byPath['color'].Line | Should -Be 16
            $byPath['color'].Message | Should -BeLike 'unknown key*'
            $problems | ForEach-Object { $_.Severity | Should -Be ([Sweeps.Engine.Config.ConfigSeverity]::Error) }
        }

        It 'names the line of a missing key by its nearest written parent' {
            $file = New-TestConfigFile -Text "method: grid`nmetric:`n  goal: minimize`nparameters:`n  a:`n    values: [1]`n"
            $problems = @(Test-SweepConfig -Path $file)
            $problems | Should -HaveCount 1
            $problems[0].Path | Should -Be 'metric.name'
            $problems[0].Line | Should -Be 2
        }

        It 'reports a YAML syntax error with its line' {
            $file = New-TestConfigFile -Text "method: grid`nparameters:`n  a:`n    values: [1]`n   b: 2`nrun_cap: 3`n"
            $problems = @(Test-SweepConfig -Path $file)
            $problems | Should -HaveCount 1
            $problems[0].Path | Should -Be ''
            $problems[0].Message | Should -BeLike 'not valid YAML*'
            $problems[0].Line | Should -Be 5
            Test-SweepConfig -Path $file -Quiet | Should -BeFalse
        }

        # YamlDotNet throws InvalidOperationException (not YamlException) on an unclosed flow sequence.
        It 'reports an unclosed flow sequence as a problem, not an exception' {
            $file = New-TestConfigFile -Text "method: grid`nparameters:`n  a:`n    values: [1, 2`n  b:`n    value: 1`n"
            $problems = @(Test-SweepConfig -Path $file -ErrorAction SilentlyContinue -ErrorVariable err)
            $err | Should -HaveCount 0
            $problems | Should -HaveCount 1
            $problems[0].Path | Should -Be ''
            $problems[0].Message | Should -BeLike 'not valid YAML*'
            $problems[0].Line | Should -BeGreaterOrEqual 4
            Test-SweepConfig -Path $file -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
        }

        It 'reports a duplicate key on the line of its second occurrence' {
            $file = New-TestConfigFile -Text "method: grid`nparameters:`n  a:`n    values: [1]`nmethod: random`n"
            $problems = @(Test-SweepConfig -Path $file)
            $problems | Should -HaveCount 1
            $problems[0].Message | Should -BeLike '*duplicate key*method*'
            $problems[0].Line | Should -Be 5
        }

        It 'reports a missing file as ConfigFileNotFound' {
            $missing = Join-Path $TestDrive 'absent.yaml'
            $out = Test-SweepConfig -Path $missing -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'ConfigFileNotFound,Sweeps.Commands.TestSweepConfigCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            $err[0].TargetObject | Should -Be $missing
        }
    }

    Context 'parameter set Path (JSON file)' {
        It 'reports problems of a JSON config with their lines' {
            $file = New-TestConfigFile -Name 'broken.json' -Text @'
{
  "method": "grid",
  "parameters": {
    "lr": { "min": 0.0, "max": 1.0 },
    "batch": { "values": [16, 32] }
  },
  "run_cap": -3
}
'@
            $problems = @(Test-SweepConfig -Path $file)
            $problems | Should -HaveCount 2
            $lr = $problems | Where-Object Path -EQ 'parameters.lr'
            $lr.Line | Should -Be 4
            $lr.Message | Should -BeLike '*disallowed type with grid search*'
            $cap = $problems | Where-Object Path -EQ 'run_cap'
            $cap.Line | Should -Be 7
            $cap.Message | Should -BeLike '*at least 1*'
        }

        It 'returns nothing for a valid JSON config' {
            $file = New-TestConfigFile -Name 'ok.json' -Text '{ "method": "grid", "parameters": { "a": { "values": [1, 2] } } }'
            @(Test-SweepConfig -Path $file) | Should -HaveCount 0
            Test-SweepConfig -Path $file -Quiet | Should -BeTrue
        }
    }

    Context 'parameter set Config (hashtable)' {
        It 'returns problems without line numbers' {
            $config = @{ method = 'random'; parameters = @{ lr = @{ min = 1; max = 1 } }; extra = 1 }
            $problems = @(Test-SweepConfig -Config $config)
            $problems | Should -HaveCount 2
            @($problems.Path | Sort-Object) | Should -Be @('extra', 'parameters.lr.min')
            $problems | ForEach-Object { $_.Line | Should -BeNullOrEmpty }
        }

        It 'returns nothing for a valid hashtable' {
            @(Test-SweepConfig -Config $SmallGrid) | Should -HaveCount 0
        }

        It 'reports a missing method and parameters' {
            $problems = @(Test-SweepConfig -Config @{ metric = @{ name = 'loss' } })
            @($problems.Path | Sort-Object) | Should -Be @('method', 'parameters')
        }
    }

    Context '-Quiet' {
        It 'returns $true for a valid config' {
            $result = @(Test-SweepConfig -Path (New-TestConfigFile -Text $ValidYaml) -Quiet)
            $result | Should -HaveCount 1
            $result[0] | Should -BeOfType ([bool])
            $result[0] | Should -BeTrue
        }

        It 'returns $false for an invalid config' {
            $result = @(Test-SweepConfig -Path (New-TestConfigFile -Text $BrokenYaml) -Quiet)
            $result | Should -HaveCount 1
            $result[0] | Should -BeOfType ([bool])
            $result[0] | Should -BeFalse
        }

        It 'returns $false for an invalid hashtable and $true for a valid one' {
            Test-SweepConfig -Config @{ method = 'grid' } -Quiet | Should -BeFalse
            Test-SweepConfig -Config $SmallGrid -Quiet | Should -BeTrue
        }

        It 'returns $true when there are only warnings' {
            $config = @{ method = 'random'; entity = 'team'; parameters = @{ lr = @{ distribution = 'log_uniform'; min = -5; max = 0 } } }
            Test-SweepConfig -Config $config -Quiet | Should -BeTrue
        }
    }

    Context 'warnings' {
        It 'returns a deprecated distribution as a warning with its line' {
            $file = New-TestConfigFile -Text "method: random`nparameters:`n  lr:`n    distribution: q_log_uniform`n    min: -5`n    max: 0`n"
            $problems = @(Test-SweepConfig -Path $file)
            $problems | Should -HaveCount 1
            $problems[0].Severity | Should -Be 'Warning'
            $problems[0].Path | Should -Be 'parameters.lr.distribution'
            $problems[0].Line | Should -Be 4
            $problems[0].Message | Should -BeLike '*q_log_uniform_values*'
        }

        It 'returns entity and project as warnings' {
            $file = New-TestConfigFile -Text "entity: me`nproject: p`nmethod: grid`nparameters:`n  a:`n    value: 1`n"
            $problems = @(Test-SweepConfig -Path $file)
            $problems | Should -HaveCount 2
            $problems | ForEach-Object { $_.Severity | Should -Be 'Warning' }
            ($problems | Where-Object Path -EQ 'entity').Line | Should -Be 1
            ($problems | Where-Object Path -EQ 'project').Line | Should -Be 2
        }
    }

    Context 'pipeline input' {
        It 'tests each file piped from Get-ChildItem' {
            $folder = Join-Path $TestDrive 'pipe-test'
            $null = New-TestConfigFile -Text $ValidYaml -Name 'good.yaml' -Folder $folder
            $null = New-TestConfigFile -Text $BrokenYaml -Name 'bad.yaml' -Folder $folder
            $results = @(Get-ChildItem -Path (Join-Path $folder '*.yaml') | Sort-Object Name | Test-SweepConfig -Quiet)
            # bad.yaml sorts first
            $results | Should -Be @($false, $true)
        }
    }

    It 'creates nothing' {
        $null = Test-SweepConfig -Config $SmallGrid
        $null = Test-SweepConfig -Path (New-TestConfigFile -Text $ValidYaml)
        Test-Path -LiteralPath (Join-Path $TestDrive '.sweeps') | Should -BeFalse
        (Get-Command Test-SweepConfig).Parameters.Keys | Should -Not -Contain 'Store'
    }
}
