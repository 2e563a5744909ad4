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
}

Describe 'docs/pipelines/azure-pipelines.yml' {
    It 'creates a sweep, runs its parallel agent jobs and publishes the results, with Azure DevOps logging commands' {
        $yaml = Read-Yaml (Join-Path $repo 'docs/pipelines/azure-pipelines.yml')
        $ws = New-Workspace
        $env0 = @{ TF_BUILD = 'True'; SWEEPS_STORE = (Join-Path $ws 'store'); SWEEPS_MODULE = $SweepsManifest; BUILD_ARTIFACTSTAGINGDIRECTORY = (Join-Path $ws 'artifacts'); SWEEP_ID = $null }
        $null = New-Item -ItemType Directory -Force $env0.BUILD_ARTIFACTSTAGINGDIRECTORY
        $output = @()
        foreach ($stage in $yaml['stages']) {
            foreach ($job in $stage['jobs']) {
                $times = if ($job.ContainsKey('strategy')) { [int]$job['strategy']['parallel'] } else { 1 }
                foreach ($i in 1..$times) {
                    foreach ($step in @($job['steps'] | Where-Object { $_.ContainsKey('pwsh') -and $_['pwsh'] -notlike '*build.ps1*' })) {
                        $lines = Invoke-Step $step['pwsh'] $env0 $ws
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
    }
}

Describe 'docs/pipelines/github-workflow.yml' {
    It 'creates a sweep, runs its matrix of agents and publishes the results, writing the step summary' {
        $yaml = Read-Yaml (Join-Path $repo 'docs/pipelines/github-workflow.yml')
        $ws = New-Workspace
        $env0 = @{
            GITHUB_ACTIONS = 'true'; GITHUB_STEP_SUMMARY = (Join-Path $ws 'summary.md'); GITHUB_OUTPUT = (Join-Path $ws 'output.txt')
            SWEEPS_STORE = (Join-Path $ws 'store'); SWEEPS_MODULE = $SweepsManifest; SWEEP_ID = $null
        }
        $null = New-Item -ItemType File -Force $env0.GITHUB_OUTPUT, $env0.GITHUB_STEP_SUMMARY
        foreach ($name in 'create', 'agents', 'publish') {
            $job = $yaml['jobs'][$name]
            $times = if ($job.ContainsKey('strategy')) { @($job['strategy']['matrix']['agent']).Count } else { 1 }
            foreach ($i in 1..$times) {
                foreach ($step in @($job['steps'] | Where-Object { $_.ContainsKey('run') -and $_['shell'] -eq 'pwsh' -and $_['run'] -notlike '*build.ps1*' })) {
                    $null = Invoke-Step $step['run'] $env0 $ws
                }
            }
            if ($name -eq 'create') { $env0.SWEEP_ID = (@(Get-Content $env0.GITHUB_OUTPUT) -match '^sweep_id=' -replace '^sweep_id=', '') | Select-Object -First 1 }
        }
        $env0.SWEEP_ID | Should -Not -BeNullOrEmpty
        (Get-Sweep -Store $env0.SWEEPS_STORE -Id $env0.SWEEP_ID).Finished | Should -Be 12
        $summary = Get-Content -LiteralPath $env0.GITHUB_STEP_SUMMARY -Raw
        ([regex]::Matches($summary, '## Sweep pipeline-example')).Count | Should -Be 3
        @(Import-Csv (Join-Path $ws 'results/results.csv')) | Should -HaveCount 12
    }
}
