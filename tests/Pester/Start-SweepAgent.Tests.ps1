BeforeAll {
    . $PSScriptRoot/common.ps1
    Push-Location $TestDrive

    # Written in this order on purpose: W&B sorts parameters by name (batch before lr), the last varies fastest,
    # and each parameter's values keep their written order (32 before 16).
    $script:GridOrderYaml = @'
method: grid
metric:
  name: loss
parameters:
  lr:
    values: [0.1, 0.01]
  batch:
    values: [32, 16]
  opt:
    value: adam
'@

    $script:RandomConfig = @{
        method     = 'random'
        metric     = @{ name = 'loss' }
        parameters = @{
            lr     = @{ distribution = 'log_uniform_values'; min = 0.0001; max = 0.1 }
            layers = @{ values = @(1, 2, 3, 4, 5) }
            width  = @{ min = 8; max = 512 }
        }
    }
}

AfterAll {
    Pop-Location
}

Describe 'Start-SweepAgent' {
    Context 'grid search' {
        It 'runs the grid in W&B order: parameters by name, last varies fastest, values as written' {
            $store = New-TestStore
            $sweep = New-Sweep -Path (New-TestConfigFile -Text $GridOrderYaml) -Store $store
            $seen = [System.Collections.Generic.List[string]]::new()
            $results = @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                    param($Run)
                    $seen.Add(('{0}/{1}/{2}' -f $Run.Config.batch, $Run.Config.lr, $Run.Config.opt))
                })
            @($seen) | Should -Be @('32/0.1/adam', '32/0.01/adam', '16/0.1/adam', '16/0.01/adam')
            @($results | ForEach-Object { '{0}/{1}' -f $_.batch, $_.lr }) | Should -Be @('32/0.1', '32/0.01', '16/0.1', '16/0.01')
            @($results.Number) | Should -Be @(1, 2, 3, 4)
        }

        It 'stops when the grid is exhausted and marks the sweep finished' {
            $store = New-TestStore
            $sweep = New-Sweep -Config @{ method = 'grid'; parameters = @{ a = @{ values = @(1, 2, 3) } } } -Store $store
            $results = @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { } -Verbose 4>&1)
            $runs = @($results | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            $verbose = @($results | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $runs | Should -HaveCount 3
            @($runs.a) | Should -Be @(1, 2, 3)
            $verbose[-1].Message | Should -BeLike 'Agent stopped after 3 runs*grid points taken*'

            $info = Get-Sweep -Id $sweep.Id -Store $store
            $info.State | Should -Be 'finished'
            $info.StateReason | Should -Be 'all 3 grid points taken'
            $info.RunCount | Should -Be 3
        }

        It 'gives no runs from an exhausted grid and warns' {
            $store = New-TestStore
            $sweep = New-Sweep -Config @{ method = 'grid'; parameters = @{ a = @{ values = @(1) } } } -Store $store
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { }
            $ran = [System.Collections.Generic.List[object]]::new()
            $again = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { $ran.Add(1) } -WarningVariable warnings -WarningAction SilentlyContinue
            $again | Should -BeNullOrEmpty
            $ran.Count | Should -Be 0
            $warnings | Should -HaveCount 1
            $warnings[0].Message | Should -BeLike "Sweep $($sweep.Id) has no runs to give: the sweep is finished*"
            (Get-Sweep -Id $sweep.Id -Store $store).RunCount | Should -Be 1
        }

        It 'continues the grid where an earlier agent (-Count) stopped, without repeating a point' {
            $store = New-TestStore
            $sweep = New-Sweep -Path (New-TestConfigFile -Text $GridOrderYaml) -Store $store
            $first = @(Start-SweepAgent -Sweep $sweep -Store $store -Count 3 -ScriptBlock { })
            $first | Should -HaveCount 3
            (Get-Sweep -Id $sweep.Id -Store $store).State | Should -Be 'running'
            $second = @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { })
            $second | Should -HaveCount 1
            '{0}/{1}' -f $second[0].batch, $second[0].lr | Should -Be '16/0.01'
            $second[0].Number | Should -Be 4
            (Get-Sweep -Id $sweep.Id -Store $store).State | Should -Be 'finished'
        }
    }

    Context 'random search' {
        It 'draws the same parameters in two sweeps with the same seed' {
            $store = New-TestStore
            $one = New-Sweep -Config $RandomConfig -Store $store -Seed 1234
            $two = New-Sweep -Config $RandomConfig -Store $store -Seed 1234
            $a = @(Start-SweepAgent -Sweep $one -Store $store -Count 3 -ScriptBlock { })
            $b = @(Start-SweepAgent -Sweep $two -Store $store -Count 3 -ScriptBlock { })
            $a | Should -HaveCount 3
            $b | Should -HaveCount 3
            for ($i = 0; $i -lt 3; $i++) {
                $b[$i].lr | Should -Be $a[$i].lr
                $b[$i].layers | Should -Be $a[$i].layers
                $b[$i].width | Should -Be $a[$i].width
            }
            # The draws differ from run to run, and lie within their ranges.
            @($a.lr | Select-Object -Unique) | Should -HaveCount 3
            $a | ForEach-Object {
                $_.lr | Should -BeGreaterOrEqual 0.0001
                $_.lr | Should -BeLessOrEqual 0.1
                $_.layers | Should -BeIn @(1, 2, 3, 4, 5)
                $_.width | Should -BeOfType ([long])
                $_.width | Should -BeGreaterOrEqual 8
                $_.width | Should -BeLessOrEqual 512
            }
        }

        It 'draws different parameters with a different seed' {
            $store = New-TestStore
            $one = New-Sweep -Config $RandomConfig -Store $store -Seed 1
            $two = New-Sweep -Config $RandomConfig -Store $store -Seed 2
            $a = @(Start-SweepAgent -Sweep $one -Store $store -Count 2 -ScriptBlock { })
            $b = @(Start-SweepAgent -Sweep $two -Store $store -Count 2 -ScriptBlock { })
            @($a.lr) | Should -Not -Be @($b.lr)
        }

        It 'uses the seed of the config file when -Seed is not given' {
            $store = New-TestStore
            $withSeed = $RandomConfig.Clone()
            $withSeed['seed'] = 77
            $one = New-Sweep -Config $withSeed -Store $store
            $two = New-Sweep -Config $RandomConfig -Store $store -Seed 77
            $one.Seed | Should -Be 77
            $a = @(Start-SweepAgent -Sweep $one -Store $store -Count 2 -ScriptBlock { })
            $b = @(Start-SweepAgent -Sweep $two -Store $store -Count 2 -ScriptBlock { })
            @($a.lr) | Should -Be @($b.lr)
        }

        It 'stops at run_cap and marks the sweep finished' {
            $store = New-TestStore
            $capped = $RandomConfig.Clone()
            $capped['run_cap'] = 3
            $sweep = New-Sweep -Config $capped -Store $store
            $results = @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { })
            $results | Should -HaveCount 3
            $info = Get-Sweep -Id $sweep.Id -Store $store
            $info.RunCap | Should -Be 3
            $info.State | Should -Be 'finished'
            $info.StateReason | Should -Be 'run_cap of 3 reached'
            @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { } -WarningAction SilentlyContinue) | Should -HaveCount 0
        }

        It 'runs -Count runs and leaves the sweep running' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $RandomConfig -Store $store
            @(Start-SweepAgent -Sweep $sweep -Store $store -Count 2 -ScriptBlock { }) | Should -HaveCount 2
            $info = Get-Sweep -Id $sweep.Id -Store $store
            $info.RunCount | Should -Be 2
            $info.State | Should -Be 'running'
        }
    }

    Context 'the $Run a scriptblock receives' {
        It 'has Id, SweepId, Number, an existing Dir and the Config' {
            $store = New-TestStore
            $sweep = New-Sweep -Path (New-TestConfigFile -Text $GridOrderYaml) -Store $store
            $seen = [System.Collections.Generic.List[object]]::new()
            $results = @(Start-SweepAgent -Sweep $sweep -Store $store -Count 2 -ScriptBlock {
                    param($Run)
                    $seen.Add([pscustomobject]@{
                            Run       = $Run
                            DirExists = Test-Path -LiteralPath $Run.Dir -PathType Container
                            Config    = $Run.Config
                        })
                })
            $seen | Should -HaveCount 2
            for ($i = 0; $i -lt 2; $i++) {
                $run = $seen[$i].Run
                $run | Should -BeOfType ([Sweeps.SweepRunInfo])
                $run.Id | Should -Match '^[a-z0-9]{8}$'
                $run.Id | Should -Be $results[$i].Id
                $run.SweepId | Should -Be $sweep.Id
                $run.Number | Should -Be ($i + 1)
                $seen[$i].DirExists | Should -BeTrue
                $run.Dir | Should -Be (Join-Path $sweep.Path 'runs' $run.Id)
                $seen[$i].Config | Should -BeOfType ([Sweeps.RunConfig])
                $run.ToString() | Should -Be "$($sweep.Id)/$($run.Id)"
            }
            $seen[0].Config.batch | Should -Be 32
            $seen[0].Config.lr | Should -Be 0.1
            $seen[0].Config.opt | Should -Be 'adam'
            $seen[1].Config.lr | Should -Be 0.01
            @($seen[0].Config.Keys | Sort-Object) | Should -Be @('batch', 'lr', 'opt')
            $seen[0].Config.Count | Should -Be 3
            $seen[0].Config['lr'] | Should -Be 0.1
            $seen[0].Config.ContainsKey('momentum') | Should -BeFalse
            ([hashtable]$seen[0].Config).lr | Should -Be 0.1
            ($seen[0].Config | ConvertTo-Json -Compress | ConvertFrom-Json -AsHashtable).Keys | Sort-Object | Should -Be @('batch', 'lr', 'opt')
        }

        It 'fails a run that reads a key its config does not have, naming the keys it has, with and without a throttle' {
            $store = New-TestStore
            $sweep = New-Sweep -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ lr = @{ values = @(0.1, 0.2) }; opt = @{ parameters = @{ beta = @{ value = 0.9 } } } } } -Store $store
            $here = Start-SweepAgent -Sweep $sweep -Store $store -Count 1 -ScriptBlock { param($Run) $x = $Run.Config.learning_rate; @{ loss = 1 } } -ErrorAction SilentlyContinue
            $here.State | Should -Be 'failed'
            $here.Error | Should -BeLike "`$Run.Config has no key 'learning_rate' (it has: lr, opt)*"
            $nested = @(Start-SweepAgent -Sweep $sweep -Store $store -Count 1 -ThrottleLimit 2 -ScriptBlock { param($Run) @{ loss = $Run.Config.opt['betta'] } } -ErrorAction SilentlyContinue)
            $nested.State | Should -Be 'failed'
            $nested.Error | Should -BeLike "`$Run.Config.opt has no key 'betta' (it has: beta); did you mean 'beta'?*"
        }

        It 'gets nested parameters as nested configs' {
            $store = New-TestStore
            $file = New-TestConfigFile -Text @'
method: grid
parameters:
  optimizer:
    parameters:
      name:
        values: [adam, sgd]
      lr:
        value: 0.001
      schedule:
        parameters:
          warmup:
            value: 5
  epochs:
    value: 2
'@
            $sweep = New-Sweep -Path $file -Store $store
            $configs = [System.Collections.Generic.List[object]]::new()
            $results = @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { param($Run) $configs.Add($Run.Config) })
            $results | Should -HaveCount 2
            $configs[0].optimizer | Should -BeOfType ([Sweeps.RunConfig])
            $configs[0].optimizer.name | Should -Be 'adam'
            $configs[0].optimizer.lr | Should -Be 0.001
            $configs[0].optimizer.schedule | Should -BeOfType ([Sweeps.RunConfig])
            $configs[0].optimizer.schedule.warmup | Should -Be 5
            $configs[0].epochs | Should -Be 2
            $configs[1].optimizer.name | Should -Be 'sgd'
            # In results, nested parameters are dotted columns.
            $results[1].'optimizer.name' | Should -Be 'sgd'
            $results[1].'optimizer.schedule.warmup' | Should -Be 5
        }

        It 'runs the scriptblock in the caller''s scope, seeing its functions and variables' {
            $store = New-TestStore
            function Get-TestLoss { param($x) 1.5 * $x }
            $offset = 0.25
            $sweep = New-Sweep -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ values = @(2) } } } -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { param($Run) (Get-TestLoss $Run.Config.x) + $offset }
            $r.loss | Should -Be 3.25
        }
    }

    Context 'what the scriptblock outputs' {
        BeforeAll {
            $script:MetricSweepConfig = @{ method = 'grid'; metric = @{ name = 'loss'; goal = 'minimize' }; parameters = @{ a = @{ values = @(1) } } }
        }

        It 'takes each output hashtable as a history row' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $MetricSweepConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                @{ epoch = 1; loss = 0.9; acc = 0.5 }
                @{ epoch = 2; loss = 0.4 }
            }
            $r.State | Should -Be 'finished'
            $r.loss | Should -Be 0.4
            $r.acc | Should -Be 0.5
            $r.epoch | Should -Be 2
            $detail = Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store
            $detail.History | Should -HaveCount 2
            $detail.History[0].loss | Should -Be 0.9
            $detail.History[1].epoch | Should -Be 2
            $detail.History[1]._step | Should -Be 1
        }

        It 'takes an output object with properties as a history row' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $MetricSweepConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { [pscustomobject]@{ loss = 0.3; step = 7 } }
            $r.loss | Should -Be 0.3
            $r.step | Should -Be 7
            (Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store).History | Should -HaveCount 1
        }

        It 'logs a bare number as the sweep''s metric' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $MetricSweepConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { 0.5; 0.125 }
            $r.loss | Should -Be 0.125
            $detail = Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store
            @($detail.History.loss) | Should -Be @(0.5, 0.125)
            $detail.Summary['loss'] | Should -Be 0.125
            (Get-Sweep -Id $sweep.Id -Store $store).Best | Should -Be 0.125
        }

        It 'ignores a bare number when the sweep has no metric' {
            $store = New-TestStore
            $sweep = New-Sweep -Config @{ method = 'grid'; parameters = @{ a = @{ values = @(1) } } } -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { 42 }
            $r.State | Should -Be 'finished'
            (Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store).History | Should -HaveCount 0
        }

        It 'shows the strings a block writes to its output as the run''s output, with and without a throttle' {
            $store = New-TestStore
            $sweep = New-Sweep -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ a = @{ values = @(1, 2) } } } -Store $store
            $null = Start-SweepAgent -Sweep $sweep -Store $store -Count 1 -InformationVariable said -ScriptBlock {
                param($Run) "epoch 1 of run $($Run.Number)"; @{ loss = 0.5 }
            } 6>$null
            @($said | ForEach-Object { "$_" }) | Should -Contain 'epoch 1 of run 1'
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ThrottleLimit 2 -InformationVariable said2 -ScriptBlock {
                param($Run) "epoch 1 of run $($Run.Number)"; @{ loss = 0.5 }
            } 6>$null
            @($said2 | ForEach-Object { "$_" }) | Should -Contain '[2] epoch 1 of run 2'
            (Get-SweepRun -Sweep $sweep.Id -Id (Get-SweepResult -Sweep $sweep.Id -Store $store)[0].Id -Store $store).History.loss | Should -Be 0.5
        }

        It 'fails a run whose block calls a command that does not exist, saying why (a session function with -ThrottleLimit)' {
            function Get-SessionLoss { 0.5 }
            $store = New-TestStore
            $sweep = New-Sweep -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ a = @{ values = @(1, 2, 3) } } } -Store $store
            $here = Start-SweepAgent -Sweep $sweep -Store $store -Count 1 -ScriptBlock { @{ loss = Get-SessionLoss } }
            $here.State | Should -Be 'finished' # the session's function is there on the caller's thread
            $throttled = @(Start-SweepAgent -Sweep $sweep -Store $store -Count 1 -ThrottleLimit 2 -ScriptBlock { @{ loss = Get-SessionLoss } } 6>$null)
            $throttled.State | Should -Be 'failed'
            $throttled.Error | Should -BeLike "*called 'Get-SessionLoss', which its runspace does not have*Define 'Get-SessionLoss' inside the block*"
            $typo = Start-SweepAgent -Sweep $sweep -Store $store -Count 1 -ScriptBlock { Get-SesionLoss; @{ loss = 1 } } -ErrorAction SilentlyContinue
            $typo.State | Should -Be 'failed'
            $typo.Error | Should -Match "'Get-SesionLoss'.*(does not exist|not recognized)"
        }

        It 'marks a run that throws as failed, keeps the error and goes on to the next run' {
            $store = New-TestStore
            $sweep = New-Sweep -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ a = @{ values = @(1, 2) } } } -Store $store
            $results = @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                    param($Run)
                    @{ loss = 1.0 }
                    if ($Run.Config.a -eq 1) { throw "diverged at a=$($Run.Config.a)" }
                    @{ loss = 0.2 }
                })
            $results | Should -HaveCount 2
            $results[0].State | Should -Be 'failed'
            $results[0].Error | Should -BeLike 'diverged at a=1*'
            $results[0].loss | Should -Be 1.0
            $results[1].State | Should -Be 'finished'
            $results[1].Error | Should -BeNullOrEmpty
            $info = Get-Sweep -Id $sweep.Id -Store $store
            $info.Failed | Should -Be 1
            $info.Finished | Should -Be 1
            # A failed run never counts as the best.
            $info.Best | Should -Be 0.2
            $info.BestRunId | Should -Be $results[1].Id
            (Get-SweepResult -Sweep $sweep.Id -Store $store | Where-Object State -EQ 'failed').Error | Should -BeLike 'diverged at a=1*'
        }

        # As with ForEach-Object: the block's errors and warnings reach -ErrorVariable, -WarningVariable and redirection.
        It 'passes the scriptblock''s non-terminating errors to the caller''s error stream and still finishes the run' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $MetricSweepConfig -Store $store
            $out = @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { Write-Error 'soft problem'; Write-Warning 'soft warning'; 0.1 } -ErrorVariable err -WarningVariable warnings 2>&1 3>&1)
            $results = @($out | Where-Object { $_.PSObject.TypeNames -contains 'Sweeps.RunResult' })
            $results | Should -HaveCount 1
            $results[0].Error | Should -BeNullOrEmpty
            $results[0].State | Should -Be 'finished'
            $results[0].loss | Should -Be 0.1
            @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message) | Should -Be @('soft warning')
            @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" }) | Should -Be @('soft problem')
            @($err | ForEach-Object { "$_" }) | Should -Be @('soft problem')
            @($warnings | ForEach-Object Message) | Should -Be @('soft warning')
        }
    }

    Context 'pipeline input' {
        It 'takes the sweep from New-Sweep on the pipeline, finding its store without -Store' {
            $store = New-TestStore
            $results = @(New-Sweep -Config $SmallGrid -Store $store | Start-SweepAgent -ScriptBlock { param($Run) $Run.Config.lr })
            $results | Should -HaveCount 4
            $results | ForEach-Object { $_.State | Should -Be 'finished' }
            @(Get-SweepResult -Sweep (Get-Sweep -Store $store) -Store $store) | Should -HaveCount 4
            Test-Path -LiteralPath (Join-Path $TestDrive '.sweeps') | Should -BeFalse
        }

        It 'takes a sweep id or name from the pipeline' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $SmallGrid -Store $store -Name 'named'
            @('named' | Start-SweepAgent -Store $store -Count 1 -ScriptBlock { }) | Should -HaveCount 1
            @($sweep.Id | Start-SweepAgent -Store $store -Count 1 -ScriptBlock { }) | Should -HaveCount 1
            (Get-Sweep -Id $sweep.Id -Store $store).RunCount | Should -Be 2
        }
    }

    Context 'errors' {
        It 'reports SweepNotFound for an unknown sweep' {
            $store = New-TestStore
            $out = Start-SweepAgent -Sweep 'nosuchsweep' -Store $store -ScriptBlock { } -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'SweepNotFound,Sweeps.Commands.StartSweepAgentCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            Get-StoreEntry -Store $store | Should -HaveCount 0
        }

        It 'reports SweepNotFound for a pattern that matches nothing' {
            $store = New-TestStore
            $null = New-Sweep -Config $SmallGrid -Store $store -Name 'one'
            Start-SweepAgent -Sweep 'zz*' -Store $store -ScriptBlock { } -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'SweepNotFound,Sweeps.Commands.StartSweepAgentCommand'
        }

        It 'reports SweepAmbiguous when a pattern matches several sweeps, and runs nothing' {
            $store = New-TestStore
            $null = New-Sweep -Config $SmallGrid -Store $store -Name 'exp-a'
            $null = New-Sweep -Config $SmallGrid -Store $store -Name 'exp-b'
            $out = Start-SweepAgent -Sweep 'exp-*' -Store $store -ScriptBlock { } -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'SweepAmbiguous,Sweeps.Commands.StartSweepAgentCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
            @(Get-Sweep -Store $store | Where-Object RunCount -GT 0) | Should -HaveCount 0
        }

        It 'rejects -Count 0' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $SmallGrid -Store $store
            { Start-SweepAgent -Sweep $sweep -Store $store -Count 0 -ScriptBlock { } -ErrorAction Stop } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,Sweeps.Commands.StartSweepAgentCommand'
        }
    }

    It 'completes -Sweep with the sweep ids of the store on the command line' {
        $store = New-TestStore
        $sweep = New-Sweep -Config $SmallGrid -Store $store -Name 'completion-target'
        $null = New-Sweep -Config $SmallGrid -Store $store -Name 'zzz-other'
        Get-CompletionText -Line "Start-SweepAgent -Store '$store' -Sweep completion-t" | Should -Be @($sweep.Id)
        Get-CompletionText -Line "Start-SweepAgent -Store '$store' -Sweep $($sweep.Id.Substring(0, 7))" | Should -Contain $sweep.Id
    }
}

Describe 'Start-SweepAgent with bayes' {
    BeforeAll { . $PSScriptRoot/common.ps1 }

    It 'minimises a function of a continuous, an integer and a categorical parameter' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Seed 3 -Config @{
            method = 'bayes'; metric = @{ name = 'loss'; goal = 'minimize' }; run_cap = 20
            parameters = @{ x = @{ min = -2.0; max = 2.0 }; n = @{ min = 1; max = 5 }; act = @{ values = @('relu', 'tanh') } }
        }
        $results = @($sweep | Start-SweepAgent -Store $store -ScriptBlock {
            param($Run)
            $c = $Run.Config
            @{ loss = [math]::Pow($c.x - 0.5, 2) + [math]::Abs($c.n - 2) + $(if ($c.act -eq 'tanh') { 0 } else { 1 }) }
        })
        $results | Should -HaveCount 20
        $best = $results | Sort-Object loss | Select-Object -First 1
        $best.loss | Should -BeLessThan 0.05
        $best.n | Should -Be 2
        $best.act | Should -Be 'tanh'
        (Get-Sweep -Store $store -Id $sweep.Id).StateReason | Should -Be 'run_cap of 20 reached'
    }
}
