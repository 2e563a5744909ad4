BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:repo = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    Add-Type -Path (Join-Path (Split-Path $SweepsManifest) 'Sweeps.Engine.dll')
    function Read-Yaml([string] $Path) { [Sweeps.Engine.Config.YamlConfigReader]::Read((Get-Content -LiteralPath $Path -Raw)).Root }

    # A workspace like a pipeline's checkout, holding the example sweep and its training program.
    function New-Workspace {
        $ws = Join-Path $TestDrive ('ws-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $null = New-Item -ItemType Directory -Force (Join-Path $ws 'docs')
        Copy-Item -Recurse (Join-Path $repo 'docs/pipelines') (Join-Path $ws 'docs/pipelines')
        $ws
    }

    # Runs a step's script in the workspace, as the pipeline would, with the environment it would have; returns its
    # output lines. The location and environment are restored afterwards, whatever the script changed.
    function Invoke-Step([string] $Script, [hashtable] $Environment, [string] $Workspace) {
        $saved = @{}
        $here = Get-Location
        foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
        Set-Location $Workspace
        try { @(& ([scriptblock]::Create($Script)) *>&1 | Out-String -Stream -Width 200) }
        finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }; Set-Location $here }
    }

    # Runs an Azure DevOps example's pwsh steps in order, each job as often as it runs in parallel (the build step
    # aside: the module is built already), and checks what it leaves.
    function Test-AzureExample([string] $File, [hashtable] $Environment) {
        $yaml = Read-Yaml (Join-Path $repo "docs/pipelines/$File")
        $ws = New-Workspace
        $env0 = @{ TF_BUILD = 'True'; SWEEPS_STORE = (Join-Path $ws 'store'); SWEEPS_MODULE = $SweepsManifest; BUILD_ARTIFACTSTAGINGDIRECTORY = (Join-Path $ws 'artifacts'); SWEEP_ID = $null }
        foreach ($k in $Environment.Keys) { $env0[$k] = $Environment[$k] }
        $null = New-Item -ItemType Directory -Force $env0.BUILD_ARTIFACTSTAGINGDIRECTORY
        $output = @()
        foreach ($stage in $yaml['stages']) {
            foreach ($job in $stage['jobs']) {
                $times = if ($job.ContainsKey('strategy')) { [int]$job['strategy']['parallel'] } else { 1 }
                foreach ($i in 1..$times) {
                    foreach ($step in @($job['steps'] | Where-Object { $_.ContainsKey('pwsh') -and $_['pwsh'] -notlike '*build.ps1*' })) {
                        $script = $step['pwsh'] -replace [regex]::Escape('./out/Sweeps/Sweeps.psd1'), $SweepsManifest
                        $lines = Invoke-Step $script $env0 $ws
                        $output += $lines
                        foreach ($line in $lines) { if ($line -match 'task\.setvariable variable=SWEEP_ID;isOutput=true\](\w+)') { $env0.SWEEP_ID = $Matches[1] } }
                    }
                }
            }
        }
        $env0.SWEEP_ID | Should -Not -BeNullOrEmpty
        $sweep = Get-Sweep -Store $env0.SWEEPS_STORE -Id $env0.SWEEP_ID
        $sweep.RunCount | Should -Be 12
        $sweep.Finished | Should -Be 12
        @($output -like '##vso`[task.setprogress value=*') | Should -Not -BeNullOrEmpty
        $uploads = @($output -match '^##vso\[task\.uploadsummary\](.+)$')
        $uploads | Should -HaveCount 3
        $summary = ($uploads[-1] -replace '^##vso\[task\.uploadsummary\]', '').Trim()
        Get-Content -LiteralPath $summary -Raw | Should -BeLike '*Best runs by loss (minimize)*'
        @(Import-Csv (Join-Path $env0.BUILD_ARTIFACTSTAGINGDIRECTORY 'results.csv')) | Should -HaveCount 12
        $output
    }

    # The same for a GitHub Actions example's pwsh steps.
    function Test-GitHubExample([string] $File, [hashtable] $Environment) {
        $yaml = Read-Yaml (Join-Path $repo "docs/pipelines/$File")
        $ws = New-Workspace
        $env0 = @{
            GITHUB_ACTIONS = 'true'; GITHUB_STEP_SUMMARY = (Join-Path $ws 'summary.md'); GITHUB_OUTPUT = (Join-Path $ws 'output.txt')
            SWEEPS_STORE = (Join-Path $ws 'store'); SWEEPS_MODULE = $SweepsManifest; SWEEP_ID = $null
        }
        foreach ($k in $Environment.Keys) { $env0[$k] = $Environment[$k] }
        $null = New-Item -ItemType File -Force $env0.GITHUB_OUTPUT, $env0.GITHUB_STEP_SUMMARY
        foreach ($name in 'create', 'agents', 'publish') {
            $job = $yaml['jobs'][$name]
            $times = if ($job.ContainsKey('strategy')) { @($job['strategy']['matrix']['agent']).Count } else { 1 }
            foreach ($i in 1..$times) {
                foreach ($step in @($job['steps'] | Where-Object { $_.ContainsKey('run') -and $_['shell'] -eq 'pwsh' -and $_['run'] -notlike '*build.ps1*' })) {
                    $script = $step['run'] -replace [regex]::Escape('./out/Sweeps/Sweeps.psd1'), $SweepsManifest
                    $null = Invoke-Step $script $env0 $ws
                }
            }
            if ($name -eq 'create') { $env0.SWEEP_ID = (@(Get-Content $env0.GITHUB_OUTPUT) -match '^sweep_id=' -replace '^sweep_id=', '') | Select-Object -First 1 }
        }
        $env0.SWEEP_ID | Should -Not -BeNullOrEmpty
        (Get-Sweep -Store $env0.SWEEPS_STORE -Id $env0.SWEEP_ID).Finished | Should -Be 12
        $summary = Get-Content -LiteralPath $env0.GITHUB_STEP_SUMMARY -Raw
        ([regex]::Matches($summary, '## Sweep pipeline-example')).Count | Should -Be 3
        @(Import-Csv (Join-Path $ws 'results/results.csv')) | Should -HaveCount 12
        $ws
    }

    # A store in a fresh Azurite container, signed in only with a SAS for that container, as the Blob examples are.
    function New-BlobExampleEnvironment {
        foreach ($dll in 'Azure.Core.dll', 'Azure.Storage.Common.dll', 'Azure.Storage.Blobs.dll') { Add-Type -Path (Join-Path (Split-Path $SweepsManifest) $dll) }
        $store = "$env:SWEEPS_TEST_AZURITE/pipe-$([guid]::NewGuid().ToString('N').Substring(0, 16))"
        $key = [Azure.Storage.StorageSharedKeyCredential]::new('devstoreaccount1', 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==')
        $container = [Azure.Storage.Blobs.BlobContainerClient]::new([uri]$store, $key)
        $null = $container.CreateIfNotExists()
        $sas = $container.GenerateSasUri([Azure.Storage.Sas.BlobContainerSasPermissions]::All, [DateTimeOffset]::UtcNow.AddHours(1)).Query
        # The test itself reads the store with Azurite's development account; the steps have the SAS alone.
        $env:AZURE_STORAGE_CONNECTION_STRING = 'UseDevelopmentStorage=true'
        @{ SWEEPS_STORE = $store; AZURE_STORAGE_SAS_TOKEN = $sas; AZURE_STORAGE_CONNECTION_STRING = $null; AZURE_STORAGE_KEY = $null }
    }
}

