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
