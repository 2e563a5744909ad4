#requires -Version 7.4
<#
.SYNOPSIS
    Measures Sweeps against baselines taken in the same run (the machines are shared and noisy, so only the
    ratios compare across runs). Writes results.json and results.md to -OutDir.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = "$PSScriptRoot/../out/Sweeps/Sweeps.psd1",
    [string] $OutDir = "$PSScriptRoot/../out/bench",
    [string] $Configuration = 'Release',
    [int] $Runs = 300,
    [int] $Appends = 300
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModulePath -Force
New-Item -ItemType Directory -Force $OutDir | Out-Null
$store = Join-Path ([IO.Path]::GetTempPath()) "sweeps-bench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
$results = [ordered]@{ date = (Get-Date).ToUniversalTime().ToString('o'); machine = "$([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)" }

function Measure-Seconds([scriptblock] $Block) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $Block | Out-Null; $sw.Elapsed.TotalSeconds }

try {
    # 1. Agent throughput with a trivial scriptblock, against invoking the same scriptblock bare.
    $training = { param($Run) @{ loss = $Run.Number } }
    $sweep = New-Sweep -Store $store -Config @{ method = 'random'; metric = @{ name = 'loss' }; parameters = @{ x = @{ min = 0.0; max = 1.0 } } }
    $sweep | Start-SweepAgent -Store $store -Count 20 -ScriptBlock $training | Out-Null    # warm-up
    $agentSeconds = Measure-Seconds { $sweep | Start-SweepAgent -Store $store -Count $Runs -ScriptBlock $training }
    $bareSeconds = Measure-Seconds { for ($i = 0; $i -lt $Runs; $i++) { & $training ([pscustomobject]@{ Number = $i }) } }
    $results.agent = [ordered]@{
        runs = $Runs
        runs_per_second = [math]::Round($Runs / $agentSeconds, 1)
        ms_per_run = [math]::Round(1000 * $agentSeconds / $Runs, 3)
        bare_scriptblock_ms_per_call = [math]::Round(1000 * $bareSeconds / $Runs, 4)
        overhead_ms_per_run = [math]::Round(1000 * ($agentSeconds - $bareSeconds) / $Runs, 3)
    }

    # 2. One journal append (a run_ended event, flushed to disk) against writing the same bytes with fsync bare.
    $journalPath = Join-Path $store 'bench-journal.jsonl'
    $rawPath = Join-Path $store 'bench-raw.jsonl'
    $summary = [Collections.Generic.Dictionary[string, object]]::new()
    $summary['loss'] = 0.25; $summary['epoch'] = [long]10
    $event = [Sweeps.Engine.Store.RunEnded]::new([DateTimeOffset]::UtcNow, 'abcd1234', [Sweeps.Engine.Runs.RunState]::Finished, $summary, [long]10, $null, $null)
    [IO.File]::WriteAllText($journalPath, '')
    $journal = [Sweeps.Engine.Store.Journal]::new($journalPath)
    $lock = [Sweeps.Engine.Store.FileLock]::new((Join-Path $store 'bench.lock'))
    $bytes = [Text.Encoding]::UTF8.GetBytes($event.ToJson() + "`n")
    $appendSeconds = Measure-Seconds { for ($i = 0; $i -lt $Appends; $i++) { $journal.Append($event) } }
    $lockedSeconds = Measure-Seconds { for ($i = 0; $i -lt $Appends; $i++) { $h = $lock.Acquire(); try { $journal.Append($event) } finally { $h.Dispose() } } }
    $rawSeconds = Measure-Seconds {
        for ($i = 0; $i -lt $Appends; $i++) {
            $fs = [IO.FileStream]::new($rawPath, 'Append', 'Write', 'ReadWrite')
            try { $fs.Write($bytes, 0, $bytes.Length); $fs.Flush($true) } finally { $fs.Dispose() }
        }
    }
    $results.journal = [ordered]@{
        appends = $Appends
        event_bytes = $bytes.Length
        append_ms = [math]::Round(1000 * $appendSeconds / $Appends, 3)
        append_under_lock_ms = [math]::Round(1000 * $lockedSeconds / $Appends, 3)
        bare_fsync_write_ms = [math]::Round(1000 * $rawSeconds / $Appends, 3)
        append_vs_bare_ratio = [math]::Round($appendSeconds / $rawSeconds, 2)
    }

    # 3. Replaying the sweep journal the agent wrote (read + parse + apply), per run.
    $replaySeconds = Measure-Seconds { Get-Sweep -Store $store -Id $sweep.Id }
    $results.replay = [ordered]@{ runs = $Runs + 20; ms = [math]::Round(1000 * $replaySeconds, 1) }
}
finally {
    Remove-Item -Recurse -Force $store -ErrorAction Ignore
}

$json = $results | ConvertTo-Json -Depth 5
Set-Content (Join-Path $OutDir 'results.json') $json
$md = @"
# Sweeps benchmark ($($results.date))

Machine: $($results.machine). Baselines are measured in the same run; compare ratios, not absolute times.

| measure | value | baseline (same run) | ratio |
|---|---|---|---|
| agent, trivial scriptblock | $($results.agent.runs_per_second) runs/s ($($results.agent.ms_per_run) ms/run) | bare ``& `$sb``: $($results.agent.bare_scriptblock_ms_per_call) ms/call | overhead $($results.agent.overhead_ms_per_run) ms/run |
| journal append (fsync) | $($results.journal.append_ms) ms | raw write + fsync: $($results.journal.bare_fsync_write_ms) ms | $($results.journal.append_vs_bare_ratio)x |
| journal append under the lock | $($results.journal.append_under_lock_ms) ms | | |
| replay of $($results.replay.runs) runs (Get-Sweep) | $($results.replay.ms) ms | | |
"@
Set-Content (Join-Path $OutDir 'results.md') $md
$md
