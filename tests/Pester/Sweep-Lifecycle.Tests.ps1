BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:RandomConfig = @{ method = 'random'; metric = @{ name = 'loss' }; parameters = @{ x = @{ min = 0.0; max = 1.0 } } }
    # An agent in another runspace of this process, so a test can change the sweep while it works.
    function Start-AgentJob([string] $Store, [string] $Id, [scriptblock] $Block, [int] $Count = 1) {
        Start-ThreadJob -ArgumentList $SweepsManifest, $Store, $Id, $Block.ToString(), $Count -ScriptBlock {
            param($manifest, $store, $id, $block, $count)
            Import-Module $manifest
            Start-SweepAgent -Sweep $id -Store $store -Count $count -ScriptBlock ([scriptblock]::Create($block))
        }
    }
    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 20) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not (& $Condition)) { if ($clock.Elapsed.TotalSeconds -gt $Seconds) { throw "timed out waiting for $Condition" }; Start-Sleep -Milliseconds 100 }
    }
}

Describe 'Suspend-Sweep, Resume-Sweep, Stop-Sweep' {
    It 'moves a sweep through W&B''s states' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config $RandomConfig
        (Suspend-Sweep $sweep -Store $store -PassThru).State | Should -Be 'paused'
        (Suspend-Sweep $sweep.Id -Store $store -PassThru).State | Should -Be 'paused'
        (Resume-Sweep $sweep -Store $store -PassThru).State | Should -Be 'running'
        (Stop-Sweep $sweep -Store $store -PassThru).State | Should -Be 'finished'
        (Resume-Sweep $sweep -Store $store -PassThru).State | Should -Be 'running'
        $canceled = Stop-Sweep $sweep -Store $store -Cancel -Confirm:$false -PassThru
        $canceled.State | Should -Be 'canceled'
        $canceled.StateReason | Should -Be 'cancel by the user'
    }

    It 'refuses a transition W&B refuses, with a stable error id' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config $RandomConfig
        Stop-Sweep $sweep -Store $store
        Suspend-Sweep $sweep -Store $store -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidSweepTransition,Sweeps.Commands.SuspendSweepCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        "$($err[0])" | Should -Be 'Cannot pause finished sweep.'
        Stop-Sweep $sweep -Store $store -Cancel -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err2
        "$($err2[0])" | Should -Be 'Sweep already finished.'
    }

    It 'changes nothing with -WhatIf' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config $RandomConfig
        Stop-Sweep $sweep -Store $store -Cancel -WhatIf
        (Get-Sweep -Store $store -Id $sweep.Id).State | Should -Be 'running'
    }

    It 'makes an agent wait while the sweep is paused, and go on when it is resumed' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config $RandomConfig
        Suspend-Sweep $sweep -Store $store
        $job = Start-AgentJob -Store $store -Id $sweep.Id -Count 2 -Block { param($Run) @{ loss = $Run.Config.x } }
        try {
            Start-Sleep -Seconds 2
            (Get-Sweep -Store $store -Id $sweep.Id).RunCount | Should -Be 0
            $job.State | Should -Be 'Running'
            Resume-Sweep $sweep -Store $store
            $null = Wait-Job $job -Timeout 30
            @(Receive-Job $job) | Should -HaveCount 2
        }
        finally { Remove-Job $job -Force }
    }

    It 'lets an agent of a paused sweep exit at once with -ExitWhenIdle' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config $RandomConfig
        Suspend-Sweep $sweep -Store $store
        Start-SweepAgent $sweep -Store $store -ExitWhenIdle -ScriptBlock { 1 } -WarningVariable w 3>$null | Should -BeNullOrEmpty
        "$w" | Should -BeLike '*the sweep is paused*'
    }

    It 'kills the running runs of a canceled sweep and records them as killed' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config $RandomConfig
        $job = Start-AgentJob -Store $store -Id $sweep.Id -Block { param($Run) foreach ($i in 1..300) { Write-SweepMetric @{ loss = $i }; Start-Sleep -Milliseconds 100 } }
        try {
            Wait-Until { (Get-Sweep -Store $store -Id $sweep.Id).Running -eq 1 }
            Stop-Sweep $sweep -Store $store -Cancel -Confirm:$false
            $null = Wait-Job $job -Timeout 30
            $job.State | Should -Be 'Completed'
            $run = Get-SweepResult $sweep -Store $store
            $run.State | Should -Be 'killed'
            $run.Error | Should -Be 'the sweep was canceled'
        }
        finally { Remove-Job $job -Force }
    }

    It 'finishes the sweep once a run reaches metric.target' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss'; target = 0.5 }; parameters = @{ x = @{ values = @(0.9, 0.4, 0.1) } } }
        $results = @(Start-SweepAgent $sweep -Store $store -ScriptBlock { param($Run) @{ loss = $Run.Config.x } })
        $results | Should -HaveCount 2
        $info = Get-Sweep -Store $store -Id $sweep.Id
        $info.State | Should -Be 'finished'
        $info.StateReason | Should -BeLike 'metric.target 0.5 reached by run *'
    }
}

