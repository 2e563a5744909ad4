# The cmdlets and the `sweeps` host against an Azure Blob store (Azurite), as a user on a hosted pipeline agent would
# use them. Needs the test server build.ps1 -Task Test starts (SWEEPS_TEST_AZURITE); skipped, saying so, without it.
BeforeDiscovery { $script:noServer = -not $env:SWEEPS_TEST_AZURITE }

BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:store = "$env:SWEEPS_TEST_AZURITE/p-$([guid]::NewGuid().ToString('N').Substring(0, 20))"
    $script:savedCredential = $env:AZURE_STORAGE_CONNECTION_STRING
    $env:AZURE_STORAGE_CONNECTION_STRING = 'UseDevelopmentStorage=true'
    $script:hostDll = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../out/host/Sweeps.Host.dll'))
    $script:work = Join-Path $TestDrive 'blob'
    $null = New-Item -ItemType Directory -Force $work
    Push-Location $work
    Set-Content -LiteralPath (Join-Path $work 'hello.ps1') -Value @'
param([Parameter(ValueFromRemainingArguments)] $Rest)
"hello from $env:SWEEPS_RUN_ID with $Rest"
[Console]::Error.WriteLine('a warning')
Add-Content -LiteralPath $env:SWEEPS_METRICS_FILE -Value '{"loss": 0.5}'
'@
}

AfterAll {
    Pop-Location
    if ($env:SWEEPS_TEST_AZURITE) { Get-Sweep -Store $store -ErrorAction Ignore | Remove-Sweep -Store $store -Force -Confirm:$false -ErrorAction Ignore }
    $env:AZURE_STORAGE_CONNECTION_STRING = $savedCredential
}

Describe 'An Azure Blob store' -Skip:$noServer {
    It 'creates, lists and runs sweeps, with the store printed as the container URL' {
        $sweep = New-Sweep -Store $store -Config $SmallGrid -Name blob-grid
        $sweep.Store | Should -Be $store
        $sweep.Path | Should -Be "$store#$($sweep.Id)"
        $runs = @($sweep | Start-SweepAgent -Store $store -ThrottleLimit 2 -ScriptBlock {
                param($Run) foreach ($e in 1..3) { Write-SweepMetric @{ epoch = $e; loss = $Run.Config.lr / $e } } })
        $runs | Should -HaveCount 4
        @(Get-Sweep -Store $store -Name blob-grid).Finished | Should -Be 4
        (Get-SweepResult -Sweep $sweep.Id -Store $store -Best).loss | Should -Be (0.01 / 3)
        $detail = Get-SweepRun -Sweep $sweep.Id -Id $runs[0].Id -Store $store
        $detail.History.epoch | Should -Be @(1, 2, 3)
        @($sweep | Get-SweepResult) | Should -HaveCount 4 # a piped sweep carries its store
    }

    It 'runs a program and keeps its output in the store' {
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; program = 'hello.ps1'; parameters = @{ x = @{ values = @(1, 2) } } }
        $runs = @(Start-SweepAgent -Sweep $sweep.Id -Store $store 6>$null)
        $runs.State | Should -Be @('finished', 'finished')
        $run = Get-SweepRun -Sweep $sweep.Id -Id $runs[1].Id -Store $store
        $run.StdOut | Should -Be "hello from $($runs[1].Id) with --x=2`n"
        $run.StdErr | Should -Be "a warning`n"
        $run.Directory | Should -Be "$store/sweeps/$($sweep.Id)/runs/$($runs[1].Id)/"
    }

    It 'pauses, resumes, cancels and removes a sweep; completes its id; reports it' {
        $sweep = New-Sweep -Store $store -Config @{ method = 'random'; metric = @{ name = 'loss' }; parameters = @{ x = @{ min = 0.0; max = 1.0 } } } -Name blob-life
        $null = $sweep | Start-SweepAgent -Store $store -Count 5 -ScriptBlock { param($Run) @{ loss = $Run.Config.x } }
        Suspend-Sweep -Sweep $sweep.Id -Store $store
        (Get-Sweep -Store $store -Id $sweep.Id).State | Should -Be 'paused'
        Resume-Sweep -Sweep $sweep.Id -Store $store
        Get-CompletionText "Get-SweepResult -Store '$store' -Sweep blob-l" | Should -Be @($sweep.Id)
        @(Get-SweepParameterImportance -Sweep $sweep.Id -Store $store).Parameter | Should -Be @('x')
        $report = Export-SweepReport -Sweep $sweep.Id -Store $store -Path (Join-Path $work 'report.html')
        $report.Length | Should -BeGreaterThan 1000
        Stop-Sweep -Sweep $sweep.Id -Store $store -Cancel -Confirm:$false
        (Get-Sweep -Store $store -Id $sweep.Id).State | Should -Be 'canceled'
        Remove-Sweep -Sweep $sweep.Id -Store $store -Confirm:$false
        @(Get-Sweep -Store $store -Id $sweep.Id -ErrorAction SilentlyContinue) | Should -HaveCount 0
    }

    It 'works from the sweeps host with SWEEPS_STORE, as a pipeline step does' {
        $saved = $env:SWEEPS_STORE
        try {
            $env:SWEEPS_STORE = $store
            $config = Join-Path $work 'host.yaml'
            Set-Content $config "name: from-host`nmethod: grid`nmetric: {name: loss}`nprogram: hello.ps1`nparameters:`n  x: {values: [1, 2, 3]}"
            $id = (& dotnet $hostDll sweep $config | Select-Object -Last 1).Trim()
            $LASTEXITCODE | Should -Be 0
            & dotnet $hostDll agent $id *> $null
            $LASTEXITCODE | Should -Be 0
            (& dotnet $hostDll results $id --format json | ConvertFrom-Json) | Should -HaveCount 3
            (& dotnet $hostDll ls) -join "`n" | Should -BeLike '*from-host*'
        }
        finally { $env:SWEEPS_STORE = $saved }
    }

    It 'says which credential was refused, never showing it' {
        $saved = $env:AZURE_STORAGE_CONNECTION_STRING
        try {
            $env:AZURE_STORAGE_CONNECTION_STRING = 'AccountName=devstoreaccount1;AccountKey=aHVudGVyMmh1bnRlcjJodW50ZXIy'
            $e = { Get-Sweep -Store $store -ErrorAction Stop } | Should -Throw -PassThru
            $e.Exception.Message | Should -BeLike "*The store '$store' refused the credential from AZURE_STORAGE_CONNECTION_STRING*"
            $e.FullyQualifiedErrorId | Should -BeLike 'StoreUnavailable*'
            "$e $($e.Exception.InnerException)" | Should -Not -BeLike '*aHVudGVyMmh1bnRlcjJodW50ZXIy*'
        }
        finally { $env:AZURE_STORAGE_CONNECTION_STRING = $saved }
    }
}
