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
    [int] $Appends = 300,
    # Runs per agent process in the 1/2/4-process comparison with Optuna's journal file store.
    [int] $RunsPerProcess = 1000,
    # Runs of a 100 ms program, through the agent and bare.
    [int] $ProgramRuns = 20,
    # Seeds per objective in the search-quality comparison, and in its concurrent-agents part.
    [int] $SearchSeeds = 20,
    [int] $ConcurrentSeeds = 10,
    # Journal sizes for the replay measure (runs).
    [int[]] $ReplaySizes = @(10000, 50000, 100000)
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModulePath -Force
New-Item -ItemType Directory -Force $OutDir | Out-Null
$store = Join-Path ([IO.Path]::GetTempPath()) "sweeps-bench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
$results = [ordered]@{ date = (Get-Date).ToUniversalTime().ToString('o'); machine = "$([Environment]::ProcessorCount) cores, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)" }

function Measure-Seconds([scriptblock] $Block) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $Block | Out-Null; $sw.Elapsed.TotalSeconds }

# The journal, its events and the file lock are internal to the engine, and PowerShell binds only to public types:
# they are reached by reflection, whose call costs microseconds against the milliseconds of an fsync.
$engine = [Sweeps.Engine.Store.SweepStore].Assembly
function ConvertTo-Arguments([object[]] $Values) { , [object[]]@(foreach ($v in $Values) { if ($null -eq $v) { $null } else { , $v.psobject.BaseObject } }) }
function New-EngineObject([string] $Type) { [Activator]::CreateInstance($engine.GetType("Sweeps.Engine.$Type", $true), (ConvertTo-Arguments $args)) }
function Invoke-EngineMethod([object] $Target, [string] $Name) { $Target.GetType().GetMethod($Name).Invoke($Target, (ConvertTo-Arguments $args)) }