BeforeDiscovery { $script:noAzurite = -not $env:SWEEPS_TEST_AZURITE }

Describe 'docs/pipelines/azure-pipelines.yml' {
    It 'creates a sweep, runs its parallel agent jobs and publishes the results, with Azure DevOps logging commands' {
        $null = Test-AzureExample 'azure-pipelines.yml' @{}
    }
}

Describe 'docs/pipelines/azure-pipelines-blob.yml' -Skip:$noAzurite {
    It 'does the same on hosted agents with an Azure Blob store, signed in with a SAS that is never printed' {
        $blob = New-BlobExampleEnvironment
        $output = Test-AzureExample 'azure-pipelines-blob.yml' $blob
        $yaml = Read-Yaml (Join-Path $repo 'docs/pipelines/azure-pipelines-blob.yml')
        $yaml['pool']['vmImage'] | Should -Be 'ubuntu-latest' # Microsoft-hosted
        @($yaml['stages'] | ForEach-Object { $_['jobs'] } | Where-Object { $_.ContainsKey('pool') -and $_['pool']['vmImage'] -like 'windows-*' }) | Should -HaveCount 1
        ($output -join "`n") | Should -Not -BeLike "*$(([regex]'sig=[^&]+').Match($blob.AZURE_STORAGE_SAS_TOKEN).Value)*"
    }
}

