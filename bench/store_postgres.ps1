#requires -Version 7.4
<#
.SYNOPSIS
    Agent processes on a PostgreSQL store against Optuna's RDB storage on the same server, in the same run.
.DESCRIPTION
    With 1, 4 and 8 agent processes (tests/StoreWorker: the engine's agent loop with a trivial objective), each running
    -RunsPerProcess runs of one random-search sweep: runs per second (first claim to last end, from the store's own
    times, so process start-up is left out), the claim's latency inside the agent (p50 and p99 of each claim's change,
    from asking for the lock to letting it go), errors (agents that failed) and orphaned runs (claimed, never finished).
    Beside each, Optuna 3.1 with RDBStorage on the same server doing the same (bench/optuna_storage.py; Debian's
    python3-optuna and python3-psycopg2, skipped with a warning without them). Writes store_postgres.json and
    store_postgres.md to -OutDir. The server: -Store (an Npgsql connection string), else $env:SWEEPS_TEST_POSTGRES, else a
    throwaway cluster started here with build/services/postgres.ps1 and stopped at the end.
.EXAMPLE
    dotnet pwsh -File bench/store_postgres.ps1 -OutDir out/bench
#>
[CmdletBinding()]
param(
    [string] $OutDir = "$PSScriptRoot/../out/bench",
    [string] $Configuration = 'Release',
    [int[]] $Processes = @(1, 4, 8),
    [int] $RunsPerProcess = 500,
    [string] $Store = $env:SWEEPS_TEST_POSTGRES
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..'))
New-Item -ItemType Directory -Force $OutDir | Out-Null
$OutDir = [IO.Path]::GetFullPath($OutDir)
$work = Join-Path ([IO.Path]::GetTempPath()) "sweeps-bench-pg-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
New-Item -ItemType Directory -Force $work | Out-Null

. (Join-Path $PSScriptRoot 'store_workers.ps1')
$worker = Get-StoreWorker $Configuration
Add-Type -Path (Join-Path (Split-Path $worker) 'Npgsql.dll')
$cluster = if ($Store) { $null } else { Join-Path $work 'cluster' }
if ($cluster) { $Store = Start-BenchService postgres $cluster SWEEPS_TEST_POSTGRES 'No PostgreSQL server: give -Store, set SWEEPS_TEST_POSTGRES, or install PostgreSQL (Debian: apt-get install postgresql).' }
$server = [Npgsql.NpgsqlConnectionStringBuilder]::new($Store)

function Invoke-Sql([string] $Sql, [string] $Database = $server.Database) {
    $b = [Npgsql.NpgsqlConnectionStringBuilder]::new($Store); $b.Database = $Database; $b.Pooling = $false
    $c = [Npgsql.NpgsqlConnection]::new($b.ConnectionString)
    try { $c.Open(); $cmd = $c.CreateCommand(); $cmd.CommandText = $Sql; $null = $cmd.ExecuteNonQuery() } finally { $c.Dispose() }
}

# P StoreWorker processes on one sweep in a fresh schema, dropped afterwards.
function Measure-Sweeps([int] $P, [int] $PerProcess) {
    $schema = "bench_$([guid]::NewGuid().ToString('N').Substring(0, 10))"
    try { Measure-StoreWorkers $worker $work -Location "$Store;Search Path=$schema" -P $P -PerProcess $PerProcess }
    finally { Invoke-Sql "DROP SCHEMA IF EXISTS $schema CASCADE" }
}

$python = '/usr/bin/python3'
$hasOptuna = (Test-Path $python) -and ((& $python -c 'import optuna, psycopg2; print(1)' 2>$null) -eq '1')
if (-not $hasOptuna) { Write-Warning 'python3-optuna or python3-psycopg2 is not installed (Debian: apt-get install python3-optuna python3-psycopg2): no Optuna figures.' }

# Optuna's RDBStorage on the same server, in a database of its own; the password goes by PGPASSWORD, as for Sweeps.
function Measure-Optuna([int] $P, [int] $PerProcess) {
    if (-not $hasOptuna) { return [ordered]@{ runs_per_second = $null; errors = $null; orphaned = $null } }
    $url = "postgresql+psycopg2://$([uri]::EscapeDataString($server.Username))@$($server.Host):$($server.Port)/optuna_bench"
    $env:PGPASSWORD = $server.Password
    try { & $python -W ignore (Join-Path $PSScriptRoot 'optuna_storage.py') $P $PerProcess $url "bench_p$P" | ConvertFrom-Json -AsHashtable }
    finally { Remove-Item Env:PGPASSWORD -ErrorAction Ignore }
}

$results = [ordered]@{
    date = (Get-Date).ToUniversalTime().ToString('o'); machine = "$([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)"
    runs_per_process = $RunsPerProcess
}
try {
    if ($hasOptuna) { Invoke-Sql 'DROP DATABASE IF EXISTS optuna_bench' 'postgres'; Invoke-Sql 'CREATE DATABASE optuna_bench' 'postgres' }
    $results.server = (& { $b = [Npgsql.NpgsqlConnectionStringBuilder]::new($Store); $b.Pooling = $false; $c = [Npgsql.NpgsqlConnection]::new($b.ConnectionString); try { $c.Open(); "PostgreSQL $($c.ServerVersion)" } finally { $c.Dispose() } })
    $null = Measure-Sweeps -P 1 -PerProcess 50 # warm-up: the server's caches and the JIT's disk cache
    $results.processes = @(foreach ($p in $Processes) {
        $ours = Measure-Sweeps -P $p -PerProcess $RunsPerProcess
        $theirs = Measure-Optuna -P $p -PerProcess $RunsPerProcess
        [ordered]@{
            processes = $p
            sweeps_runs_per_second = $ours.runs_per_second; claim_p50_ms = $ours.claim_p50_ms; claim_p99_ms = $ours.claim_p99_ms
            sweeps_errors = $ours.errors; sweeps_orphaned = $ours.orphaned; sweeps_runs = $ours.runs
            optuna_runs_per_second = $theirs.runs_per_second; optuna_errors = $theirs.errors; optuna_orphaned = $theirs.orphaned
            ratio = if ($theirs.runs_per_second) { [math]::Round($ours.runs_per_second / $theirs.runs_per_second, 2) } else { $null }
        }
        Write-Host "$p processes: Sweeps $($ours.runs_per_second) runs/s, Optuna RDB $($theirs.runs_per_second) runs/s"
    })
}
finally {
    if ($hasOptuna) { try { Invoke-Sql 'DROP DATABASE IF EXISTS optuna_bench' 'postgres' } catch { Write-Warning $_ } }
    if ($cluster) { & (Join-Path $root 'build/services/postgres.ps1') -Stop -WorkDir $cluster }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}

$results | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $OutDir 'store_postgres.json')
$md = @"
## Agent processes on a PostgreSQL store vs Optuna's RDB storage ($($results.date))

$($results.machine); $($results.server) on the same machine. Trivial objective, random search, $RunsPerProcess runs per
process; rates from the stores' own timestamps (first claim to last end). Claim: one claim's change inside the agent,
from asking for the sweep's lock to letting it go.

| processes | Sweeps runs/s | claim p50 ms | claim p99 ms | errors | orphaned | Optuna RDB runs/s | errors | orphaned | ratio |
|---|---|---|---|---|---|---|---|---|---|
$(($results.processes | ForEach-Object { "| $($_.processes) | $($_.sweeps_runs_per_second) | $($_.claim_p50_ms) | $($_.claim_p99_ms) | $($_.sweeps_errors) | $($_.sweeps_orphaned) | $($_.optuna_runs_per_second) | $($_.optuna_errors) | $($_.optuna_orphaned) | $($_.ratio)x |" }) -join "`n")
"@
Set-Content (Join-Path $OutDir 'store_postgres.md') $md
$md
