BeforeAll {
    . $PSScriptRoot/common.ps1
    # Anything that wrongly falls back to the default store (./.sweeps) lands in TestDrive, where it is checked.
    Push-Location $TestDrive

    $script:GridYaml = @'
method: grid
name: from-yaml
description: a small grid
seed: 11
run_cap: 5
metric:
  name: loss
  goal: maximize
parameters:
  lr:
    values: [0.1, 0.01]
  batch:
    value: 16
'@
    $script:RandomJson = @'
{
  "method": "random",
  "name": "from-json",
  "seed": 21,
  "metric": { "name": "acc", "goal": "maximize" },
  "parameters": {
    "lr": { "min": 0.001, "max": 0.1 },
    "layers": { "values": [1, 2, 3] }
  }
}
'@
}

AfterAll {
    Pop-Location
}

Describe 'New-Sweep' {
    Context 'parameter set Path (YAML file)' {
        It 'creates a sweep with the settings of the file' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text $GridYaml -Name 'grid.yaml'
            $sweep = New-Sweep -Path $file -Store $store

            $sweep | Should -BeOfType ([Sweeps.SweepInfo])
            $sweep.Id | Should -Match '^[a-z0-9]{8}$'
            $sweep.Name | Should -Be 'from-yaml'
            $sweep.Method | Should -Be 'grid'
            $sweep.Metric | Should -Be 'loss'
            $sweep.Goal | Should -Be 'maximize'
            $sweep.Seed | Should -Be 11
            $sweep.RunCap | Should -Be 5
            $sweep.Description | Should -Be 'a small grid'
            $sweep.State | Should -Be 'running'
            $sweep.RunCount | Should -Be 0
            $sweep.Store | Should -Be $store
            $sweep.Path | Should -Be (Join-Path $store $sweep.Id)
            Test-Path -LiteralPath (Join-Path $sweep.Path 'journal.jsonl') | Should -BeTrue
        }

        It 'keeps the config text as written beside the sweep' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text $GridYaml -Name 'kept.yaml'
            $sweep = New-Sweep -Path $file -Store $store
            Get-Content -LiteralPath (Join-Path $sweep.Path 'config.yaml') -Raw | Should -Be (Get-Content -LiteralPath $file -Raw)
        }

        It 'takes the path by position and relative to the current location' {
            $store = New-TestStore
            $folder = Join-Path $TestDrive 'relative'
            $null = New-TestConfigFile -Text $GridYaml -Name 'rel.yaml' -Folder $folder
            Push-Location $folder
            try { $sweep = New-Sweep 'rel.yaml' -Store $store }
            finally { Pop-Location }
            $sweep.Name | Should -Be 'from-yaml'
            @(Get-Sweep -Store $store).Count | Should -Be 1
        }
    }

    Context 'parameter set Path (JSON file)' {
        It 'creates a sweep from a JSON config' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text $RandomJson -Name 'random.json'
            $sweep = New-Sweep -Path $file -Store $store
            $sweep.Name | Should -Be 'from-json'
            $sweep.Method | Should -Be 'random'
            $sweep.Metric | Should -Be 'acc'
            $sweep.Goal | Should -Be 'maximize'
            $sweep.Seed | Should -Be 21
            $sweep.RunCap | Should -BeNullOrEmpty
        }
    }

    Context 'parameter set Config (hashtable)' {
        It 'creates a sweep from a hashtable' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $SmallGrid -Store $store
            $sweep.Method | Should -Be 'grid'
            $sweep.Metric | Should -Be 'loss'
            $sweep.Goal | Should -Be 'minimize'
            # Without a name the sweep is named by its id.
            $sweep.Name | Should -Be $sweep.Id
            (Get-Command New-Sweep).ParameterSets.Name | Should -Contain 'Config'
        }

        It 'draws and records a seed when neither the config nor -Seed gives one' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $SmallGrid -Store $store
            $sweep.Seed | Should -BeGreaterOrEqual 0
            (Get-Sweep -Id $sweep.Id -Store $store).Seed | Should -Be $sweep.Seed
        }

        It 'rejects a negative -Seed' {
            $store = New-TestStore
            { New-Sweep -Config $SmallGrid -Store $store -Seed -1 -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Sweeps.Commands.NewSweepCommand'
            Get-StoreEntry -Store $store | Should -HaveCount 0
        }
    }

    Context 'pipeline input' {
        It 'creates one sweep per file piped from Get-ChildItem (bound through FullName)' {
            $store = New-TestStore
            $folder = Join-Path $TestDrive ('piped-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
            $null = New-TestConfigFile -Text "method: grid`nname: first`nparameters:`n  a:`n    values: [1, 2]`n" -Name 'one.yaml' -Folder $folder
            $null = New-TestConfigFile -Text "method: random`nname: second`nparameters:`n  b:`n    min: 0.0`n    max: 1.0`n" -Name 'two.yaml' -Folder $folder
            $null = New-TestConfigFile -Text '{ "method": "grid" }' -Name 'ignored.json' -Folder $folder

            # Pushing elsewhere proves FullName (not the bare Name) was bound.
            Push-Location (New-TestStore -Prefix 'elsewhere')
            try { $sweeps = @(Get-ChildItem -Path (Join-Path $folder '*.yaml') | New-Sweep -Store $store) }
            finally { Pop-Location }

            $sweeps | Should -HaveCount 2
            @($sweeps.Name | Sort-Object) | Should -Be @('first', 'second')
            @((Get-Sweep -Store $store).Name | Sort-Object) | Should -Be @('first', 'second')
            ($sweeps | Where-Object Name -EQ 'second').Method | Should -Be 'random'
        }

        It 'binds a Path property from the pipeline' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text $GridYaml
            $sweep = [pscustomobject]@{ Path = $file } | New-Sweep -Store $store
            $sweep.Name | Should -Be 'from-yaml'
        }
    }

    Context '-Name and -Seed' {
        It 'overrides the config name and seed' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text $GridYaml
            $sweep = New-Sweep -Path $file -Store $store -Name 'renamed' -Seed 99
            $sweep.Name | Should -Be 'renamed'
            $sweep.Seed | Should -Be 99
            $again = Get-Sweep -Id $sweep.Id -Store $store
            $again.Name | Should -Be 'renamed'
            $again.Seed | Should -Be 99
        }

        It 'overrides the name and seed of a hashtable config' {
            $store = New-TestStore
            $config = @{ method = 'random'; name = 'inner'; seed = 3; parameters = @{ x = @{ min = 0.0; max = 1.0 } } }
            $sweep = New-Sweep -Config $config -Store $store -Name 'outer' -Seed 4
            $sweep.Name | Should -Be 'outer'
            $sweep.Seed | Should -Be 4
        }
    }

    Context '-WhatIf' {
        It 'creates nothing with -Path' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text $GridYaml
            $out = New-Sweep -Path $file -Store $store -WhatIf
            $out | Should -BeNullOrEmpty
            Get-StoreEntry -Store $store | Should -HaveCount 0
            @(Get-Sweep -Store $store) | Should -HaveCount 0
        }

        It 'creates nothing with -Config, not even the store folder' {
            $store = Join-Path (New-TestStore) 'not-yet'
            $out = New-Sweep -Config $SmallGrid -Store $store -WhatIf
            $out | Should -BeNullOrEmpty
            Test-Path -LiteralPath $store | Should -BeFalse
        }
    }

    Context 'invalid configs' {
        It 'reports every problem at once as InvalidSweepConfig and creates nothing' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text @'
method: sideways
metric:
  goal: upward
parameters:
  lr:
    min: 1.0
    max: 0.5
run_cap: 0
'@
            $out = New-Sweep -Path $file -Store $store -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'InvalidSweepConfig,Sweeps.Commands.NewSweepCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidData)
            $err[0].TargetObject | Should -Be $file
            $problems = $err[0].Exception.Problems
            @($problems.Path) | Should -Contain 'method'
            @($problems.Path) | Should -Contain 'metric.name'
            @($problems.Path) | Should -Contain 'metric.goal'
            @($problems.Path) | Should -Contain 'parameters.lr.min'
            @($problems.Path) | Should -Contain 'run_cap'
            $problems.Count | Should -Be 5
            $err[0].Exception.Message | Should -BeLike '*has 5 problems*'
            $err[0].Exception.Message | Should -BeLike '*line 1: method*'
            $err[0].Exception.Message | Should -BeLike '*line 8: run_cap*'
            Get-StoreEntry -Store $store | Should -HaveCount 0
        }

        It 'reports an invalid hashtable config and creates nothing' {
            $store = New-TestStore
            $out = New-Sweep -Config @{ method = 'bayes'; parameters = @{} } -Store $store -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'InvalidSweepConfig,Sweeps.Commands.NewSweepCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            @($err[0].Exception.Problems.Path | Sort-Object) | Should -Be @('metric', 'parameters')
            $err[0].Exception.Message | Should -BeLike '*metric: Bayesian search requires "metric" section*'
            Get-StoreEntry -Store $store | Should -HaveCount 0
        }

        It 'reports a grid over a continuous parameter' {
            $store = New-TestStore
            $config = @{ method = 'grid'; parameters = @{ lr = @{ min = 0.0; max = 1.0 } } }
            New-Sweep -Config $config -Store $store -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -Be 'InvalidSweepConfig,Sweeps.Commands.NewSweepCommand'
            $err[0].Exception.Problems[0].Path | Should -Be 'parameters.lr'
            $err[0].Exception.Message | Should -BeLike '*disallowed type with grid search*'
            Get-StoreEntry -Store $store | Should -HaveCount 0
        }

        # YamlDotNet throws InvalidOperationException (not YamlException) on an unclosed flow sequence.
        It 'reports unparseable YAML (unclosed flow sequence) as InvalidSweepConfig' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text "method: grid`nparameters:`n  a:`n    values: [1, 2`n  b:`n    value: 1`n"
            $thrown = $null
            try { $out = New-Sweep -Path $file -Store $store -ErrorAction SilentlyContinue -ErrorVariable err }
            catch { $thrown = $_ }
            $thrown | Should -BeNullOrEmpty
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'InvalidSweepConfig,Sweeps.Commands.NewSweepCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            Get-StoreEntry -Store $store | Should -HaveCount 0
        }

        It 'reports a missing file as ConfigFileNotFound' {
            $store = New-TestStore
            $missing = Join-Path $TestDrive 'no-such-config.yaml'
            $out = New-Sweep -Path $missing -Store $store -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'ConfigFileNotFound,Sweeps.Commands.NewSweepCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            $err[0].Exception.Message | Should -BeLike "*$missing*"
            Get-StoreEntry -Store $store | Should -HaveCount 0
        }

        It 'goes on with the next piped file after a bad one' {
            $store = New-TestStore
            $good = New-TestConfigFile -Text $GridYaml
            $missing = Join-Path $TestDrive 'missing.yaml'
            $out = @($missing, $good | New-Sweep -Store $store -ErrorAction SilentlyContinue -ErrorVariable err)
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'ConfigFileNotFound,Sweeps.Commands.NewSweepCommand'
            $out | Should -HaveCount 1
            $out[0].Name | Should -Be 'from-yaml'
        }
    }

    Context 'warnings' {
        It 'warns about a deprecated distribution (log_uniform) and still creates the sweep' {
            $store = New-TestStore
            $config = @{ method = 'random'; parameters = @{ lr = @{ distribution = 'log_uniform'; min = -5; max = 0 } } }
            $sweep = New-Sweep -Config $config -Store $store -WarningVariable warnings -WarningAction SilentlyContinue
            $sweep | Should -Not -BeNullOrEmpty
            $warnings | Should -HaveCount 1
            $warnings[0].Message | Should -BeLike '*parameters.lr.distribution*log_uniform*log_uniform_values*'
        }

        It 'warns that entity and project are ignored' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text @'
method: grid
entity: my-team
project: my-project
parameters:
  a:
    values: [1]
'@
            $sweep = New-Sweep -Path $file -Store $store -WarningVariable warnings -WarningAction SilentlyContinue
            $sweep | Should -Not -BeNullOrEmpty
            $warnings | Should -HaveCount 2
            $warnings[0].Message | Should -BeLike 'line 2: entity: ignored*'
            $warnings[1].Message | Should -BeLike 'line 3: project: ignored*'
        }

        It 'does not warn about a clean config' {
            $store = New-TestStore
            $null = New-Sweep -Config $SmallGrid -Store $store -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings | Should -HaveCount 0
        }
    }

    Context 'the default store from $env:SWEEPS_STORE' {
        BeforeAll {
            $script:SavedStoreVariable = $env:SWEEPS_STORE
        }
        AfterAll {
            if ($null -eq $script:SavedStoreVariable) { Remove-Item Env:SWEEPS_STORE -ErrorAction SilentlyContinue }
            else { $env:SWEEPS_STORE = $script:SavedStoreVariable }
        }

        It 'creates and finds sweeps in $env:SWEEPS_STORE when -Store is not given' {
            $store = New-TestStore -Prefix 'env'
            $other = New-TestStore -Prefix 'other'
            $env:SWEEPS_STORE = $store
            try {
                $sweep = New-Sweep -Config $SmallGrid -Name 'env-sweep'
                $sweep.Store | Should -Be $store
                Test-Path -LiteralPath (Join-Path $store $sweep.Id 'journal.jsonl') | Should -BeTrue
                (Get-Sweep).Id | Should -Be $sweep.Id
                # -Store still wins over the variable.
                @(Get-Sweep -Store $other) | Should -HaveCount 0
            }
            finally {
                if ($null -eq $script:SavedStoreVariable) { Remove-Item Env:SWEEPS_STORE -ErrorAction SilentlyContinue }
                else { $env:SWEEPS_STORE = $script:SavedStoreVariable }
            }
            $env:SWEEPS_STORE | Should -Be $script:SavedStoreVariable
        }
    }

    It 'never wrote to the default store ./.sweeps' {
        Test-Path -LiteralPath (Join-Path $TestDrive '.sweeps') | Should -BeFalse
    }
}
