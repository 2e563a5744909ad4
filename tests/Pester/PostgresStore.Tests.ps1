# The cmdlets against a PostgreSQL store, as a user on a machine without the store's disk would use them. Needs the
# test server build.ps1 -Task Test starts (SWEEPS_TEST_POSTGRES); skipped, saying so, without it.
BeforeDiscovery { $script:noServer = -not $env:SWEEPS_TEST_POSTGRES }

BeforeAll {
    . $PSScriptRoot/common.ps1
    Add-Type -Path (Join-Path (Split-Path $SweepsManifest) 'Npgsql.dll') # the module's own, for the tests' setup
    $script:schema = 'p_' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $script:store = "$env:SWEEPS_TEST_POSTGRES;Search Path=$schema"
    $script:work = Join-Path $TestDrive 'pg'
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
    Remove-PostgresTestSchema $schema
}

Describe 'A PostgreSQL store' -Skip:$noServer {
    It 'creates, lists and runs sweeps, and prints the store without its password' {
        $password = ([Npgsql.NpgsqlConnectionStringBuilder]::new($env:SWEEPS_TEST_POSTGRES)).Password
        $sweep = New-Sweep -Store $store -Config $SmallGrid -Name pg-grid
        $sweep.Store | Should -BeLike "postgres://sweeps@127.0.0.1:*/sweeps_test?search_path=$schema"
        $sweep.Path | Should -Be "$($sweep.Store)#$($sweep.Id)"
        "$($sweep.Store) $($sweep.Path)" | Should -Not -BeLike "*$password*"
        $runs = @($sweep | Start-SweepAgent -Store $store -ThrottleLimit 2 -ScriptBlock {
                param($Run) foreach ($e in 1..3) { Write-SweepMetric @{ epoch = $e; loss = $Run.Config.lr / $e } } })
        $runs | Should -HaveCount 4
        @(Get-Sweep -Store $store -Name pg-grid).Finished | Should -Be 4
        (Get-SweepResult -Sweep $sweep.Id -Store $store -Best).loss | Should -Be (0.01 / 3)
        $detail = Get-SweepRun -Sweep $sweep.Id -Id $runs[0].Id -Store $store
        $detail.History | Should -HaveCount 3
        $detail.History.epoch | Should -Be @(1, 2, 3)
        # A piped sweep carries its store without the password, which then comes from PGPASSWORD.
        $env:PGPASSWORD = $password
        try { @($sweep | Get-SweepResult) | Should -HaveCount 4 } finally { Remove-Item Env:PGPASSWORD }
    }

    It 'runs a program and keeps its output in the store' {
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; program = 'hello.ps1'; parameters = @{ x = @{ values = @(1, 2) } } }
        $runs = @(Start-SweepAgent -Sweep $sweep.Id -Store $store 6>$null)
        $runs.State | Should -Be @('finished', 'finished')
        $run = Get-SweepRun -Sweep $sweep.Id -Id $runs[1].Id -Store $store
        $run.StdOut | Should -Be "hello from $($runs[1].Id) with --x=2`n"
        $run.StdErr | Should -Be "a warning`n"
        $run.Directory | Should -Be "$($sweep.Path)/runs/$($runs[1].Id)"
        Test-Path -LiteralPath ([IO.Path]::Combine([IO.Path]::GetTempPath(), 'sweeps-postgres', $sweep.Id, $runs[1].Id)) | Should -BeFalse # taken in
    }

    It 'pauses, resumes, cancels and removes a sweep; completes its id; reports it' {
        $sweep = New-Sweep -Store $store -Config @{ method = 'random'; metric = @{ name = 'loss' }; parameters = @{ x = @{ min = 0.0; max = 1.0 } } } -Name pg-life
        $null = $sweep | Start-SweepAgent -Store $store -Count 5 -ScriptBlock { param($Run) @{ loss = $Run.Config.x } }
        Suspend-Sweep -Sweep $sweep.Id -Store $store
        (Get-Sweep -Store $store -Id $sweep.Id).State | Should -Be 'paused'
        Resume-Sweep -Sweep $sweep.Id -Store $store
        Get-CompletionText "Get-SweepResult -Store '$store' -Sweep pg-l" | Should -Be @($sweep.Id)
        @(Get-SweepParameterImportance -Sweep $sweep.Id -Store $store).Parameter | Should -Be @('x')
        $report = Export-SweepReport -Sweep $sweep.Id -Store $store -Path (Join-Path $work 'report.html')
        $report.Length | Should -BeGreaterThan 1000
        Stop-Sweep -Sweep $sweep.Id -Store $store -Cancel -Confirm:$false
        (Get-Sweep -Store $store -Id $sweep.Id).State | Should -Be 'canceled'
        Remove-Sweep -Sweep $sweep.Id -Store $store -Confirm:$false
        @(Get-Sweep -Store $store -Id $sweep.Id -ErrorAction SilentlyContinue) | Should -HaveCount 0
    }

    It 'says what is wrong with the login, naming the store without the password' {
        $b = [Npgsql.NpgsqlConnectionStringBuilder]::new($env:SWEEPS_TEST_POSTGRES)
        $wrong = "postgres://$($b.Username):hunter2@$($b.Host):$($b.Port)/$($b.Database)"
        $saved = $env:SWEEPS_STORE
        try {
            $env:SWEEPS_STORE = $wrong
            $e = { Get-Sweep -ErrorAction Stop } | Should -Throw -PassThru
            $e.Exception.Message | Should -BeLike "*refused the login of the store 'postgres://$($b.Username)@$($b.Host):$($b.Port)/$($b.Database)'*"
            $e.FullyQualifiedErrorId | Should -BeLike 'StoreUnavailable*'
            "$e $($e.Exception.InnerException)" | Should -Not -BeLike '*hunter2*'
        }
        finally { $env:SWEEPS_STORE = $saved }
    }
}
