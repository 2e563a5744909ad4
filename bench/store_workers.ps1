# Dot-sourced by the store benches: P agent processes (tests/StoreWorker) on one random-search sweep in the store at
# -Location, each running -PerProcess runs; returns runs per second (first claim to last end, from the store's own
# times, so process start-up is left out), the p50 and p99 of one change inside the agent, errors (agents that
# failed) and orphaned runs (claimed, never finished).

function Get-Percentile([double[]] $Sorted, [double] $P) { if ($Sorted.Count) { $Sorted[[math]::Min($Sorted.Count - 1, [int][math]::Floor($P * $Sorted.Count))] } }

function Measure-StoreWorkers([string] $Worker, [string] $Work, [string] $Location, [int] $P, [int] $PerProcess, [switch] $Remove) {
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $config = [Sweeps.Engine.Config.SweepConfigParser]::Parse([Sweeps.Engine.Config.YamlConfigReader]::Read("method: random`nmetric: {name: loss}`nparameters:`n  x: {min: 0.0, max: 1.0}`n"), [ref]$null)
    $sweeps = [Sweeps.Engine.Store.SweepStore]::new($Location)
    $sweep = $sweeps.Create($config, $null, 'bench', $null)
    $procs = foreach ($i in 1..$P) {
        $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in $Worker, $Location, $sweep.Id, '--count', "$PerProcess", '--timings', (Join-Path $Work "$tag-$i.txt")) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        [Diagnostics.Process]::Start($psi)
    }
    $errors = 0
    foreach ($w in $procs) {
        $err = $w.StandardError.ReadToEndAsync(); $null = $w.StandardOutput.ReadToEnd(); $w.WaitForExit()
        if ($w.ExitCode -ne 0) { $errors++; Write-Warning $err.Result }
    }
    $runs = $sweeps.Open($sweep.Id).Refresh().Runs
    $finished = @($runs | Where-Object { $_.State -eq [Sweeps.Engine.Runs.RunState]::Finished })
    $seconds = (($finished | ForEach-Object Ended | Measure-Object -Maximum).Maximum - ($runs | ForEach-Object Created | Measure-Object -Minimum).Minimum).TotalSeconds
    [double[]] $ms = @(foreach ($i in 1..$P) { $f = Join-Path $Work "$tag-$i.txt"; if (Test-Path $f) { Get-Content $f } }) | ForEach-Object { [double]$_ } | Sort-Object
    if ($Remove) { $sweeps.Remove($sweep, $true) }
    [ordered]@{
        runs = $runs.Count; runs_per_second = [math]::Round($finished.Count / $seconds, 1)
        claim_p50_ms = [math]::Round((Get-Percentile $ms 0.50), 2); claim_p99_ms = [math]::Round((Get-Percentile $ms 0.99), 2)
        errors = $errors; orphaned = $runs.Count - $finished.Count
    }
}

# The agent program of these benches, built where it is missing, with the engine loaded here to set up and read sweeps.
function Get-StoreWorker([string] $Configuration) {
    $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..'))
    $worker = Join-Path $root "tests/StoreWorker/bin/$Configuration/net10.0/Sweeps.StoreWorker.dll"
    if (-not (Test-Path $worker)) { dotnet build (Join-Path $root 'tests/StoreWorker') -c $Configuration --nologo -v quiet | Out-Null }
    Add-Type -Path (Join-Path (Split-Path $worker) 'Sweeps.Engine.dll')
    $worker
}

# Starts a test server (build/services/<Name>.ps1) under -WorkDir; returns the value of its environment variable -Variable.
function Start-BenchService([string] $Name, [string] $WorkDir, [string] $Variable, [string] $Missing) {
    $vars = & (Join-Path $PSScriptRoot "../build/services/$Name.ps1") -Start -WorkDir $WorkDir
    if (-not $vars) { throw $Missing }
    $vars[$Variable]
}