Describe 'docs/pipelines/github-workflow.yml' {
    It 'creates a sweep, runs its matrix of agents and publishes the results, writing the step summary' {
        $null = Test-GitHubExample 'github-workflow.yml' @{}
    }
}

Describe 'docs/pipelines/github-workflow-blob.yml' -Skip:$noAzurite {
    It 'does the same on hosted runners with an Azure Blob store, and writes the report' {
        $ws = Test-GitHubExample 'github-workflow-blob.yml' (New-BlobExampleEnvironment)
        Test-Path (Join-Path $ws 'results/report.html') | Should -BeTrue
    }
}

# The GitHub Action (action.yml): its steps run as the runner runs a composite action, each in a pwsh of its own with
# the step's env, the inputs substituted where the YAML refers to them and GitHub's files for outputs and summary.
Describe 'the GitHub Action (action.yml)' {
    BeforeAll {
        $script:action = Read-Yaml (Join-Path $repo 'action.yml')
        $script:pwshDll = Join-Path $PSHOME 'pwsh.dll'

        # ${{ ... }} as the runner evaluates the few expressions the action uses; anything else fails the test.
        function Expand-Expression([string] $Text, [hashtable] $Inputs, [hashtable] $Outputs) {
            [regex]::Replace($Text, '\$\{\{\s*(.+?)\s*\}\}', {
                    param($m)
                    $e = $m.Groups[1].Value
                    if ($e -match '^inputs\.([\w-]+)$') {
                        if ($Inputs.ContainsKey($Matches[1])) { return [string]$Inputs[$Matches[1]] }
                        return [string]$action['inputs'][$Matches[1]]['default']
                    }
                    if ($e -eq 'github.action_path') { return $repo }
                    if ($e -match '^steps\.sweep\.outputs\.([\w-]+)$') { return [string]$Outputs[$Matches[1]] }
                    throw "the test cannot evaluate `${{ $e }}"
                })
        }

        # Runs the action's steps; returns exit code, output lines, step outputs, the action's outputs and the summary.
        function Invoke-Action([hashtable] $Inputs, [string] $Workspace) {
            $files = @{ GITHUB_OUTPUT = (Join-Path $Workspace "output-$([guid]::NewGuid().ToString('N')).txt"); GITHUB_STEP_SUMMARY = (Join-Path $Workspace 'summary.md') }
            $null = New-Item -ItemType File -Force $files.GITHUB_OUTPUT, $files.GITHUB_STEP_SUMMARY
            $outputs = @{}; $lines = @(); $code = 0; $skipped = @()
            foreach ($step in $action['runs']['steps']) {
                $condition = [string]$step['if']
                if ($condition -eq "inputs.module == ''" -and $Inputs['module']) { $skipped += $step['name']; continue }
                if ($step.ContainsKey('uses')) {
                    # actions/upload-artifact: only its inputs can be checked here.
                    $step['with']['path'] | Should -Be '${{ steps.sweep.outputs.report }}'
                    if ($condition -like '*steps.sweep.outputs.report != *' -and $outputs['report']) {
                        (Expand-Expression $step['with']['name'] $Inputs $outputs) | Should -Match '^sweep-\w+-report-'
                        (Expand-Expression $step['with']['path'] $Inputs $outputs) | Should -Exist
                    }
                    continue
                }
                if ($code -ne 0) { break }
                $step['shell'] | Should -Be 'pwsh'
                $environment = @{ GITHUB_ACTIONS = 'true'; GITHUB_JOB = 'agents' } + $files
                foreach ($k in @($step['env'].Keys)) { $environment[$k] = Expand-Expression $step['env'][$k] $Inputs $outputs }
                $r = Invoke-Captured dotnet $pwshDll, '-NoProfile', '-NonInteractive', '-Command', $step['run'] -Environment $environment -WorkingDirectory $Workspace
                $lines += $r.Out + $r.Err
                $code = $r.Code
                if ($step['id'] -eq 'sweep') {
                    foreach ($line in Get-Content $files.GITHUB_OUTPUT) { if ($line -match '^([\w-]+)=(.*)$') { $outputs[$Matches[1]] = $Matches[2] } }
                }
            }
            $declared = @{}
            foreach ($name in $action['outputs'].Keys) { $declared[$name] = Expand-Expression $action['outputs'][$name]['value'] $Inputs $outputs }
            [pscustomobject]@{ Code = $code; Lines = $lines; Outputs = $declared; Skipped = $skipped; Summary = Get-Content -Raw $files.GITHUB_STEP_SUMMARY }
        }
    }

    It 'creates a sweep and runs an agent with a built module, setting its outputs, the summary and the report' {
        $ws = New-Workspace
        $store = Join-Path $ws 'store'
        (Get-Content (Join-Path $ws 'docs/pipelines/sweep.yaml')) -replace '^run_cap: \d+', 'run_cap: 5' | Set-Content (Join-Path $ws 'docs/pipelines/small.yaml')
        $r = Invoke-Action @{ config = 'small.yaml'; count = '3'; store = $store; module = $SweepsManifest; 'working-directory' = 'docs/pipelines' } $ws
        $r.Code | Should -Be 0 -Because ($r.Lines -join "`n")
        $r.Skipped | Should -Be 'Install Sweeps' # a module was given: nothing is installed
        $r.Outputs['sweep-id'] | Should -Match '^[a-z0-9]{8}$'
        $r.Outputs['runs'] | Should -Be '3'
        $r.Outputs['failed-runs'] | Should -Be '0'
        $r.Outputs['report'] | Should -Be (Join-Path $ws 'docs/pipelines/sweeps-report.html')
        Get-Content -Raw $r.Outputs['report'] | Should -BeLike '*pipeline-example*'
        $r.Summary | Should -BeLike "*## Sweep pipeline-example ($($r.Outputs['sweep-id']))*Best runs by loss*"
        (Get-Sweep -Store $store -Id $r.Outputs['sweep-id']).Finished | Should -Be 3

        # A second job: an agent on that sweep, until it has no runs left.
        $again = Invoke-Action @{ sweep = $r.Outputs['sweep-id']; store = $store; module = $SweepsManifest; 'working-directory' = 'docs/pipelines'; report = '' } $ws
        $again.Code | Should -Be 0 -Because ($again.Lines -join "`n")
        $again.Outputs['runs'] | Should -Be '2' # run_cap 5
        $again.Outputs['report'] | Should -BeNullOrEmpty
    }

    It 'fails the step when a run fails, unless fail-on-failed-runs is false' {
        $ws = New-Workspace
        Set-Content (Join-Path $ws 'fail.ps1') 'Write-Error "diverged"; exit 3'
        Set-Content (Join-Path $ws 'failing.yaml') "method: grid`nprogram: fail.ps1`nmetric: {name: loss, goal: minimize}`nparameters:`n  x: {values: [1, 2]}"
        $r = Invoke-Action @{ config = 'failing.yaml'; store = (Join-Path $ws 's1'); module = $SweepsManifest } $ws
        $r.Code | Should -Be 1
        $r.Lines | Should -Contain '::error title=Sweeps::2 of 2 runs failed (runs 1, 2); set ''fail-on-failed-runs'' to false to let the step pass.'
        $r.Outputs['report'] | Should -Exist # written all the same, and uploaded (if: always())
        $ok = Invoke-Action @{ config = 'failing.yaml'; store = (Join-Path $ws 's2'); module = $SweepsManifest; 'fail-on-failed-runs' = 'false' } $ws
        $ok.Code | Should -Be 0 -Because ($ok.Lines -join "`n")
        $ok.Outputs['failed-runs'] | Should -Be '2'
    }

    It 'refuses a wrong input by its name before creating anything' -ForEach @(
        @{ Inputs = @{ config = 'sweep.yaml'; count = 'lots' }; Message = "The input 'count' must be a whole number of at least 0; it is 'lots'." }
        @{ Inputs = @{ config = 'sweep.yaml'; throttle = '0' }; Message = "The input 'throttle' must be a whole number of at least 1; it is '0'." }
        @{ Inputs = @{ config = 'sweep.yaml'; 'fail-on-failed-runs' = 'maybe' }; Message = "The input 'fail-on-failed-runs' must be true or false; it is 'maybe'." }
        @{ Inputs = @{ config = 'sweep.yaml'; sweep = 'abc' }; Message = "Give 'config' or 'sweep', not both: a config creates a new sweep." }
        @{ Inputs = @{ config = 'nope.yaml' }; Message = "The input 'config' is not a file: 'nope.yaml'*" }
    ) {
        $ws = New-Workspace
        $store = Join-Path $ws 'store'
        $Inputs.store = $store; $Inputs.module = $SweepsManifest; $Inputs['working-directory'] = 'docs/pipelines'
        $r = Invoke-Action $Inputs $ws
        $r.Code | Should -Be 1
        @($r.Lines -like "::error title=Sweeps::$Message") | Should -HaveCount 1 -Because ($r.Lines -join "`n")
        Get-StoreEntry $store | Should -HaveCount 0
    }
}

