#requires -Version 7.4
<#
.SYNOPSIS
    Agent processes on an Azure Blob store (Azurite on loopback) against the folder store, in the same run.
.DESCRIPTION
    With 1, 4 and 8 agent processes (tests/StoreWorker: the engine's agent loop with a trivial objective), each running
    -RunsPerProcess runs of one random-search sweep: runs per second (first claim to last end, from the store's own
    times, so process start-up is left out), the latency of each change inside the agent (p50 and p99: its read, decision
    and conditional append; a change that lost the race and its retry are two), errors (agents that failed)
    and orphaned runs (claimed, never finished). Beside each, the same on a folder store on this machine's disk, the
    baseline; the ratio is Blob / folder. Azurite is an emulator: a real account adds the network's round trips (about
    5 to 20 ms within a region), which this does not measure. Writes store_blob.json and store_blob.md to -OutDir. The
    service: $env:SWEEPS_TEST_AZURITE, else an Azurite started here with build/services/azurite.ps1 and stopped at the end.
.EXAMPLE
    dotnet pwsh -File bench/store_blob.ps1 -OutDir out/bench
#>
[CmdletBinding()]
param(
    [string] $OutDir = "$PSScriptRoot/../out/bench",
    [string] $Configuration = 'Release',
    [int[]] $Processes = @(1, 4, 8),
    [int] $RunsPerProcess = 200,
    [string] $Account = $env:SWEEPS_TEST_AZURITE
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..'))
New-Item -ItemType Directory -Force $OutDir | Out-Null
$OutDir = [IO.Path]::GetFullPath($OutDir)
$work = Join-Path ([IO.Path]::GetTempPath()) "sweeps-bench-blob-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
New-Item -ItemType Directory -Force $work | Out-Null

. (Join-Path $PSScriptRoot 'store_workers.ps1')
$worker = Get-StoreWorker $Configuration
$service = if ($Account) { $null } else { Join-Path $work 'azurite' }
if ($service) { $Account = Start-BenchService azurite $service SWEEPS_TEST_AZURITE 'No Azurite: set SWEEPS_TEST_AZURITE, or install npm so build/services/azurite.ps1 can install it.' }
$savedCredential = $env:AZURE_STORAGE_CONNECTION_STRING
$env:AZURE_STORAGE_CONNECTION_STRING = 'UseDevelopmentStorage=true' # the agent processes inherit it

$results = [ordered]@{
    date = (Get-Date).ToUniversalTime().ToString('o'); machine = "$([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)"
    service = "Azurite $((Get-Content (Join-Path $root 'build/services/azurite/package.json') -Raw | ConvertFrom-Json).devDependencies.azurite) on loopback"
    runs_per_process = $RunsPerProcess
}
try {
    $container = "$Account/bench-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    $null = Measure-StoreWorkers $worker $work -P 1 -PerProcess 30 -Location $container -Remove # warm-up: the service's and the JIT's caches
    $results.processes = @(foreach ($p in $Processes) {
        $blob = Measure-StoreWorkers $worker $work -P $p -PerProcess $RunsPerProcess -Location $container -Remove
        $folder = Measure-StoreWorkers $worker $work -P $p -PerProcess $RunsPerProcess -Location (Join-Path $work "folder-$p")
        [ordered]@{
            processes = $p
            blob_runs_per_second = $blob.runs_per_second; claim_p50_ms = $blob.claim_p50_ms; claim_p99_ms = $blob.claim_p99_ms
            blob_errors = $blob.errors; blob_orphaned = $blob.orphaned; blob_runs = $blob.runs
            folder_runs_per_second = $folder.runs_per_second; folder_claim_p50_ms = $folder.claim_p50_ms; folder_errors = $folder.errors; folder_orphaned = $folder.orphaned
            ratio = if ($folder.runs_per_second) { [math]::Round($blob.runs_per_second / $folder.runs_per_second, 2) } else { $null }
        }
        Write-Host "$p processes: Blob $($blob.runs_per_second) runs/s, folder $($folder.runs_per_second) runs/s"
    })
}
finally {
    $env:AZURE_STORAGE_CONNECTION_STRING = $savedCredential
    if ($service) { & (Join-Path $root 'build/services/azurite.ps1') -Stop -WorkDir $service }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}

$results | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $OutDir 'store_blob.json')
$md = @"
## Agent processes on an Azure Blob store vs the folder store ($($results.date))

$($results.machine); $($results.service). Trivial objective, random search, $RunsPerProcess runs per process; rates
from the stores' own timestamps (first claim to last end). Claim: one change inside the agent (read, decide, append;
a change that lost the race and its retry are two). The baseline is the folder store on this machine's disk, in the
same run.

| processes | Blob runs/s | claim p50 ms | claim p99 ms | errors | orphaned | folder runs/s | folder claim p50 ms | errors | orphaned | Blob / folder |
|---|---|---|---|---|---|---|---|---|---|---|
$(($results.processes | ForEach-Object { "| $($_.processes) | $($_.blob_runs_per_second) | $($_.claim_p50_ms) | $($_.claim_p99_ms) | $($_.blob_errors) | $($_.blob_orphaned) | $($_.folder_runs_per_second) | $($_.folder_claim_p50_ms) | $($_.folder_errors) | $($_.folder_orphaned) | $($_.ratio)x |" }) -join "`n")
"@
Set-Content (Join-Path $OutDir 'store_blob.md') $md
$md
