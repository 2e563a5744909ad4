BeforeAll {
    . $PSScriptRoot/common.ps1
    # loss depends strongly on lr, on opt by a step, and not at all on unused.
    $script:Store = New-TestStore
    $script:Sweep = New-Sweep -Store $Store -Name 'importance' -Config @{
        method = 'random'; metric = @{ name = 'loss' }; seed = 3
        parameters = @{ lr = @{ min = 0.0; max = 1.0 }; unused = @{ min = 0.0; max = 1.0 }; opt = @{ values = 'adam', 'sgd' } }
    }
    $null = Start-SweepAgent -Sweep $Sweep -Store $Store -Count 40 -ScriptBlock {
        param($Run)
        @{ loss = 3 * $Run.Config.lr + $(if ($Run.Config.opt -eq 'sgd') { 1 } else { 0 }) }
    }
}

Describe 'Get-SweepParameterImportance' {
    It 'ranks the parameters by importance, which sums to 1, with the correlation of numeric ones' {
        $effects = @(Get-SweepParameterImportance $Sweep.Id -Store $Store)
        $effects | Should -HaveCount 3
        $effects[0].PSTypeNames | Should -Contain 'Sweeps.ParameterImportanceInfo'
        $effects[0].Parameter | Should -Be 'lr'
        $effects[-1].Parameter | Should -Be 'unused'
        ($effects.Importance | Measure-Object -Sum).Sum | Should -BeGreaterThan 0.999
        ($effects.Importance | Measure-Object -Sum).Sum | Should -BeLessThan 1.001
        ($effects | Where-Object Parameter -eq 'lr').Correlation | Should -BeGreaterThan 0.8
        ($effects | Where-Object Parameter -eq 'opt').Correlation | Should -BeNullOrEmpty
        $effects.Runs | Sort-Object -Unique | Should -Be 40
        $effects.SweepId | Sort-Object -Unique | Should -Be $Sweep.Id
    }

    It 'gives the same figures every time for the same runs' {
        $first = Get-SweepParameterImportance $Sweep.Id -Store $Store | ConvertTo-Json
        $second = Get-SweepParameterImportance $Sweep.Id -Store $Store | ConvertTo-Json
        $second | Should -Be $first
    }

    It 'takes the sweep from the pipeline, by object or by name' {
        @($Sweep | Get-SweepParameterImportance).Count | Should -Be 3
        @('importance' | Get-SweepParameterImportance -Store $Store).Count | Should -Be 3
    }

    It 'warns and writes nothing for a sweep without a metric' {
        $plain = New-Sweep -Store $Store -Config @{ method = 'random'; parameters = @{ x = @{ min = 0.0; max = 1.0 } } }
        $out = @(Get-SweepParameterImportance $plain.Id -Store $Store -WarningVariable warned 3>$null)
        $out | Should -HaveCount 0
        "$warned" | Should -BeLike '*has no metric*'
    }

    It 'reports SweepNotFound for an unknown sweep' {
        Get-SweepParameterImportance 'nosuchid' -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SweepNotFound,*'
    }

    It 'formats as a table of parameter, importance, correlation and runs' {
        $text = Get-SweepParameterImportance $Sweep.Id -Store $Store | Out-String
        $text | Should -Match 'Parameter\s+Importance\s+Correlation\s+Runs'
        $text | Should -Match 'lr\s+0\.\d{3}\s+\+0\.\d{3}\s+40'
    }
}
