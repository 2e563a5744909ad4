# The help of every cmdlet: build/New-MamlHelp.ps1 turns this, with each cmdlet's own parameter metadata, into
# en-US/Sweeps.dll-Help.xml (MAML) at build time. Manifest.Tests.ps1 fails if a cmdlet or parameter lacks help here.
@{
    'New-Sweep' = @{
        Synopsis    = 'Creates a sweep from a W&B sweep config (YAML, JSON or a hashtable).'
        Description = 'Validates the config against the W&B sweep schema (every problem at once, each with its key path and line) and, when it is valid, creates the sweep as a folder in the store: its journal, a copy of the config, and its seed. Nothing is created when the config has a problem. Deprecated distributions and ignored keys (entity, project) are warnings. Returns the sweep.'
        Parameters  = @{
            Path   = 'A W&B sweep config file, YAML or JSON. Accepts pipeline input, also from Get-ChildItem (FullName).'
            Config = 'A hashtable with the keys of a W&B sweep config (method, metric, parameters, ...); nested hashtables for nested keys.'
            Name   = 'The name of the sweep; overrides the config''s name. Get-Sweep and the other cmdlets find sweeps by id or name.'
            Seed   = 'The seed of every random choice; overrides the config''s seed. Without either, a seed is drawn and recorded, so the sweep can be reproduced.'
            Store  = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = 'New-Sweep -Path ./sweep.yaml'; Remarks = 'Creates a sweep from a W&B sweep.yaml in ./.sweeps and returns it.' }
            @{ Code = "`$sweep = New-Sweep -Config @{`n    method     = 'random'`n    metric     = @{ name = 'loss'; goal = 'minimize' }`n    run_cap    = 50`n    parameters = @{ lr = @{ distribution = 'log_uniform_values'; min = 1e-5; max = 0.1 }; layers = @{ min = 1; max = 4 } }`n} -Seed 7"; Remarks = 'Creates a random-search sweep from a hashtable with a fixed seed.' }
            @{ Code = 'Get-ChildItem ./configs/*.yaml | New-Sweep -Store //share/sweeps'; Remarks = 'Creates one sweep per config file in a store on a shared disk.' }
        )
    }
    'Get-Sweep' = @{
        Synopsis    = 'Gets the sweeps in a store.'
        Description = 'Returns every sweep in the store, or those whose id or name matches (wildcards allowed): method, metric and goal, state, how many runs, failures and the best value so far.'
        Parameters  = @{
            Id    = 'Sweep ids or names; wildcards allowed. A literal that matches nothing is a SweepNotFound error.'
            Store = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = 'Get-Sweep'; Remarks = 'Lists the sweeps in ./.sweeps.' }
            @{ Code = "Get-Sweep -Name 'lr-*' | Where-Object State -eq 'running'"; Remarks = 'Gets the running sweeps whose name starts with lr-.' }
        )
    }
    'Test-SweepConfig' = @{
        Synopsis    = 'Checks a sweep config and returns its problems; creates nothing.'
        Description = 'Validates a config like New-Sweep does and returns every problem as an object with Severity (Error or Warning), Path (the key path, such as parameters.lr.max), Line (for files) and Message. Returns nothing for a valid config without warnings.'
        Parameters  = @{
            Path   = 'A W&B sweep config file, YAML or JSON.'
            Config = 'A hashtable with the keys of a W&B sweep config.'
            Quiet  = 'Returns only $true (no errors) or $false.'
        }
        Examples    = @(
            @{ Code = 'Test-SweepConfig ./sweep.yaml'; Remarks = 'Shows every problem with its line and key path.' }
            @{ Code = "if (-not (Test-SweepConfig ./sweep.yaml -Quiet)) { throw 'invalid sweep config' }"; Remarks = 'Fails a script early on an invalid config.' }
        )
    }
    'Start-SweepAgent' = @{
        Synopsis    = 'Runs a sweep''s runs: a training scriptblock or the sweep''s program, and writes each ended run to the pipeline.'
        Description = 'Claims the sweep''s runs one after another (or -ThrottleLimit at once) and runs each: the scriptblock, which receives $Run (Id, SweepId, Number, Config, Dir) and logs metrics with Write-SweepMetric or by outputting hashtables; or, without -ScriptBlock, the config''s program/command (W&B macros, about_Sweeps_Protocol) as a child process. Stops when -Count runs are done, the sweep has nothing left (grid exhausted, run_cap), runs keep failing, or on Ctrl+C (running runs end as killed). Any number of agents, in any number of processes or machines sharing the store, can work on one sweep; each run is claimed exactly once.'
        Parameters  = @{
            Sweep                   = 'The sweep: an id, a name (a wildcard must match exactly one sweep), or a sweep object from New-Sweep or Get-Sweep on the pipeline.'
            ScriptBlock             = 'The training code. It receives $Run as its first parameter. Without -ThrottleLimit it runs in your session and sees your functions and variables.'
            Command                 = 'The command to run per run, as an argument array with W&B''s macros (${interpreter}, ${program}, ${args}, ${envvar:NAME}, ...). Default: the config''s command, else ${env} ${interpreter} ${program} ${args}.'
            Count                   = 'The most runs this agent does. Without it, the agent runs until the sweep has nothing left.'
            ThrottleLimit           = 'How many runs at once: runspaces for a scriptblock (re-created from its text, like ForEach-Object -Parallel, so it reaches your variables as $using:name), processes for a program. Default 1.'
            RetryCrashed            = 'Runs the parameters of a crashed run (its agent died) again, once, as a new run.'
            HeartbeatTimeoutSeconds = 'A running run whose agent has sent no heartbeat for this long is marked crashed. Default 60.'
            MaxConsecutiveFailures  = 'Stops the agent after this many failed runs in a row (0: never). Default 5. The agent also stops when its first 3 runs all fail within a minute.'
            ExitWhenIdle            = 'Exits when the sweep is paused (Suspend-Sweep) instead of waiting for Resume-Sweep.'
            Store                   = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: the piped sweep''s store, else $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = "New-Sweep ./sweep.yaml | Start-SweepAgent -Count 20 -ScriptBlock {`n    param(`$Run)`n    foreach (`$epoch in 1..10) {`n        `$loss = Invoke-Training -LearningRate `$Run.Config.lr -Epoch `$epoch`n        Write-SweepMetric @{ epoch = `$epoch; loss = `$loss }`n    }`n}"; Remarks = 'Runs 20 runs of a training function defined in your session, logging one history row per epoch.' }
            @{ Code = 'Start-SweepAgent -Sweep k3x9q2ab -ThrottleLimit 4'; Remarks = 'Runs the sweep''s program (program: train.py in the config), four processes at once, until the sweep is done.' }
            @{ Code = "Start-SweepAgent -Sweep k3x9q2ab -Command 'python3', 'train.py', '`${args_no_boolean_flags}' -RetryCrashed"; Remarks = 'Runs a Python script with argparse-style boolean flags and retries runs whose agent died.' }
            @{ Code = "`$data = Import-Csv ./train.csv`nStart-SweepAgent -Sweep k3x9q2ab -ThrottleLimit 4 -ScriptBlock {`n    param(`$Run)`n    Import-Module ./Trainer.psm1`n    Invoke-Training -Data `$using:data -LearningRate `$Run.Config.lr`n}"; Remarks = 'Four runs at once in their own runspaces: the block imports what it needs and reaches the data loaded in your session as $using:data.' }
        )
    }
    'Write-SweepMetric' = @{
        Synopsis    = 'Logs one history row of the current run, like wandb.log.'
        Description = 'Inside a Start-SweepAgent scriptblock, appends one row of metrics to the run''s history (with _step and _timestamp added). The run''s summary is the last logged value of each key; Get-SweepResult shows it as properties. Outside a run it is a NoActiveRun error.'
        Parameters  = @{
            Metrics = 'The metrics of this step, e.g. @{ epoch = 3; loss = 0.21 }. Accepts pipeline input.'
            Run     = 'The run to log to; by default the run being executed.'
        }
        Examples    = @(
            @{ Code = 'Write-SweepMetric @{ epoch = $epoch; loss = $loss; accuracy = $acc }'; Remarks = 'Logs one row from inside a training scriptblock.' }
            @{ Code = '$Run | ForEach-Object { Write-SweepMetric -Run $_ -Metrics @{ loss = 0.5 } }'; Remarks = 'Logs to a run passed explicitly.' }
        )
    }
    'Get-SweepResult' = @{
        Synopsis    = 'Gets one object per run of a sweep, with its parameters and summary metrics as properties.'
        Description = 'Returns every run of the sweep with SweepId, Id, Number, State, each parameter (nested ones by dotted name, such as optimizer.lr), each summary metric, Runtime (seconds), Created and Error as properties, so Sort-Object, Where-Object, Format-Table and Export-Csv work directly.'
        Parameters  = @{
            Sweep = 'The sweep: an id, a name (wildcards allowed), or a sweep object on the pipeline.'
            Store = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: the piped sweep''s store, else $env:SWEEPS_STORE, else ./.sweeps.'
            State = 'Only runs in these states: pending, running, finished, failed, crashed, killed.'
            Top   = 'Only the N best runs by the sweep''s metric and goal (runs that logged no value of the metric are left out).'
            Best  = 'Only the best run by the sweep''s metric and goal.'
        }
        Examples    = @(
            @{ Code = 'Get-SweepResult k3x9q2ab -Top 5'; Remarks = 'The five best runs by the sweep''s metric (lowest loss when the goal is minimize).' }
            @{ Code = 'Get-SweepResult k3x9q2ab | Sort-Object loss | Select-Object -First 5'; Remarks = 'The five runs with the lowest loss.' }
            @{ Code = "Get-Sweep -Name 'lr-*' | Get-SweepResult | Where-Object State -eq 'finished' | Export-Csv runs.csv"; Remarks = 'Exports the finished runs of several sweeps.' }
        )
    }
    'Get-SweepRun' = @{
        Synopsis    = 'Gets runs in full: parameters, summary, every history row, error and folder.'
        Description = 'Returns each run of the sweep (or those with the given ids, wildcards allowed) with Config and Summary as hashtables, History as one object per logged row, Error, ExitCode, Agent, the run''s Directory (a folder, or where a database store keeps its files), and StdOut and StdErr, the end of what its program printed (read from the store when first asked for).'
        Parameters  = @{
            Sweep = 'The sweep: an id, a name, or a sweep object (binds SweepId from result objects on the pipeline).'
            Id    = 'Run ids; wildcards allowed. All runs when omitted.'
            Store = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = '(Get-SweepRun k3x9q2ab -Id 5gngexhw).History | Format-Table epoch, loss'; Remarks = 'The learning curve of one run.' }
            @{ Code = 'Get-SweepResult k3x9q2ab | Where-Object State -eq failed | Get-SweepRun | Select-Object Id, Error'; Remarks = 'The errors of the failed runs.' }
        )
    }
    'Suspend-Sweep' = @{
        Synopsis    = 'Pauses a sweep: its agents start no new runs and wait; running runs go on.'
        Description = 'Sets the sweep''s state to paused (allowed from running or paused, as in W&B). Agents start no new run while it is paused; they wait for Resume-Sweep, or exit if started with -ExitWhenIdle.'
        Parameters  = @{
            Sweep    = 'The sweep: an id, a name (wildcards allowed), or a sweep object on the pipeline.'
            PassThru = 'Writes the sweep after the change.'
            Store    = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: the piped sweep''s store, else $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = 'Suspend-Sweep k3x9q2ab'; Remarks = 'Pauses the sweep; its agents wait.' }
            @{ Code = "Get-Sweep -Name 'lr-*' | Suspend-Sweep -WhatIf"; Remarks = 'Shows which sweeps would be paused.' }
        )
    }
    'Resume-Sweep' = @{
        Synopsis    = 'Resumes a sweep: agents start new runs again.'
        Description = 'Sets the sweep''s state to running, from any state (as in W&B, a finished or canceled sweep can be resumed; an exhausted grid then has nothing left to run).'
        Parameters  = @{
            Sweep    = 'The sweep: an id, a name (wildcards allowed), or a sweep object on the pipeline.'
            PassThru = 'Writes the sweep after the change.'
            Store    = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: the piped sweep''s store, else $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = 'Resume-Sweep k3x9q2ab'; Remarks = 'Waiting agents start runs again.' }
            @{ Code = 'Resume-Sweep k3x9q2ab -PassThru | Start-SweepAgent -Count 10'; Remarks = 'Resumes a stopped random sweep and runs ten more runs.' }
        )
    }
    'Stop-Sweep' = @{
        Synopsis    = 'Stops a sweep: no new runs; running runs finish, or with -Cancel are killed.'
        Description = 'Sets the sweep''s state to finished (running runs finish) or, with -Cancel, to canceled (running runs are killed at once, with no grace period, as W&B''s cancel does, and recorded as killed). Allowed from running or paused, as in W&B; agents exit once their runs have ended.'
        Parameters  = @{
            Sweep    = 'The sweep: an id, a name (wildcards allowed), or a sweep object on the pipeline.'
            Cancel   = 'Cancels the sweep: running runs are killed as well.'
            PassThru = 'Writes the sweep after the change.'
            Store    = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: the piped sweep''s store, else $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = 'Stop-Sweep k3x9q2ab'; Remarks = 'No new runs; the running ones finish.' }
            @{ Code = 'Stop-Sweep k3x9q2ab -Cancel -Confirm:$false'; Remarks = 'Stops everything now, without asking.' }
        )
    }
    'Remove-Sweep' = @{
        Synopsis    = 'Deletes a sweep and everything its runs wrote.'
        Description = 'Deletes the sweep''s folder (journal, runs, histories, program output). Refuses (SweepInUse) while an agent is alive on one of its runs, unless -Force. Asks for confirmation by default.'
        Parameters  = @{
            Sweep = 'The sweep: an id, a name (wildcards allowed), or a sweep object on the pipeline.'
            Force = 'Removes the sweep even while an agent is working on it.'
            Store = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: the piped sweep''s store, else $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = 'Remove-Sweep k3x9q2ab'; Remarks = 'Asks, then deletes the sweep.' }
            @{ Code = "Get-Sweep | Where-Object State -eq 'canceled' | Remove-Sweep -Confirm:`$false"; Remarks = 'Deletes every canceled sweep without asking.' }
        )
    }
    'Get-SweepParameterImportance' = @{
        Synopsis    = 'Ranks a sweep''s parameters by how much they matter to its metric, like W&B''s parameter importance panel.'
        Description = 'One object per searchable parameter, the most important first: Importance is the parameter''s share of the impurity importance of a random forest trained to predict the metric from the parameters (W&B''s method; categorical parameters included; all of a sweep''s importances sum to 1), Correlation the Pearson correlation of its value with the metric (empty for categorical parameters). Computed over the runs with a value of the metric, in any state; seeded, so the same runs always give the same figures. A sweep without a metric gives a warning and no objects.'
        Parameters  = @{
            Sweep = 'The sweep: an id, a name (wildcards allowed), or a sweep object on the pipeline.'
            Store = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: the piped sweep''s store, else $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = 'Get-SweepParameterImportance k3x9q2ab'; Remarks = 'The table: parameter, importance, correlation, runs.' }
            @{ Code = 'Get-SweepParameterImportance k3x9q2ab | Where-Object Importance -lt 0.05 | Select-Object -ExpandProperty Parameter'; Remarks = 'The parameters that barely matter: candidates to fix in the next sweep.' }
        )
    }
    'Export-SweepReport' = @{
        Synopsis    = 'Writes the dashboard''s page of one sweep as one self-contained HTML file that works offline.'
        Description = 'The same page Start-SweepDashboard serves, with the sweep''s data inside: parallel coordinates (log axes for log-distributed parameters, numeric categories in order), the metric against each parameter, the metric over runs with the best so far, any logged metric of every run against step, epoch or wall time (coloured by state, a cross where early termination stopped a run), parameter importance (a random forest, as W&B computes it) with the correlation''s sign, a run table that sorts and filters with each run''s config, summary and error, the sweep''s config and state counts, and what early termination saved. plotly.js is bundled into the file, so it opens without a network; every value is shown as text.'
        Parameters  = @{
            Sweep = 'The sweep: an id, a name, or a sweep object on the pipeline.'
            Path  = 'The HTML file to write.'
            Force = 'Overwrites an existing file.'
            Store = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: the piped sweep''s store, else $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = 'Export-SweepReport k3x9q2ab -Path report.html'; Remarks = 'Writes report.html; open it in any browser.' }
            @{ Code = "Get-Sweep -Name 'nightly' | Export-SweepReport -Path (Join-Path `$env:BUILD_ARTIFACTSTAGINGDIRECTORY 'report.html') -Force"; Remarks = 'The report as a pipeline artifact.' }
        )
    }
    'Start-SweepDashboard' = @{
        Synopsis    = 'Serves a live dashboard of the store''s sweeps in the browser until Ctrl+C or Stop-Job.'
        Description = 'A local web server (on 127.0.0.1 unless -Address says otherwise) with a page that lists the store''s sweeps and shows one in detail, as Export-SweepReport does, redrawn within about a second when agents (in other processes or on other machines) start or end runs or log metrics. It works offline (plotly.js is served from the module) and with every store. The page is read-only unless -AllowControl lets it pause, resume, stop and cancel sweeps. Writes an object with the dashboard''s Url first; a port in use is an error (DashboardPortInUse).'
        Parameters  = @{
            Sweep        = 'The sweep to open the page at: an id, a name, or a sweep object on the pipeline. Without it the page lists every sweep of the store.'
            Port         = 'The TCP port (default 8765).'
            Address      = 'The address to listen on (default 127.0.0.1: this machine only). 0.0.0.0 (or *) serves every interface, so other machines open it by this machine''s name or address; it is read-only unless -AllowControl.'
            AllowControl = 'Lets the page pause, resume, stop and cancel sweeps.'
            Store        = 'The store: a folder, a PostgreSQL location (postgres://user@host/db), or an Azure Blob container (https://account.blob.core.windows.net/container). Default: $env:SWEEPS_STORE, else ./.sweeps.'
        }
        Examples    = @(
            @{ Code = 'Start-SweepDashboard'; Remarks = 'Serves http://127.0.0.1:8765/ with every sweep of ./.sweeps; open it in a browser, Ctrl+C stops it.' }
            @{ Code = '$job = Start-ThreadJob { Start-SweepDashboard k3x9q2ab -Store postgres://sweeps@db/sweeps -Port 9000 }; Receive-Job $job -Wait -AutoRemoveJob:$false | Select-Object -First 1; Stop-Job $job'; Remarks = 'The dashboard of a PostgreSQL store in the background while agents run elsewhere; Stop-Job ends it.' }
            @{ Code = 'Start-SweepDashboard -AllowControl'; Remarks = 'The page gets pause, resume, stop and cancel buttons.' }
        )
    }
}