# Runs per second of P agent processes on one store, from the journal's own times (first claim to last end), so
# process start-up is left out, as it is for Optuna below.
function Measure-AgentProcesses([int] $Processes, [int] $PerProcess, [string] $Store, [string[]] $Pwsh) {
    $sweep = New-Sweep -Store $Store -Config @{ method = 'random'; metric = @{ name = 'loss' }; parameters = @{ x = @{ min = 0.0; max = 1.0 } } }
    $script = "Import-Module '$ModulePath'; Start-SweepAgent -Sweep $($sweep.Id) -Store '$Store' -Count $PerProcess -ScriptBlock { param(`$Run) @{ loss = `$Run.Config.x } } | Out-Null"
    $procs = foreach ($i in 1..$Processes) {
        $psi = [Diagnostics.ProcessStartInfo]::new($Pwsh[0])
        foreach ($a in @($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardError = $true; $psi.RedirectStandardOutput = $true; $psi.UseShellExecute = $false
        [Diagnostics.Process]::Start($psi)
    }
    $errors = 0
    foreach ($p in $procs) {
        $err = $p.StandardError.ReadToEndAsync(); $null = $p.StandardOutput.ReadToEnd(); $p.WaitForExit()
        if ($p.ExitCode -ne 0 -or $err.Result.Trim()) { $errors++; Write-Warning $err.Result }
    }
    $events = Get-Content (Join-Path $Store "$($sweep.Id)/journal.jsonl") | ConvertFrom-Json
    $claimed = @($events | Where-Object e -EQ 'run_claimed')
    $ended = @($events | Where-Object e -EQ 'run_ended')
    $seconds = ([datetimeoffset]($ended[-1].t) - [datetimeoffset]($claimed[0].t)).TotalSeconds
    [ordered]@{
        runs = $ended.Count; errors = $errors
        orphaned = $claimed.Count - @($ended | Where-Object state -EQ 'finished').Count
        runs_per_second = [math]::Round($ended.Count / $seconds, 1)
    }
}

function Measure-OptunaJournal([int] $Processes, [int] $PerProcess, [string] $Path) {
    $python = '/usr/bin/python3'
    $hasOptuna = (Test-Path $python) -and ((& $python -c 'import optuna; print(1)' 2>$null) -eq '1')
    if (-not $hasOptuna) {
        Write-Warning 'python3-optuna is not installed (Debian: apt-get install python3-optuna): no Optuna figures.'
        return [ordered]@{ runs_per_second = $null; errors = $null; orphaned = $null }
    }
    & $python -W ignore (Join-Path $PSScriptRoot 'optuna_storage.py') $Processes $PerProcess $Path | ConvertFrom-Json -AsHashtable
}

# Writes a journal of N finished runs the way agents would, then times a fresh replay of it.
function Measure-Replay([int] $Runs, [string] $Store) {
    $sweep = New-Sweep -Store $Store -Config @{ method = 'random'; metric = @{ name = 'loss' }; parameters = @{ lr = @{ distribution = 'log_uniform_values'; min = 1e-5; max = 0.1 }; layers = @{ min = 1; max = 8 } } }
    $journal = Join-Path $Store "$($sweep.Id)/journal.jsonl"
    $t = [datetimeoffset]::UtcNow.ToString('o')
    $sb = [Text.StringBuilder]::new()
    for ($i = 1; $i -le $Runs; $i++) {
        $id = 'r{0:d7}' -f $i
        $null = $sb.Append('{"e":"run_claimed","t":"').Append($t).Append('","run":"').Append($id).Append('","number":').Append($i).Append(',"agent":"bench-1-abcd","config":{"layers":').Append($i % 8 + 1).Append(',"lr":').Append(1e-5 * $i).Append("}}`n")
        $null = $sb.Append('{"e":"run_ended","t":"').Append($t).Append('","run":"').Append($id).Append('","state":"finished","summary":{"loss":').Append(1.0 / $i).Append(',"epoch":10},"steps":10}').Append("`n")
    }
    [IO.File]::AppendAllText($journal, $sb.ToString())
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $before = [GC]::GetTotalMemory($true)
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $state = [Sweeps.Engine.Store.SweepStore]::new($Store).Open($sweep.Id).Refresh()
    $seconds = $sw.Elapsed.TotalSeconds
    $bytes = [GC]::GetTotalMemory($true) - $before
    if ($state.Runs.Count -ne $Runs) { throw "replay found $($state.Runs.Count) runs, expected $Runs" }
    [ordered]@{ runs = $Runs; journal_mb = [math]::Round((Get-Item $journal).Length / 1MB, 1); ms = [math]::Round(1000 * $seconds, 1); memory_mb = [math]::Round($bytes / 1MB, 1); us_per_run = [math]::Round(1e6 * $seconds / $Runs, 2) }
}

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
    $event = New-EngineObject Store.RunEnded ([DateTimeOffset]::UtcNow) 'abcd1234' ([Sweeps.Engine.Runs.RunState]::Finished) $summary ([long]10) $null $null
    $events = [Array]::CreateInstance($engine.GetType('Sweeps.Engine.Store.JournalEvent', $true), 1); $events[0] = $event
    [IO.File]::WriteAllText($journalPath, '')
    $journal = New-EngineObject Store.Folder.Journal $journalPath
    $lock = New-EngineObject Store.Folder.FileLock (Join-Path $store 'bench.lock') $null $null $null
    $bytes = [Text.Encoding]::UTF8.GetBytes((Invoke-EngineMethod $event ToJson) + "`n")
    $appendSeconds = Measure-Seconds { for ($i = 0; $i -lt $Appends; $i++) { Invoke-EngineMethod $journal Append $events } }
    $lockedSeconds = Measure-Seconds { for ($i = 0; $i -lt $Appends; $i++) { $h = Invoke-EngineMethod $lock Acquire ([Threading.CancellationToken]::None); try { Invoke-EngineMethod $journal Append $events } finally { $h.Dispose() } } }
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

    # 3. Agent processes on one store against Optuna's journal file store doing the same, in the same run.
    $pwsh = @('dotnet', (Join-Path $PSHOME 'pwsh.dll'))
    $results.processes = @(foreach ($p in 1, 2, 4) {
        $ours = Measure-AgentProcesses -Processes $p -PerProcess $RunsPerProcess -Store (Join-Path $store "p$p") -Pwsh $pwsh
        $theirs = Measure-OptunaJournal -Processes $p -PerProcess $RunsPerProcess -Path (Join-Path $store "optuna-$p.log")
        [ordered]@{
            processes = $p
            sweeps_runs_per_second = $ours.runs_per_second; sweeps_errors = $ours.errors; sweeps_orphaned = $ours.orphaned; sweeps_runs = $ours.runs
            optuna_runs_per_second = $theirs.runs_per_second; optuna_errors = $theirs.errors; optuna_orphaned = $theirs.orphaned
            ratio = if ($theirs.runs_per_second) { [math]::Round($ours.runs_per_second / $theirs.runs_per_second, 2) } else { $null }
        }
    })

    # 4. A program that runs 100 ms, through the agent against launching it bare.
    $sleep = (Get-Command sleep -CommandType Application | Select-Object -First 1).Source
    $programSweep = New-Sweep -Store $store -Config @{ method = 'random'; parameters = @{ x = @{ min = 0.0; max = 1.0 } } }
    $agentProgram = Measure-Seconds { Start-SweepAgent -Sweep $programSweep -Store $store -Count $ProgramRuns -Command $sleep, '0.1' }
    $bareProgram = Measure-Seconds {
        for ($i = 0; $i -lt $ProgramRuns; $i++) { $p = [Diagnostics.Process]::Start($sleep, '0.1'); $p.WaitForExit(); $p.Dispose() }
    }
    $results.program = [ordered]@{
        runs = $ProgramRuns; program = "$sleep 0.1"
        agent_ms_per_run = [math]::Round(1000 * $agentProgram / $ProgramRuns, 1)
        bare_ms_per_run = [math]::Round(1000 * $bareProgram / $ProgramRuns, 1)
        ratio = [math]::Round($agentProgram / $bareProgram, 3)
    }

    # 5. Search quality: simple regret on the six objectives, with Optuna's TPE beside ours when it is installed.
    $searchBench = Join-Path $PSScriptRoot "SearchBench/bin/$Configuration/net10.0/Sweeps.SearchBench.dll"
    # With 1, 4, 8 and 16 agents asking at once (k runs outstanding at every ask), beside TPE with constant_liar.
    $tpe = Join-Path $OutDir 'optuna-tpe.json'
    $tpeConcurrent = Join-Path $OutDir 'optuna-tpe-concurrent.json'
    Remove-Item $tpe, $tpeConcurrent -ErrorAction Ignore
    if ((Test-Path '/usr/bin/python3') -and ((& /usr/bin/python3 -c 'import optuna; print(1)' 2>$null) -eq '1')) {
        & /usr/bin/python3 -W ignore (Join-Path $PSScriptRoot 'optuna_tpe.py') $SearchSeeds 100 | Set-Content $tpe
        & /usr/bin/python3 -W ignore (Join-Path $PSScriptRoot 'optuna_tpe.py') $ConcurrentSeeds 100 '1,4,8,16' | Set-Content $tpeConcurrent
    }
    dotnet $searchBench --vectors (Join-Path $PSScriptRoot 'function_vectors.json') --seeds $SearchSeeds --budget 100 --out $OutDir --extra $tpe | Out-Null
    dotnet $searchBench --sequential no --seeds $ConcurrentSeeds --budget 100 --out (Join-Path $OutDir 'concurrent') --concurrency '1,4,8,16' --methods bayes --extra-concurrent $tpeConcurrent | Out-Null

    # 6. Replaying a journal of N runs (read, parse, apply): time and managed memory.
    $results.replay = @(foreach ($n in $ReplaySizes) { Measure-Replay -Runs $n -Store (Join-Path $store "replay-$n") })

    # 7. The distributed stores: agent processes on PostgreSQL beside Optuna's RDB storage, and on Azure Blob (Azurite)
    # beside the folder store; each starts its server where none is given and writes its own results beside these.
    foreach ($storeBench in 'store_postgres.ps1', 'store_blob.ps1') {
        Remove-Item (Join-Path $OutDir ($storeBench -replace '\.ps1$', '.md')) -ErrorAction Ignore # never an old run's figures
        try { $null = & (Join-Path $PSScriptRoot $storeBench) -OutDir $OutDir -Configuration $Configuration }
        catch { Write-Warning "${storeBench}: $_" }
    }
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

## Agent processes on one store vs Optuna's journal file store (same machine, same run)

Trivial objective, $RunsPerProcess runs per process; rates from the stores' own timestamps (first claim to last end).

| processes | Sweeps runs/s | errors | orphaned | Optuna runs/s | errors | orphaned | ratio |
|---|---|---|---|---|---|---|---|
$(($results.processes | ForEach-Object { "| $($_.processes) | $($_.sweeps_runs_per_second) | $($_.sweeps_errors) | $($_.sweeps_orphaned) | $($_.optuna_runs_per_second) | $($_.optuna_errors) | $($_.optuna_orphaned) | $($_.ratio)x |" }) -join "`n")

## A 100 ms program through the agent vs bare

| runs | agent ms/run | bare ms/run | ratio |
|---|---|---|---|
| $($results.program.runs) | $($results.program.agent_ms_per_run) | $($results.program.bare_ms_per_run) | $($results.program.ratio)x |

# Search

$(Get-Content (Join-Path $OutDir 'search.md') -Raw)

$(Get-Content (Join-Path $OutDir 'concurrent/search.md') -Raw)

## Replaying a journal

| runs | journal MB | ms | managed MB | us/run |
|---|---|---|---|---|
$(($results.replay | ForEach-Object { "| $($_.runs) | $($_.journal_mb) | $($_.ms) | $($_.memory_mb) | $($_.us_per_run) |" }) -join "`n")

# Distributed stores

$(foreach ($part in 'store_postgres.md', 'store_blob.md') { $f = Join-Path $OutDir $part; if (Test-Path $f) { Get-Content $f -Raw } else { "($part: not measured in this run; see the warnings)`n" } })
"@
Set-Content (Join-Path $OutDir 'results.md') $md
$md