Describe 'the examples that use the task and the action' {
    It 'give the SweepsAgent task only inputs it has' {
        $inputs = (Get-Content -Raw (Join-Path $repo 'pipelines/azure-devops/SweepsAgent/task.json') | ConvertFrom-Json).inputs.name
        $yaml = Read-Yaml (Join-Path $repo 'docs/pipelines/azure-pipelines-task.yml')
        $steps = @($yaml['stages'] | ForEach-Object { $_['jobs'] } | ForEach-Object { $_['steps'] } | Where-Object { $_['task'] -eq 'SweepsAgent@0' })
        $steps | Should -HaveCount 2
        foreach ($step in $steps) { foreach ($k in $step['inputs'].Keys) { $inputs | Should -Contain $k } }
        # The agents read the sweep id from the output variable the task sets.
        (Get-Content -Raw (Join-Path $repo 'docs/pipelines/azure-pipelines-task.yml')) | Should -Match ([regex]::Escape("outputs['sweep.sweepId']"))
        (Get-Content -Raw (Join-Path $repo 'pipelines/azure-devops/SweepsAgent/task.json') | ConvertFrom-Json).outputVariables.name | Should -Contain 'sweepId'
    }

    It 'give the action only inputs it has' {
        $inputs = (Read-Yaml (Join-Path $repo 'action.yml'))['inputs'].Keys
        $yaml = Read-Yaml (Join-Path $repo 'docs/pipelines/github-workflow-action.yml')
        $steps = @($yaml['jobs'].Values | ForEach-Object { $_['steps'] } | Where-Object { $_['uses'] -eq './' })
        $steps | Should -HaveCount 2
        foreach ($step in $steps) { foreach ($k in $step['with'].Keys) { $inputs | Should -Contain $k } }
        $yaml['jobs']['create']['outputs']['sweep_id'] | Should -Be '${{ steps.sweep.outputs.sweep-id }}'
    }
}
