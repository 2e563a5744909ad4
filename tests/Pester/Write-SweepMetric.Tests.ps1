BeforeAll {
    . $PSScriptRoot/common.ps1
    Push-Location $TestDrive

    $script:OnePointConfig = @{ method = 'grid'; metric = @{ name = 'loss'; goal = 'minimize' }; parameters = @{ lr = @{ values = @(0.1) } } }
}

AfterAll {
    Pop-Location
}

Describe 'Write-SweepMetric' {
    Context 'inside a run' {
        It 'appends one history row per call, with _step counting from 0' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $OnePointConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                param($Run)
                foreach ($epoch in 1..3) { Write-SweepMetric @{ epoch = $epoch; loss = 1.0 / $epoch } }
            }
            $detail = Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store
            $detail.History | Should -HaveCount 3
            @($detail.History.epoch) | Should -Be @(1, 2, 3)
            @($detail.History._step) | Should -Be @(0, 1, 2)
            @($detail.History.loss) | Should -Be @(1.0, 0.5, (1.0 / 3))
            $detail.History | ForEach-Object { $_._timestamp | Should -BeGreaterThan 0 }
            # Each row is also a line of history.jsonl in the run's folder.
            @(Get-Content -LiteralPath (Join-Path $detail.Directory 'history.jsonl')) | Should -HaveCount 3
        }

        It 'makes the summary the last value of each key' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $OnePointConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                Write-SweepMetric @{ loss = 0.9; acc = 0.1; note = 'first' }
                Write-SweepMetric @{ loss = 0.5 }
                Write-SweepMetric @{ acc = 0.8 }
                Write-SweepMetric @{ loss = 0.7 }
            }
            $detail = Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store
            $detail.History | Should -HaveCount 4
            $detail.Summary['loss'] | Should -Be 0.7
            $detail.Summary['acc'] | Should -Be 0.8
            $detail.Summary['note'] | Should -Be 'first'
            @($detail.Summary.Keys | Sort-Object) | Should -Be @('acc', 'loss', 'note')
            # A row holds only what was logged in it.
            $detail.History[1].PSObject.Properties.Name | Should -Not -Contain 'acc'
            $r.loss | Should -Be 0.7
            $r.acc | Should -Be 0.8
            (Get-Sweep -Id $sweep.Id -Store $store).Best | Should -Be 0.7
        }

        It 'keeps integers, strings, booleans and nested values' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $OnePointConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                Write-SweepMetric @{ count = 3; name = 'x'; ok = $true; detail = @{ p = 0.25 } }
            }
            $row = (Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store).History[0]
            $row.count | Should -Be 3
            $row.count | Should -BeOfType ([long])
            $row.name | Should -Be 'x'
            $row.ok | Should -BeTrue
            $row.ok | Should -BeOfType ([bool])
            $row.detail.p | Should -Be 0.25
        }

        It 'takes metrics from the pipeline, one row each' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $OnePointConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                @{ loss = 0.3 }, @{ loss = 0.2 } | Write-SweepMetric
            }
            $detail = Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store
            @($detail.History.loss) | Should -Be @(0.3, 0.2)
            $detail.Summary['loss'] | Should -Be 0.2
        }

        It 'takes objects with properties too ([pscustomobject], Select-Object), and names what it cannot take' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $OnePointConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                [pscustomobject]@{ loss = 0.3; epoch = 1 } | Write-SweepMetric
                [pscustomobject]@{ loss = 0.2; epoch = 2; extra = 'x' } | Select-Object loss, epoch | Write-SweepMetric
                Write-SweepMetric 42 -ErrorVariable bad -ErrorAction SilentlyContinue
                $script:refused = $bad
            }
            $detail = Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store
            @($detail.History.loss) | Should -Be @(0.3, 0.2)
            @($detail.History.epoch) | Should -Be @(1, 2)
            $script:refused[0].FullyQualifiedErrorId | Should -BeLike 'InvalidMetricRow*'
            "$($script:refused[0])" | Should -BeLike '*hashtable or an object with properties*Int32*'
        }

        It 'logs to the run given with -Run' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $OnePointConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                param($Run)
                Write-SweepMetric -Run $Run -Metrics @{ loss = 0.05 }
            }
            $r.loss | Should -Be 0.05
            (Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store).History | Should -HaveCount 1
        }

        It 'mixes with output hashtables in the order they happen' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $OnePointConfig -Store $store
            $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                Write-SweepMetric @{ loss = 3.0 }
                @{ loss = 2.0 }
                Write-SweepMetric @{ loss = 1.0 }
            }
            @((Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store).History.loss) | Should -Be @(3.0, 2.0, 1.0)
            $r.loss | Should -Be 1.0
        }

        It 'logs to each run of an agent separately' {
            $store = New-TestStore
            $config = @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ a = @{ values = @(1, 2) } } }
            $sweep = New-Sweep -Config $config -Store $store
            $results = @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                    param($Run)
                    1..$Run.Config.a | ForEach-Object { Write-SweepMetric @{ loss = 10 * $Run.Config.a + $_ } }
                })
            $results | Should -HaveCount 2
            $first = Get-SweepRun -Sweep $sweep.Id -Id $results[0].Id -Store $store
            $second = Get-SweepRun -Sweep $sweep.Id -Id $results[1].Id -Store $store
            @($first.History.loss) | Should -Be @(11)
            @($second.History.loss) | Should -Be @(21, 22)
        }
    }

    Context 'outside a run' {
        It 'writes the NoActiveRun error' {
            $out = Write-SweepMetric @{ loss = 1 } -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'NoActiveRun,Sweeps.Commands.WriteSweepMetricCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidOperation)
            $err[0].Exception.Message | Should -BeLike '*Start-SweepAgent*'
        }

        It 'writes NoActiveRun again after an agent has finished' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $OnePointConfig -Store $store
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { Write-SweepMetric @{ loss = 1 } }
            Write-SweepMetric @{ loss = 2 } -ErrorAction SilentlyContinue -ErrorVariable err
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'NoActiveRun,Sweeps.Commands.WriteSweepMetricCommand'
            # and the finished run did not get the row
            (Get-SweepResult -Sweep $sweep.Id -Store $store).loss | Should -Be 1
        }

        It 'throws NoActiveRun with -ErrorAction Stop' {
            { Write-SweepMetric @{ loss = 1 } -ErrorAction Stop } | Should -Throw -ErrorId 'NoActiveRun,Sweeps.Commands.WriteSweepMetricCommand'
        }
    }

    It 'requires metrics' {
        { Write-SweepMetric -Metrics $null -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Sweeps.Commands.WriteSweepMetricCommand'
    }
}
