BeforeAll {
    . $PSScriptRoot/common.ps1
    Push-Location $TestDrive

    # One store for the read-only tests: a finished 2x2 grid with a failed run, and a second sweep.
    $script:Store = New-TestStore
    $script:Grid = New-Sweep -Config $SmallGrid -Store $Store -Name 'grid-one'
    $script:GridResults = @(Start-SweepAgent -Sweep $Grid -Store $Store -ScriptBlock {
            param($Run)
            if ($Run.Number -eq 3) { throw 'run three failed' }
            @{ epoch = 1; loss = $Run.Config.lr * 10; acc = 0.5 }
            @{ epoch = 2; loss = $Run.Config.lr * 2 + $Run.Config.batch / 1000 }
        })
    $script:Other = New-Sweep -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ lr = @{ values = @(0.5) } } } -Store $Store -Name 'grid-two'
    $script:OtherResults = @(Start-SweepAgent -Sweep $Other -Store $Store -ScriptBlock { 0.75 })
}

AfterAll {
    Pop-Location
}

Describe 'Get-SweepResult' {
    Context 'how results are shown' {
        It 'shows a table of number, id, state, parameters, metric and runtime, doubles with significant digits' {
            $tiny = New-Sweep -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ lr = @{ values = @(1.05e-4, 0.5) } } } -Store $Store
            $null = Start-SweepAgent -Sweep $tiny -Store $Store -ScriptBlock { param($Run) @{ loss = $Run.Config.lr / 3 } }
            $lines = (Get-SweepResult -Sweep $tiny -Store $Store | Out-String -Width 120) -split "`n" | Where-Object { $_.Trim() }
            $lines[0] | Should -Match '^Number\s+Id\s+State\s+lr\s+loss\s+Runtime$'
            $lines | Should -HaveCount 4 # header, rule, two runs: a table, not a list of 7 lines per run
            $lines[2] | Should -Match '\s1\s+[a-z0-9]{8}\s+finished\s+0\.000105\s+3\.5E-05\s'
            $parameters = @{}; foreach ($i in 1..12) { $parameters["parameter_number_$i"] = @{ value = $i } }
            $wide = New-Sweep -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = $parameters } -Store $Store
            $null = Start-SweepAgent -Sweep $wide -Store $Store -ScriptBlock { 1 }
            (Get-SweepResult -Sweep $wide -Store $Store | Out-String -Width 300) | Should -Match 'parameter_number_12 : 12' # too wide for a table: a list
        }
    }

    Context 'result objects' {
        It 'returns one object per run, in run order' {
            $results = @(Get-SweepResult -Sweep $Grid.Id -Store $Store)
            $results | Should -HaveCount 4
            @($results.Number) | Should -Be @(1, 2, 3, 4)
            @($results.Id) | Should -Be @($GridResults.Id)
            $results | ForEach-Object {
                $_.PSObject.TypeNames | Should -Contain 'Sweeps.RunResult'
                $_.SweepId | Should -Be $Grid.Id
            }
        }

        It 'has the parameters and the summary metrics as properties' {
            $results = @(Get-SweepResult -Sweep $Grid.Id -Store $Store)
            # Grid order: batch (16, 32) slowest, lr (0.1, 0.01) fastest.
            $results[0].batch | Should -Be 16
            $results[0].lr | Should -Be 0.1
            $results[0].loss | Should -Be (0.1 * 2 + 16 / 1000)
            $results[0].acc | Should -Be 0.5
            $results[0].epoch | Should -Be 2
            $results[1].lr | Should -Be 0.01
            $results[3].batch | Should -Be 32
            $results[3].loss | Should -Be (0.01 * 2 + 32 / 1000)
            $results | Sort-Object loss | Select-Object -First 1 -ExpandProperty Id | Should -Be $results[1].Id
        }

        It 'has State and Error, with the error message of a failed run' {
            $results = @(Get-SweepResult -Sweep $Grid.Id -Store $Store)
            @($results.State) | Should -Be @('finished', 'finished', 'failed', 'finished')
            $results[2].Error | Should -BeLike 'run three failed*'
            $results[0].Error | Should -BeNullOrEmpty
            # The failed run logged nothing: its metric columns are absent.
            $results[2].PSObject.Properties.Name | Should -Not -Contain 'loss'
            $results[2].batch | Should -Be 32
        }

        It 'has Runtime as a number of seconds' {
            $results = @(Get-SweepResult -Sweep $Grid.Id -Store $Store)
            foreach ($r in $results) {
                $r.Runtime | Should -BeOfType ([double])
                $r.Runtime | Should -BeGreaterOrEqual 0
                $r.Runtime | Should -BeLessThan 60
            }
            $r.Created | Should -BeOfType ([DateTimeOffset])
        }

        It 'shows number, id, state, parameters, the metric and runtime by default' {
            $r = Get-SweepResult -Sweep $Grid.Id -Store $Store | Select-Object -First 1
            @($r.PSStandardMembers.DefaultDisplayPropertySet.ReferencedPropertyNames) | Should -Be @('Number', 'Id', 'State', 'batch', 'lr', 'loss', 'Runtime')
        }

        It 'works with Where-Object and Sort-Object' {
            $best = Get-SweepResult -Sweep $Grid.Id -Store $Store | Where-Object State -EQ 'finished' | Sort-Object loss | Select-Object -First 1
            $best.Id | Should -Be (Get-Sweep -Id $Grid.Id -Store $Store).BestRunId
        }

        It 'round-trips through Export-Csv with every column' {
            $results = @(Get-SweepResult -Sweep $Grid.Id -Store $Store)
            $csv = Join-Path $TestDrive 'results.csv'
            $results | Export-Csv -LiteralPath $csv -NoTypeInformation
            $back = @(Import-Csv -LiteralPath $csv)
            $back | Should -HaveCount 4
            @($back[0].PSObject.Properties.Name) | Should -Be @($results[0].PSObject.Properties.Name)
            $names = @($back[0].PSObject.Properties.Name)
            $names[0..5] | Should -Be @('SweepId', 'Id', 'Number', 'State', 'batch', 'lr')
            @($names[6..8] | Sort-Object) | Should -Be @('acc', 'epoch', 'loss')   # summary keys, in the order logged
            $names[9..11] | Should -Be @('Runtime', 'Created', 'Error')
            $back[0].Id | Should -Be $results[0].Id
            [double]$back[0].lr | Should -Be 0.1
            [int]$back[3].batch | Should -Be 32
            [double]$back[0].loss | Should -Be $results[0].loss
            $back[2].State | Should -Be 'failed'
            $back[2].Error | Should -BeLike 'run three failed*'
            [double]::Parse($back[0].Runtime, [cultureinfo]::InvariantCulture) | Should -Be $results[0].Runtime
        }

        It 'converts to JSON' {
            $results = @(Get-SweepResult -Sweep $Grid.Id -Store $Store)
            $json = $results | ConvertTo-Json -Depth 5
            $back = @($json | ConvertFrom-Json)
            $back | Should -HaveCount 4
            $back[0].Id | Should -Be $results[0].Id
            $back[0].lr | Should -Be 0.1
            $back[0].batch | Should -Be 16
            $back[0].loss | Should -Be $results[0].loss
            $back[2].State | Should -Be 'failed'
            $back[0].Runtime | Should -Be $results[0].Runtime
        }
    }

    Context 'choosing sweeps' {
        It 'takes a sweep name' {
            @(Get-SweepResult -Sweep 'grid-two' -Store $Store).Id | Should -Be $OtherResults.Id
        }

        It 'takes the sweep by position' {
            @(Get-SweepResult $Other.Id -Store $Store) | Should -HaveCount 1
        }

        It 'takes sweeps from Get-Sweep on the pipeline' {
            $all = @(Get-Sweep -Store $Store | Get-SweepResult)
            $all | Should -HaveCount 5
            @($all | Where-Object SweepId -EQ $Other.Id) | Should -HaveCount 1
            ($all | Where-Object SweepId -EQ $Other.Id).loss | Should -Be 0.75
        }

        It 'takes a sweep object as -Sweep without -Store' {
            @(Get-SweepResult -Sweep $Other) | Should -HaveCount 1
        }

        It 'returns the runs of every sweep a wildcard matches' {
            @(Get-SweepResult -Sweep 'grid-*' -Store $Store) | Should -HaveCount 5
        }

        It 'returns nothing for a sweep without runs' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $SmallGrid -Store $store
            Get-SweepResult -Sweep $sweep.Id -Store $store -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 0
        }

        It 'reports SweepNotFound for an unknown sweep' {
            $out = Get-SweepResult -Sweep 'no-such-sweep' -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'SweepNotFound,Sweeps.Commands.GetSweepResultCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            $err[0].TargetObject | Should -Be 'no-such-sweep'
        }

        It 'returns nothing and no error for a pattern that matches nothing' {
            Get-SweepResult -Sweep 'zzz*' -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 0
        }

        It 'completes -Sweep with the sweep ids of the store on the command line' {
            $completions = Get-CompletionText -Line "Get-SweepResult -Store '$Store' -Sweep grid-"
            @($completions | Sort-Object) | Should -Be @(@($Grid.Id, $Other.Id) | Sort-Object)
            Get-CompletionText -Line "Get-SweepResult -Store '$Store' -Sweep grid-t" | Should -Be @($Other.Id)
        }
    }

    Context 'the best run' {
        It 'is a finished run: never a killed or failed one with a better partial value' {
            $store = New-TestStore
            $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ values = @(1, 2, 3) } } }
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                param($Run)
                Write-SweepMetric @{ loss = 1.0 / $Run.Config.x } # 1, 0.5, 0.33
                if ($Run.Config.x -eq 3) { throw 'diverged' }      # the best value, but the run failed
            } -WarningAction SilentlyContinue
            (Get-SweepResult -Sweep $sweep.Id -Store $store -Best).x | Should -Be 2
            (Get-Sweep -Store $store -Id $sweep.Id).BestRunId | Should -Be (Get-SweepResult -Sweep $sweep.Id -Store $store -Best).Id
        }

        It 'is the most recent run, with a warning, for a sweep without a metric (as W&B does)' {
            $store = New-TestStore
            $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; parameters = @{ x = @{ values = @(1, 2) } } }
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { }
            $best = Get-SweepResult -Sweep $sweep.Id -Store $store -Best -WarningVariable warned -WarningAction SilentlyContinue
            $best.Number | Should -Be 2
            "$warned" | Should -BeLike '*has no metric*most recent run*'
        }
    }

    Context 'column names' {
        It 'names nested parameters with dots' {
            $store = New-TestStore
            $config = @{ method = 'grid'; parameters = @{ optimizer = @{ parameters = @{ lr = @{ value = 0.01 }; name = @{ values = @('adam') } } } } }
            $sweep = New-Sweep -Config $config -Store $store
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { }
            $r = Get-SweepResult -Sweep $sweep.Id -Store $store
            $r.'optimizer.lr' | Should -Be 0.01
            $r.'optimizer.name' | Should -Be 'adam'
        }

        It 'prefixes a parameter that would hide a built-in column with config., and a metric that would hide a parameter with summary.' {
            $store = New-TestStore
            $config = @{ method = 'grid'; parameters = @{ state = @{ value = 'custom' }; acc = @{ value = 1 } } }
            $sweep = New-Sweep -Config $config -Store $store
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { @{ acc = 0.9 } }
            $r = Get-SweepResult -Sweep $sweep.Id -Store $store
            $r.State | Should -Be 'finished'
            $r.'config.state' | Should -Be 'custom'
            $r.acc | Should -Be 1
            $r.'summary.acc' | Should -Be 0.9
        }
    }
}
