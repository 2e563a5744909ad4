BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:work = Join-Path $TestDrive 'programs'
    $null = New-Item -ItemType Directory -Force $work
    Push-Location $work

    # A training script in PowerShell: parameters from the command line or else the params file, metrics by the
    # metrics file. W&B-style --name=value arguments land in $Rest.
    Set-Content -LiteralPath (Join-Path $work 'train.ps1') -Value @'
[CmdletBinding(PositionalBinding = $false)]
param([double] $lr, [int] $epochs = 2, [int] $exit = 0, [Parameter(ValueFromRemainingArguments)] $Rest)
$params = Get-Content -LiteralPath $env:SWEEPS_PARAMS_FILE -Raw | ConvertFrom-Json
if (-not $PSBoundParameters.ContainsKey('lr')) { $lr = $params.lr }
if (-not $PSBoundParameters.ContainsKey('epochs') -and $params.epochs) { $epochs = $params.epochs }
foreach ($e in 1..$epochs) {
    Add-Content -LiteralPath $env:SWEEPS_METRICS_FILE -Value (@{ epoch = $e; loss = $lr / $e } | ConvertTo-Json -Compress)
    "epoch $e"
}
if ($exit) { [Console]::Error.WriteLine("exploded"); exit $exit }
'@
    # A training script in bash: metrics by stdout lines, and its arguments kept for inspection.
    Set-Content -LiteralPath (Join-Path $work 'train.sh') -Value @'
printf '%s\n' "$@" > "$SWEEPS_RUN_DIR/args.txt"
echo "@sweeps {\"loss\": 0.25, \"sweep\": \"$SWEEPS_SWEEP_ID\"}"
'@
}

AfterAll { Pop-Location }

Describe 'Start-SweepAgent with a program' {
    It 'runs the config''s program with its interpreter and the W&B default command' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{
            method = 'grid'; metric = @{ name = 'loss' }; program = 'train.ps1'
            command = @('${interpreter}', '${program}', '${args_no_hyphens}')
            parameters = @{ lr = @{ values = @(0.5, 0.25) }; epochs = @{ value = 2 } }
        }
        $results = @($sweep | Start-SweepAgent -Store $store 6>$null)
        $results | Should -HaveCount 2
        $results.State | Should -Be @('finished', 'finished')
        $results.loss | Should -Be @(0.25, 0.125)   # lr / epoch 2, read from $env:SWEEPS_PARAMS_FILE
    }

    It 'runs -Command with macros, passing parameters as named arguments' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{
            method = 'grid'; metric = @{ name = 'loss' }; program = 'train.ps1'
            parameters = @{ lr = @{ values = @(0.5, 0.25) }; epochs = @{ value = 2 } }
        }
        $results = @(Start-SweepAgent -Sweep $sweep -Store $store -Command '${interpreter}', '${program}', '-lr', '${envvar:NO_SUCH_VAR_X}' 6>$null)
        $results.State | Should -Be @('failed', 'failed')   # "-lr NO_SUCH_VAR_X" is not a number: the script fails
        $ok = @(Start-SweepAgent -Sweep (New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; program = 'train.ps1'; parameters = @{ lr = @{ values = @(0.5) } } }) -Store $store -Command '${interpreter}', '${program}', '-lr', '0.5', '-epochs', '4' 6>$null)
        $ok[0].State | Should -Be 'finished'
        $ok[0].loss | Should -Be 0.125
        $ok[0].epoch | Should -Be 4
    }

    It 'passes a hostile parameter value as one literal argument, never through a shell' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{
            method = 'grid'; metric = @{ name = 'loss' }; program = 'train.sh'
            parameters = @{ evil = @{ values = @('a; rm -rf ~', '$(whoami) `id`') } }
        }
        $results = @($sweep | Start-SweepAgent -Store $store 6>$null)
        $results.State | Should -Be @('finished', 'finished')
        $results[0].loss | Should -Be 0.25
        $results[0].sweep | Should -Be $sweep.Id
        $dirs = Get-SweepRun -Store $store -Sweep $sweep.Id | ForEach-Object Directory
        Get-Content -LiteralPath (Join-Path $dirs[0] 'args.txt') | Should -Be @('--evil=a; rm -rf ~')
        Get-Content -LiteralPath (Join-Path $dirs[1] 'args.txt') | Should -Be @('--evil=$(whoami) `id`')
    }

    It 'keeps a failed run''s exit code, the tail of stderr, and the program''s output in the run folder' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; program = 'train.ps1'; parameters = @{ lr = @{ value = 1 } } }
        $result = Start-SweepAgent -Sweep $sweep -Store $store -Command '${interpreter}', '${program}', '-exit', '7' 6>$null
        $result.State | Should -Be 'failed'
        $result.Error | Should -Be 'exit code 7: exploded'
        $run = Get-SweepRun -Store $store -Sweep $sweep.Id
        $run.ExitCode | Should -Be 7
        Get-Content -LiteralPath (Join-Path $run.Directory 'stdout.log') | Should -Be @('epoch 1', 'epoch 2')
        Get-Content -LiteralPath (Join-Path $run.Directory 'stderr.log') | Should -Be @('exploded')
        $run.StdOut -split "`r?`n" | Should -Be @('epoch 1', 'epoch 2', '')
        $run.StdErr.Trim() | Should -Be 'exploded'
    }

    It 'shows the program''s output on the information stream' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; program = 'train.ps1'; parameters = @{ lr = @{ value = 1 } } }
        $null = Start-SweepAgent -Sweep $sweep -Store $store -Command '${interpreter}', '${program}' -InformationVariable info 6>$null
        @($info | ForEach-Object { "$($_.MessageData)" }) | Should -Be @('epoch 1', 'epoch 2')
    }

    It 'reports a missing program before claiming any run' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; program = 'nope.py'; parameters = @{ lr = @{ value = 1 } } }
        Start-SweepAgent -Sweep $sweep -Store $store -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ProgramNotFound,Sweeps.Commands.StartSweepAgentCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($err[0])" | Should -BeLike "*'nope.py' does not exist*"
        (Get-Sweep -Store $store -Id $sweep.Id).RunCount | Should -Be 0
    }

    It 'reports a missing interpreter before claiming any run' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; parameters = @{ lr = @{ value = 1 } } }
        Start-SweepAgent -Sweep $sweep -Store $store -Command 'no-such-trainer-xyz', '${args}' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'ProgramNotFound,Sweeps.Commands.StartSweepAgentCommand'
        "$($err[0])" | Should -BeLike "*Cannot find 'no-such-trainer-xyz'*"
        (Get-Sweep -Store $store -Id $sweep.Id).RunCount | Should -Be 0
    }
}

