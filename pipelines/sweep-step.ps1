#requires -Version 7.4
<#
.SYNOPSIS
    One pipeline step of Sweeps: creates a sweep from a config and/or runs an agent on a sweep, then publishes what
    happened. The Azure DevOps task (pipelines/azure-devops) and the GitHub Action (action.yml) both run it.
.DESCRIPTION
    Inputs come from INPUT_* environment variables, as both CI systems pass them (the GitHub Action maps its inputs to
    the same names): INPUT_CONFIG, INPUT_SWEEP, INPUT_STORE, INPUT_COUNT, INPUT_THROTTLE, INPUT_WORKINGDIRECTORY,
    INPUT_FAILONFAILEDRUNS, INPUT_REPORT, INPUT_MODULE. Errors name the input as the pipeline's YAML spells it.

    What it leaves: the sweep id and the run counts as step outputs; the agent's summary (best runs) in the job's
    summary (the agent writes it); the HTML report as an artifact on Azure DevOps, or as a file the Action uploads.
    The step fails when an input is wrong, the sweep cannot be created or reached, or (unless fail-on-failed-runs is
    false) a run of this agent failed.
#>
[CmdletBinding()]
param()
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$AzureDevOps = $env:TF_BUILD -eq 'True'

# The input's name as the pipeline's YAML spells it: kebab-case in GitHub's action.yml, camelCase in task.json.
function Get-InputName([string] $Name) {
    if (-not $AzureDevOps) { return $Name }
    [regex]::Replace($Name, '-(.)', { $args[0].Groups[1].Value.ToUpperInvariant() })
}

function Get-Input([string] $Name, [string] $Default = '') {
    $value = [Environment]::GetEnvironmentVariable('INPUT_' + ($Name -replace '-', '').ToUpperInvariant())
    if ([string]::IsNullOrWhiteSpace($value)) { $Default } else { $value.Trim() }
}

function Stop-Step([string] $Message) {
    if ($AzureDevOps) {
        Write-Host "##vso[task.logissue type=error]$(Protect-Command $Message)"
        Write-Host "##vso[task.complete result=Failed;]$(Protect-Command $Message)"
    }
    else { Write-Host "::error title=Sweeps::$(Protect-Command $Message)" }
    exit 1
}

# Logging commands end at a line break; their data cannot start another one.
function Protect-Command([string] $Text) { $Text -replace '%', '%25' -replace "`r", '%0D' -replace "`n", '%0A' }

function Get-WholeNumber([string] $Name, [string] $Default, [int] $Minimum) {
    $text = Get-Input $Name $Default
    if ($text -eq '') { return $null }
    $n = 0
    if (-not [int]::TryParse($text, [Globalization.NumberStyles]::None, [Globalization.CultureInfo]::InvariantCulture, [ref] $n) -or $n -lt $Minimum) {
        Stop-Step "The input '$(Get-InputName $Name)' must be a whole number of at least $Minimum; it is '$text'."
    }
    $n
}

function Get-Flag([string] $Name, [bool] $Default) {
    $text = Get-Input $Name ([string]$Default).ToLowerInvariant()
    switch -Regex ($text) {
        '^(true|yes|1)$' { return $true }
        '^(false|no|0)$' { return $false }
        default { Stop-Step "The input '$(Get-InputName $Name)' must be true or false; it is '$text'." }
    }
}

function Set-StepOutput([string] $Name, [string] $Value) {
    if ($AzureDevOps) { Write-Host "##vso[task.setvariable variable=$(Get-InputName $Name);isOutput=true]$Value" }
    elseif ($env:GITHUB_OUTPUT) { Add-Content -LiteralPath $env:GITHUB_OUTPUT "$Name=$Value" }
}

