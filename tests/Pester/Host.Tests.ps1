BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:hostDll = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../out/host/Sweeps.Host.dll'))
    $script:work = Join-Path $TestDrive 'host'
    $null = New-Item -ItemType Directory -Force $work
    Copy-Item (Join-Path $PSScriptRoot '../../docs/pipelines/*') $work
    $script:store = Join-Path $work 'store'

    # Runs the `sweeps` command as a process; returns exit code, stdout lines and stderr lines.
    function Invoke-Sweeps {
        Invoke-Captured dotnet (@($hostDll) + @($args | ForEach-Object { [string]$_ })) -WorkingDirectory $work
    }
}

Describe 'the sweeps host' {
    It 'prints help and its version' {
        $r = Invoke-Sweeps --help
        $r.Code | Should -Be 0
        ($r.Out -join "`n") | Should -BeLike '*Usage:*sweeps*agent <ID>*Exit codes*'
        (Invoke-Sweeps --version).Out | Should -Match '^\d+\.\d+\.\d+$'
        (Invoke-Sweeps).Code | Should -Be 2
    }

    It 'gives each verb its own help, before or after its arguments' {
        foreach ($line in @('agent', '--help'), @('agent', 'abc', '-h'), @('results', '--help')) {
            $r = Invoke-Sweeps @line
            $r.Code | Should -Be 0
            ($r.Out -join "`n") | Should -BeLike "*sweeps $($line[0]) <ID> ``[options``]*"
        }
        (Invoke-Sweeps agent --help).Out -join "`n" | Should -BeLike '*--count <N>*--throttle <N>*--fail-on-failed-runs*'
    }

    It 'refuses <Line> with exit 2 and one line naming the problem' -ForEach @(
        @{ Line = 'frobnicate'; Says = "*Unrecognized command or argument 'frobnicate'*" }
        @{ Line = 'agent abc --cont 1'; Says = "*Unrecognized command or argument '--cont'*" }
        @{ Line = 'ls --format yaml'; Says = "*'yaml' not recognized. Must be one of 'table', 'csv', 'json'*" }
        @{ Line = 'results abc --format=xml'; Says = "*'xml' not recognized*" }
        @{ Line = '--store'; Says = "*Required argument missing for option: '--store'*" }
        @{ Line = 'agent abc --count lots'; Says = "sweeps: --count needs a positive whole number, not 'lots'" }
        @{ Line = 'agent abc --count=0'; Says = "sweeps: --count needs a positive whole number, not '0'" }
        @{ Line = 'report abc'; Says = "*Option '--output' is required*" }
        @{ Line = 'results'; Says = "*Required argument missing for command: 'results'*" }
    ) {
        $words = $Line -split ' '
        $r = Invoke-Sweeps @words
        $r.Code | Should -Be 2
        $r.Out | Should -BeNullOrEmpty
        $r.Err[0] | Should -BeLike $Says
        $r.Err[-1] | Should -BeLike 'see: sweeps *--help'
    }
    It 'works in a folder whose name has brackets' {
        $odd = Join-Path $TestDrive 'runs[1]'
        $null = New-Item -ItemType Directory -Path $odd -Force
        $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in $hostDll, 'ls') { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $odd; $psi.RedirectStandardError = $true; $psi.RedirectStandardOutput = $true; $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEndAsync(); $null = $p.StandardOutput.ReadToEnd(); $p.WaitForExit()
        $err.Result | Should -BeNullOrEmpty
        $p.ExitCode | Should -Be 0
    }

    It 'passes everything after the script to it, binding parameters as pwsh -File does' {
        Set-Content (Join-Path $work 'args.ps1') @'
[CmdletBinding()]
param([string]$Name, [switch]$Flag, [int]$N, [Parameter(ValueFromRemainingArguments)]$Rest)
"name=$Name flag=$Flag n=$N rest=$($Rest -join '|') store=$env:SWEEPS_STORE"
'@
        (Invoke-Sweeps run args.ps1 -Name x -Flag -N 3).Out | Should -Be 'name=x flag=True n=3 rest= store='
        (Invoke-Sweeps run args.ps1 '-Name:y' '-Flag:$false' --lr=0.1 -h --store s).Out | Should -Be 'name=y flag=False n=0 rest=--lr=0.1|-h|--store|s store='
        (Invoke-Sweeps --store=st run -- args.ps1 --help).Out | Should -Be "name= flag=False n=0 rest=--help store=st"
    }

    It 'creates a sweep, runs two agents at once, and gives the results as JSON' {
        $created = Invoke-Sweeps --store=$store sweep sweep.yaml
        $created.Code | Should -Be 0
        $id = $created.Out[-1].Trim()
        $id | Should -Match '^[a-z0-9]{8}$'
        $agents = foreach ($i in 1, 2) {
            $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
            foreach ($a in $hostDll, 'agent', $id, '--count=3', '--store', $store) { $psi.ArgumentList.Add($a) }
            $psi.WorkingDirectory = $work; $psi.RedirectStandardOutput = $true; $psi.UseShellExecute = $false
            [Diagnostics.Process]::Start($psi)
        }
        foreach ($a in $agents) { $null = $a.StandardOutput.ReadToEnd(); $a.WaitForExit(); $a.ExitCode | Should -Be 0 }
        $json = Invoke-Sweeps --store $store results $id --format json
        $json.Code | Should -Be 0
        $runs = ($json.Out -join "`n") | ConvertFrom-Json
        $runs | Should -HaveCount 6
        @($runs.Id | Sort-Object -Unique) | Should -HaveCount 6
        @($runs | Where-Object State -EQ 'finished') | Should -HaveCount 6
        ($runs | ForEach-Object loss | Where-Object { $_ -gt 0 }) | Should -HaveCount 6
        $importance = Invoke-Sweeps --store $store importance $id --format json
        $importance.Code | Should -Be 0
        $effects = ($importance.Out -join "`n") | ConvertFrom-Json
        $effects.Parameter | Should -Not -BeNullOrEmpty
        $effects.Runs | Sort-Object -Unique | Should -Be 6
    }

    It 'serves the dashboard until Ctrl+C, saying where' {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in $hostDll, '--store', $store, 'dashboard', "--port=$port") { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $work; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEndAsync()
        $p.StandardOutput.ReadLine() | Should -Be "Dashboard: http://127.0.0.1:$port/ (read-only; Ctrl+C stops it)"
        (Invoke-RestMethod "http://127.0.0.1:$port/api/sweeps").store | Should -Be ([IO.Path]::GetFullPath($store))
        kill -INT $p.Id
        $p.WaitForExit(20000) | Should -BeTrue
        $p.ExitCode | Should -Be 130
    }

    It 'exits 4 for an invalid config and 5 for an unknown sweep, with one error line on stderr' {
        Set-Content (Join-Path $work 'bad.yaml') "method: nope`nparameters:`n  x: {value: 1}`n"
        $bad = Invoke-Sweeps --store $store sweep bad.yaml
        $bad.Code | Should -Be 4
        $bad.Err | Should -HaveCount 1
        $bad.Err[0] | Should -BeLike "sweeps: error: *unknown method 'nope'*"
        $unknown = Invoke-Sweeps --store $store results nosuchid
        $unknown.Code | Should -Be 5
        $unknown.Err[0] | Should -BeLike "sweeps: error: No sweep with id or name 'nosuchid'*"
    }

    It 'exits 3 with --fail-on-failed-runs when runs failed' {
        Set-Content (Join-Path $work 'fail.yaml') "method: grid`nprogram: fail.sh`ncommand: [bash, '`${program}']`nparameters:`n  x: {values: [1, 2]}`n"
        Set-Content (Join-Path $work 'fail.sh') 'echo broken >&2; exit 1'
        $id = (Invoke-Sweeps --store $store sweep fail.yaml).Out[-1].Trim()
        (Invoke-Sweeps --store $store agent $id --fail-on-failed-runs).Code | Should -Be 3
    }

    It 'on <Signal>, ends its running runs as killed, records them, says so and exits 130' -ForEach @(@{ Signal = 'INT' }, @{ Signal = 'TERM' }) {
        $store2 = Join-Path $work "signal-$Signal"
        Set-Content (Join-Path $work 'slow.sh') 'echo started; sleep 30'
        Set-Content (Join-Path $work 'slow.yaml') "method: grid`nprogram: slow.sh`ncommand: [bash, '`${program}']`nparameters:`n  x: {values: [1, 2, 3, 4]}`n"
        $id = (Invoke-Sweeps --store $store2 sweep slow.yaml).Out[-1].Trim()
        $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in $hostDll, '--store', $store2, 'agent', $id, '--throttle', '2') { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $work; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEndAsync(); $out = $p.StandardOutput.ReadToEndAsync()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (@(Get-SweepResult -Sweep $id -Store $store2 -ErrorAction Ignore | Where-Object State -EQ 'running').Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        kill "-$Signal" $p.Id
        $p.WaitForExit(30000) | Should -BeTrue
        $p.ExitCode | Should -Be 130
        $err.Result | Should -BeLike '*sweeps: stopped by the user*'
        @(Get-SweepResult -Sweep $id -Store $store2).State | Should -Be @('killed', 'killed')
    }

    It 'shows the runs of an agent killed with kill -9 as crashed in every view at once' {
        $store4 = Join-Path $work 'killed-agent'
        Set-Content (Join-Path $work 'slow.sh') 'echo started; sleep 30'
        Set-Content (Join-Path $work 'slow.yaml') "method: grid`nprogram: slow.sh`ncommand: [bash, '`${program}']`nparameters:`n  x: {values: [1, 2, 3, 4]}`n"
        $id = (Invoke-Sweeps --store $store4 sweep slow.yaml).Out[-1].Trim()
        $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in $hostDll, '--store', $store4, 'agent', $id) { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $work; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (@(Get-SweepResult -Sweep $id -Store $store4 -ErrorAction Ignore).Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        kill -KILL $p.Id
        $p.WaitForExit(10000) | Should -BeTrue
        (Get-SweepResult -Sweep $id -Store $store4).State | Should -Be 'crashed'
        $info = Get-Sweep -Store $store4 -Id $id
        ($info.Running, $info.Failed) | Should -Be @(0, 1) # failed or crashed
        ((Invoke-Sweeps --store $store4 results $id --format json).Out -join '' | ConvertFrom-Json).State | Should -Be 'crashed'
    }

    It 'shows small and large numbers in tables with their significant digits' {
        Set-Content (Join-Path $work 'lr.ps1') 'param([Parameter(ValueFromRemainingArguments)] $Rest); Add-Content -LiteralPath $env:SWEEPS_METRICS_FILE -Value ''{"loss": 0.000123456789}'''
        Set-Content (Join-Path $work 'lr.yaml') "method: grid`nmetric: {name: loss}`nprogram: lr.ps1`nparameters:`n  lr: {values: [0.000105]}`n"
        $store5 = Join-Path $work 'readable'
        $id = (Invoke-Sweeps --store $store5 sweep lr.yaml).Out[-1].Trim()
        $null = Invoke-Sweeps --store $store5 agent $id
        $table = (Invoke-Sweeps --store $store5 results $id).Out -join "`n"
        $table | Should -Match '0\.000105'
        $table | Should -Match '0\.000123457'
        ((Invoke-Sweeps --store $store5 results $id --format json).Out -join '' | ConvertFrom-Json).loss | Should -Be 0.000123456789
    }

    It 'passes on the exit code of a script, and a .ps1 program that exits non-zero is a failed run' {
        Set-Content (Join-Path $work 'exit7.ps1') '"about to fail"; exit 7'
        $r = Invoke-Sweeps run exit7.ps1
        $r.Code | Should -Be 7
        $r.Out | Should -Contain 'about to fail'
        Set-Content (Join-Path $work 'ok.ps1') '"fine"'
        (Invoke-Sweeps run ok.ps1).Code | Should -Be 0
        Set-Content (Join-Path $work 'exit3.ps1') 'param([Parameter(ValueFromRemainingArguments)] $Rest); Add-Content -LiteralPath $env:SWEEPS_METRICS_FILE -Value ''{"loss": 1}''; exit 3'
        Set-Content (Join-Path $work 'exit3.yaml') "method: grid`nmetric: {name: loss}`nprogram: exit3.ps1`nparameters:`n  x: {values: [1]}`n"
        $store3 = Join-Path $work 'exit3-store'
        $id = (Invoke-Sweeps --store $store3 sweep exit3.yaml).Out[-1].Trim()
        (Invoke-Sweeps --store $store3 agent $id --fail-on-failed-runs).Code | Should -Be 3
        $run = Get-SweepResult -Sweep $id -Store $store3
        $run.State | Should -Be 'failed'
        (Get-SweepRun -Sweep $id -Id $run.Id -Store $store3).ExitCode | Should -Be 3
    }

    It 'runs a PowerShell script with the module loaded, so scriptblock training works too' {
        Set-Content (Join-Path $work 'train-sb.ps1') @'
param($Runs)
$s = New-Sweep -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ values = 1, 2, 3 } } }
$r = $s | Start-SweepAgent -Count ([int]$Runs) -ScriptBlock { param($Run) @{ loss = $Run.Config.x * 2 } }
"done $(@($r).Count) best $(($r | Sort-Object loss | Select-Object -First 1).loss)"
'@
        $r = Invoke-Sweeps --store $store run train-sb.ps1 2
        $r.Code | Should -Be 0
        $r.Out | Should -Contain 'done 2 best 2'
    }

    It 'passes a hostile --store to a script as a value, never as code' {
        Set-Content (Join-Path $work 'show-store.ps1') '"store=$env:SWEEPS_STORE"'
        $hostile = "x$([char]0x2019); Set-Content pwned 1; $([char]0x2019)"
        $r = Invoke-Sweeps --store $hostile run show-store.ps1
        $r.Code | Should -Be 0
        $r.Out | Should -Contain "store=$hostile"
        Join-Path $work 'pwned' | Should -Not -Exist
    }
}
