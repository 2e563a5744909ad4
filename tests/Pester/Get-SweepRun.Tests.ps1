BeforeAll {
    . $PSScriptRoot/common.ps1
    Push-Location $TestDrive

    $script:Store = New-TestStore
    $script:Sweep = New-Sweep -Store $Store -Name 'runs' -Path (New-TestConfigFile -Text @'
method: grid
metric:
  name: loss
parameters:
  model:
    parameters:
      depth:
        values: [2, 4]
      act:
        value: relu
  lr:
    values: [0.1]
'@)
    $script:Results = @(Start-SweepAgent -Sweep $Sweep -Store $Store -ScriptBlock {
            param($Run)
            Write-SweepMetric @{ epoch = 1; loss = 1.0 }
            if ($Run.Config.model.depth -eq 4) { throw 'too deep' }
            Write-SweepMetric @{ epoch = 2; loss = 0.4 }
        })
}

AfterAll {
    Pop-Location
}

Describe 'Get-SweepRun' {
    Context 'run details' {
        It 'returns every run of a sweep without -Id' {
            $runs = @(Get-SweepRun -Sweep $Sweep.Id -Store $Store)
            $runs | Should -HaveCount 2
            $runs | ForEach-Object { $_ | Should -BeOfType ([Sweeps.RunDetail]) }
            @($runs.Id) | Should -Be @($Results.Id)
            @($runs.Number) | Should -Be @(1, 2)
            $runs | ForEach-Object { $_.SweepId | Should -Be $Sweep.Id }
        }

        It 'has the config as nested hashtables' {
            $run = Get-SweepRun -Sweep $Sweep.Id -Id $Results[0].Id -Store $Store
            $run.Config | Should -BeOfType ([hashtable])
            $run.Config.model | Should -BeOfType ([hashtable])
            $run.Config.model.depth | Should -Be 2
            $run.Config.model.act | Should -Be 'relu'
            $run.Config.lr | Should -Be 0.1
            (Get-SweepRun -Sweep $Sweep.Id -Id $Results[1].Id -Store $Store).Config.model.depth | Should -Be 4
        }

        It 'has the summary and every history row' {
            $run = Get-SweepRun -Sweep $Sweep.Id -Id $Results[0].Id -Store $Store
            $run.State | Should -Be 'finished'
            $run.Summary | Should -BeOfType ([hashtable])
            $run.Summary['loss'] | Should -Be 0.4
            $run.Summary['epoch'] | Should -Be 2
            $run.Summary.Keys | Should -Not -Contain '_step'
            $run.History | Should -HaveCount 2
            @($run.History.epoch) | Should -Be @(1, 2)
            @($run.History.loss) | Should -Be @(1.0, 0.4)
            @($run.History._step) | Should -Be @(0, 1)
        }

        It 'keeps what a failed run logged and its error' {
            $run = Get-SweepRun -Sweep $Sweep.Id -Id $Results[1].Id -Store $Store
            $run.State | Should -Be 'failed'
            $run.Error | Should -BeLike 'too deep*'
            $run.History | Should -HaveCount 1
            $run.Summary['loss'] | Should -Be 1.0
        }

        It 'has the run folder, times and agent' {
            $run = Get-SweepRun -Sweep $Sweep.Id -Id $Results[0].Id -Store $Store
            $run.Directory | Should -Be (Join-Path $Sweep.Path 'runs' $run.Id)
            Test-Path -LiteralPath $run.Directory -PathType Container | Should -BeTrue
            $run.Runtime | Should -BeOfType ([timespan])
            $run.Runtime | Should -BeGreaterOrEqual ([timespan]::Zero)
            $run.Ended | Should -Be ($run.Created + $run.Runtime)
            $run.Agent | Should -Not -BeNullOrEmpty
        }
    }

    Context 'choosing runs' {
        It 'finds a run by id, by position' {
            $run = @(Get-SweepRun $Sweep.Id $Results[1].Id -Store $Store)
            $run | Should -HaveCount 1
            $run[0].Number | Should -Be 2
        }

        It 'matches run ids with wildcards' {
            $prefix = $Results[0].Id.Substring(0, 5)
            @(Get-SweepRun -Sweep $Sweep.Id -Id "$prefix*" -Store $Store).Id | Should -Contain $Results[0].Id
            @(Get-SweepRun -Sweep $Sweep.Id -Id '*' -Store $Store) | Should -HaveCount 2
        }

        It 'takes several run ids' {
            @(Get-SweepRun -Sweep $Sweep.Id -Id $Results[1].Id, $Results[0].Id -Store $Store).Number | Should -Be @(2, 1)
        }

        It 'takes the sweep by name' {
            @(Get-SweepRun -Sweep 'runs' -Store $Store) | Should -HaveCount 2
        }

        It 'takes result objects from Get-SweepResult on the pipeline (SweepId and Id)' {
            $failed = Get-SweepResult -Sweep $Sweep.Id -Store $Store | Where-Object State -EQ 'failed' | Get-SweepRun -Store $Store
            @($failed) | Should -HaveCount 1
            $failed.Id | Should -Be $Results[1].Id
            $failed.Error | Should -BeLike 'too deep*'
        }

        It 'takes a sweep object as -Sweep without -Store' {
            @(Get-SweepRun -Sweep $Sweep) | Should -HaveCount 2
        }

        It 'completes -Sweep with the sweep ids of the store on the command line' {
            Get-CompletionText -Line "Get-SweepRun -Store '$Store' -Sweep run" | Should -Be @($Sweep.Id)
        }
    }

    Context 'errors' {
        It 'reports RunNotFound for an unknown run id' {
            $out = Get-SweepRun -Sweep $Sweep.Id -Id 'zzzzzzzz' -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'RunNotFound,Sweeps.Commands.GetSweepRunCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            $err[0].TargetObject | Should -Be 'zzzzzzzz'
            $err[0].Exception.Message | Should -BeLike "*'zzzzzzzz'*$($Sweep.Id)*"
        }

        It 'returns the runs found and reports the missing one' {
            $out = @(Get-SweepRun -Sweep $Sweep.Id -Id 'zzzzzzzz', $Results[0].Id -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err)
            $out | Should -HaveCount 1
            $out[0].Id | Should -Be $Results[0].Id
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'RunNotFound,Sweeps.Commands.GetSweepRunCommand'
        }

        It 'returns nothing and no error for a run pattern that matches nothing' {
            Get-SweepRun -Sweep $Sweep.Id -Id 'zz*' -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 0
        }

        It 'reports SweepNotFound for an unknown sweep' {
            Get-SweepRun -Sweep 'nothing-here' -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'SweepNotFound,Sweeps.Commands.GetSweepRunCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
        }

        It 'reports SweepAmbiguous when the sweep pattern matches several sweeps' {
            $store = New-TestStore
            $null = New-Sweep -Config $SmallGrid -Store $store -Name 'twin-1'
            $null = New-Sweep -Config $SmallGrid -Store $store -Name 'twin-2'
            Get-SweepRun -Sweep 'twin-*' -Store $store -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'SweepAmbiguous,Sweeps.Commands.GetSweepRunCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
            $err[0].Exception.Message | Should -BeLike "*matches 2 sweeps*"
        }
    }
}