Describe 'Remove-Sweep' {
    It 'deletes the sweep folder, and nothing with -WhatIf' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config $RandomConfig
        Remove-Sweep $sweep -Store $store -WhatIf
        Test-Path $sweep.Path | Should -BeTrue
        Remove-Sweep $sweep -Store $store -Confirm:$false
        Test-Path $sweep.Path | Should -BeFalse
        Get-Sweep -Store $store | Should -BeNullOrEmpty
    }

    It 'refuses while an agent works on the sweep, unless -Force' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config $RandomConfig
        $job = Start-AgentJob -Store $store -Id $sweep.Id -Block { param($Run) foreach ($i in 1..100) { Write-SweepMetric @{ loss = $i }; Start-Sleep -Milliseconds 100 } }
        try {
            Wait-Until { (Get-Sweep -Store $store -Id $sweep.Id).Running -eq 1 }
            Remove-Sweep $sweep -Store $store -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
            $err[0].FullyQualifiedErrorId | Should -Be 'SweepInUse,Sweeps.Commands.RemoveSweepCommand'
            Test-Path $sweep.Path | Should -BeTrue
        }
        finally { Stop-Sweep $sweep -Store $store -Cancel -Confirm:$false; $null = Wait-Job $job -Timeout 30; Remove-Job $job -Force }
    }
}

Describe 'Get-SweepResult -Best, -Top, -State' {
    BeforeAll {
        $script:store = New-TestStore
        $script:sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'acc'; goal = 'maximize' }; parameters = @{ x = @{ values = @(3, 1, 4, 2, 5) } } }
        $null = Start-SweepAgent $sweep -Store $store -MaxConsecutiveFailures 0 -ScriptBlock { param($Run) if ($Run.Config.x -eq 5) { throw 'no' }; @{ acc = $Run.Config.x / 10 } } -ErrorAction SilentlyContinue
    }

    It 'ranks by the metric and goal' {
        (Get-SweepResult $sweep -Store $store -Best).x | Should -Be 4
        (Get-SweepResult $sweep -Store $store -Top 3).x | Should -Be @(4, 3, 2)
    }

    It 'filters by state' {
        (Get-SweepResult $sweep -Store $store -State failed).x | Should -Be 5
        @(Get-SweepResult $sweep -Store $store -State finished, failed) | Should -HaveCount 5
    }

    It 'exports cleanly to CSV and JSON' {
        $csv = Join-Path $TestDrive 'top.csv'
        Get-SweepResult $sweep -Store $store -Top 2 | Export-Csv $csv
        (Import-Csv $csv).x | Should -Be @('4', '3')
        (Get-SweepResult $sweep -Store $store -Best | ConvertTo-Json | ConvertFrom-Json).acc | Should -Be 0.4
    }
}
