BeforeAll {
    . $PSScriptRoot/common.ps1
}

Describe 'Start-SweepAgent with hyperband early termination' {
    It 'stops a bad run of a scriptblock early, with the reason, and lets good runs finish' {
        $store = New-TestStore
        # Runs in grid order: a good run first, then a bad one. At band 2 the threshold is the int(2/3) = 0th
        # best value (1.5, the good run's), and the bad run's 6.5 is worse: it is stopped there.
        $sweep = New-Sweep -Store $store -Config @{
            method = 'grid'; metric = @{ name = 'loss' }
            early_terminate = @{ type = 'hyperband'; min_iter = 2; eta = 3 }
            parameters = @{ x = @{ values = @(1.0, 6.0) } }
        }
        $results = @($sweep | Start-SweepAgent -Store $store -ScriptBlock {
            param($Run)
            foreach ($step in 1..20) {
                if ($Run.ShouldStop) { return }
                Write-SweepMetric @{ loss = $Run.Config.x + 1 / $step }
                Start-Sleep -Milliseconds 100
            }
        })
        $results | Should -HaveCount 2
        $results[0].State | Should -Be 'finished'
        (Get-SweepRun -Store $store -Sweep $sweep.Id -Id $results[0].Id).History.Count | Should -Be 20
        $bad = $results[1]
        $bad.State | Should -Be 'killed'
        $bad.Error | Should -BeLike 'hyperband: at iteration *worse than the threshold*'
        (Get-SweepRun -Store $store -Sweep $sweep.Id -Id $bad.Id).History.Count | Should -BeLessThan 20
    }

    It 'stops a program run with SIGTERM' {
        $store = New-TestStore
        $script = Join-Path $TestDrive 'curve.sh'
        Set-Content -LiteralPath $script -Value @'
x=${1#--x=}
trap 'echo stopping; exit 0' TERM
for step in $(seq 1 40); do
  echo "@sweeps {\"loss\": $(awk "BEGIN { print $x + 1 / $step }")}"
  sleep 0.05 & wait $!
done
'@
        $sweep = New-Sweep -Store $store -Config @{
            method = 'grid'; metric = @{ name = 'loss' }; program = $script
            early_terminate = @{ type = 'hyperband'; min_iter = 2; eta = 2 }
            parameters = @{ x = @{ values = @(1, 2, 3, 9) } }
        }
        $results = @($sweep | Start-SweepAgent -Store $store -Command 'bash', '${program}', '${args}' -ThrottleLimit 4 6>$null)
        $results | Should -HaveCount 4
        ($results | Where-Object x -EQ 1).State | Should -Be 'finished'
        $bad = $results | Where-Object x -EQ 9
        $bad.State | Should -Be 'killed'
        $bad.Error | Should -BeLike 'hyperband:*'
        Get-Content -LiteralPath (Join-Path (Get-SweepRun -Store $store -Sweep $sweep.Id -Id $bad.Id).Directory 'stdout.log') | Should -Contain 'stopping'
    }
}

Describe 'Start-SweepAgent with median stopping' {
    BeforeAll { . $PSScriptRoot/common.ps1 }

    It 'stops a run whose best so far is worse than the median of finished runs at the same iteration' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{
            method = 'grid'; metric = @{ name = 'loss' }
            early_terminate = @{ type = 'median'; min_iter = 2; min_runs = 2 }
            parameters = @{ x = @{ values = @(1.0, 2.0, 9.0) } }
        }
        $results = @($sweep | Start-SweepAgent -Store $store -ScriptBlock {
            param($Run)
            foreach ($step in 1..20) {
                Write-SweepMetric @{ loss = $Run.Config.x + 1 / $step }
                Start-Sleep -Milliseconds 100
            }
        })
        $results.State | Should -Be @('finished', 'finished', 'killed')
        $results[2].Error | Should -BeLike 'median: at iteration *worse than the threshold*'
    }
}