# --- the inputs, all checked before anything is created or run ---
$config = Get-Input 'config'
$sweepId = Get-Input 'sweep'
$store = Get-Input 'store' $env:SWEEPS_STORE
$count = Get-WholeNumber 'count' '' 0
$throttle = Get-WholeNumber 'throttle' '1' 1
$failOnFailed = Get-Flag 'fail-on-failed-runs' $true
$report = Get-Input 'report' # the action and the task default it to sweeps-report.html; empty writes none
$module = Get-Input 'module' (Join-Path $PSScriptRoot 'Sweeps/Sweeps.psd1')
$workingDirectory = Get-Input 'working-directory' '.'
if (-not $config -and -not $sweepId) { Stop-Step "Give the input '$(Get-InputName 'config')' (a sweep.yaml to create a sweep from) or '$(Get-InputName 'sweep')' (the id of a sweep to run an agent on)." }
if ($config -and $sweepId) { Stop-Step "Give '$(Get-InputName 'config')' or '$(Get-InputName 'sweep')', not both: a config creates a new sweep." }
# A module path is the job's (an artifact's folder), not the training program's: resolve it before moving there.
$modulePath = if ($module -and (Test-Path -LiteralPath $module)) { (Resolve-Path -LiteralPath $module).ProviderPath }
if (-not (Test-Path -LiteralPath $workingDirectory -PathType Container)) { Stop-Step "The input '$(Get-InputName 'working-directory')' is not a folder: '$workingDirectory'." }
Set-Location -LiteralPath $workingDirectory

# The module: bundled beside this script (the Azure DevOps task), a path (a build's artifact), or installed by name.
if ($modulePath) { Import-Module $modulePath }
elseif (Get-Module -ListAvailable Sweeps) { Import-Module Sweeps }
else { Stop-Step "The Sweeps module was not found at '$module' nor installed; give the input '$(Get-InputName 'module')' (a built Sweeps.psd1) or install it first (Install-PSResource Sweeps)." }

$storeArgs = @{}
if ($store) { $storeArgs.Store = $store }
try {
    if ($config) {
        if (-not (Test-Path -LiteralPath $config -PathType Leaf)) { Stop-Step "The input '$(Get-InputName 'config')' is not a file: '$config' (relative to $(Get-Location))." }
        $sweep = New-Sweep -Path $config @storeArgs
        Write-Host "Created sweep $($sweep.Id)$(if ($sweep.Name -ne $sweep.Id) { " ($($sweep.Name))" })."
    }
    else { $sweep = Get-Sweep -Id $sweepId @storeArgs }
}
catch { Stop-Step $_.Exception.Message }
Set-StepOutput 'sweep-id' $sweep.Id

$runs = @()
if ($count -ne 0) {
    $agentArgs = @{ ThrottleLimit = $throttle }
    if ($null -ne $count) { $agentArgs.Count = $count }
    try { $runs = @($sweep | Start-SweepAgent @storeArgs @agentArgs) }
    catch { Stop-Step "The agent stopped: $($_.Exception.Message)" }
    $runs | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
}
$failed = @($runs | Where-Object { $_.State -in 'failed', 'crashed' })
Set-StepOutput 'runs' $runs.Count
Set-StepOutput 'failed-runs' $failed.Count

if ($report) {
    $reportPath = if ([IO.Path]::IsPathRooted($report)) { $report } else { Join-Path (Get-Location) $report }
    $null = Export-SweepReport -Sweep $sweep.Id -Path $reportPath -Force @storeArgs # this step's own file, also on a re-run
    Set-StepOutput 'report' $reportPath
    # Several agent jobs of one pipeline each publish theirs: the job's position (Azure DevOps), or the job and a
    # token (GitHub, where the legs of a matrix share the job's name), keep the artifacts' names apart.
    if ($AzureDevOps) {
        $name = "sweep-$($sweep.Id)-report" + $(if ([int]$env:SYSTEM_TOTALJOBSINPHASE -gt 1) { "-$env:SYSTEM_JOBPOSITIONINPHASE" })
        Write-Host "##vso[artifact.upload containerfolder=$name;artifactname=$name]$reportPath"
    }
    else { Set-StepOutput 'artifact-name' "sweep-$($sweep.Id)-report-$env:GITHUB_JOB-$([guid]::NewGuid().ToString('N').Substring(0, 8))" }
}

if ($failed.Count -gt 0 -and $failOnFailed) {
    Stop-Step "$($failed.Count) of $($runs.Count) runs failed (runs $(($failed | ForEach-Object Number) -join ', ')); set '$(Get-InputName 'fail-on-failed-runs')' to false to let the step pass."
}