Describe 'Start-SweepAgent -ThrottleLimit' {
    It 'runs scriptblocks in parallel runspaces where Write-SweepMetric and $Run work' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ min = 1; max = 8 } } }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $results = @($sweep | Start-SweepAgent -Store $store -ThrottleLimit 4 -ScriptBlock {
            param($Run)
            Start-Sleep -Milliseconds 300
            Write-SweepMetric @{ loss = $Run.Config.x * 10 }
            @{ thread = [Environment]::CurrentManagedThreadId }
        })
        $results | Should -HaveCount 8
        $results | ForEach-Object { $_.loss | Should -Be ($_.x * 10) }
        @($results.thread | Sort-Object -Unique).Count | Should -BeGreaterThan 1
        (Get-Sweep -Store $store -Id $sweep.Id).State | Should -Be 'finished'
    }

    It 'gives the block the caller''s values through $using:, with -ThrottleLimit above 1 and at 1' -ForEach @(
        @{ Throttle = 3 }, @{ Throttle = 1 }
    ) {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ values = 1, 2, 3 } } }
        $offset = 100
        $settings = @{ scale = 2 }
        $results = @($sweep | Start-SweepAgent -Store $store -ThrottleLimit $Throttle -ScriptBlock {
            param($Run)
            # member access, any case, the braced form, and a nested block
            $inner = { ${using:offset} }
            @{ loss = $Run.Config.x * $using:settings.scale + $using:OFFSET + (& $inner) }
        })
        $results | Should -HaveCount 3
        $results | ForEach-Object { $_.loss | Should -Be ($_.x * 2 + 200) }
    }

    It 'runs a function given as ${function:Name} in parallel runspaces, with and without $using:' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ values = 1, 2 } } }
        $bonus = 5
        function Train { param($Run) @{ loss = $Run.Config.x * 10 } }
        function TrainWithBonus { param($Run) @{ loss = $Run.Config.x * 10 + $using:bonus } }
        @($sweep | Start-SweepAgent -Store $store -ThrottleLimit 2 -ScriptBlock ${function:Train}).loss | Sort-Object | Should -Be 10, 20
        $other = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ values = 1, 2 } } }
        @($other | Start-SweepAgent -Store $store -ThrottleLimit 2 -ScriptBlock ${function:TrainWithBonus}).loss | Sort-Object | Should -Be 15, 25
    }

    It 'leaves $using: in a block the training code itself runs in parallel to that block, and keeps names whole' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ values = 1, 2 } } }
        $suffix = 'x'
        $results = @($sweep | Start-SweepAgent -Store $store -ThrottleLimit 2 -ScriptBlock {
            param($Run)
            $inner = $Run.Config.x
            $doubled = 1 | ForEach-Object -Parallel { $using:inner * 2 }  # the block's own $inner, not the caller's
            @{ loss = $doubled; tag = "${using:suffix}_a" }
        })
        $results.loss | Sort-Object | Should -Be 2, 4
        $results.tag | Sort-Object -Unique | Should -Be 'x_a'
    }

    It 'starts each runspace in the caller''s current location, so relative paths work' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ values = 1, 2 } } }
        $here = Join-Path $TestDrive 'project'
        $null = New-Item -ItemType Directory $here -Force
        Set-Content (Join-Path $here 'base.txt') '40'
        Push-Location $here
        try {
            $results = @($sweep | Start-SweepAgent -Store $store -ThrottleLimit 2 -ScriptBlock { param($Run) @{ loss = [int](Get-Content ./base.txt) + $Run.Config.x } })
        }
        finally { Pop-Location }
        $results.loss | Sort-Object | Should -Be 41, 42
    }

    It 'reports UsingVariableIsUndefined for a $using: variable the caller has not set, before any run' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'random'; metric = @{ name = 'loss' }; parameters = @{ x = @{ min = 0.0; max = 1.0 } } }
        Start-SweepAgent -Sweep $sweep -Store $store -ThrottleLimit 2 -Count 2 -ScriptBlock { param($Run) $using:notSetAnywhere } -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'UsingVariableIsUndefined,Sweeps.Commands.StartSweepAgentCommand'
        "$($err[0])" | Should -BeLike "*'`$using:notSetAnywhere'*"
        (Get-Sweep -Store $store -Id $sweep.Id).RunCount | Should -Be 0
    }

    It 'runs programs in parallel processes' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; program = 'train.sh'; parameters = @{ x = @{ min = 1; max = 6 } } }
        $results = @($sweep | Start-SweepAgent -Store $store -ThrottleLimit 3 6>$null)
        $results | Should -HaveCount 6
        $results.State | Sort-Object -Unique | Should -Be 'finished'
    }
}

Describe 'Start-SweepAgent failure policy' {
    It 'stops when the first runs all fail, with a clear error' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'random'; metric = @{ name = 'loss' }; parameters = @{ x = @{ min = 0.0; max = 1.0 } } }
        $results = @(Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { throw 'diverged' } -ErrorAction SilentlyContinue -ErrorVariable err)
        $results | Should -HaveCount 3
        $err[0].FullyQualifiedErrorId | Should -Be 'AgentStoppedOnFailures,Sweeps.Commands.StartSweepAgentCommand'
        "$($err[0])" | Should -BeLike '*the first 3 runs failed*diverged*'
    }

    It 'goes on through failures when -MaxConsecutiveFailures 0 and the runs are not all failing' {
        $store = New-TestStore
        $sweep = New-Sweep -Store $store -Config @{ method = 'grid'; metric = @{ name = 'loss' }; parameters = @{ x = @{ min = 1; max = 10 } } }
        $results = @(Start-SweepAgent -Sweep $sweep -Store $store -MaxConsecutiveFailures 0 -ScriptBlock { param($Run) if ($Run.Config.x -gt 1) { throw 'odd' }; 1 } -ErrorAction SilentlyContinue)
        $results | Should -HaveCount 10
    }
}
