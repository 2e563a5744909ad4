# Shared setup for the Sweeps Pester suite. Dot-source it from a BeforeAll block:
#     BeforeAll { . $PSScriptRoot/common.ps1 }
# It imports the built module and provides helpers that keep every test in its own store under $TestDrive.
# Every test passes -Store explicitly, except the one test of $env:SWEEPS_STORE (which restores the variable).

$script:SweepsManifest = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../out/Sweeps/Sweeps.psd1'))
Import-Module $script:SweepsManifest -Force -ErrorAction Stop

function New-TestStore {
    <# A fresh, empty store folder under $TestDrive; returns its full path. #>
    param([string] $Prefix = 'store')
    $path = Join-Path $TestDrive ('{0}-{1}' -f $Prefix, [guid]::NewGuid().ToString('N').Substring(0, 10))
    $null = New-Item -ItemType Directory -Path $path -Force
    $path
}

function New-TestConfigFile {
    <# Writes a config file (YAML or JSON text) under $TestDrive and returns its full path. #>
    param(
        [Parameter(Mandatory)] [string] $Text,
        [string] $Name = ('config-{0}.yaml' -f [guid]::NewGuid().ToString('N').Substring(0, 8)),
        [string] $Folder = $TestDrive
    )
    if (-not (Test-Path -LiteralPath $Folder)) { $null = New-Item -ItemType Directory -Path $Folder -Force }
    $path = Join-Path $Folder $Name
    # LF line endings and no BOM, so line numbers are exactly the ones written here.
    [System.IO.File]::WriteAllText($path, ($Text -replace "`r`n", "`n"), [System.Text.UTF8Encoding]::new($false))
    $path
}

function Get-StoreEntry {
    <# Everything inside a store folder (hidden files included); empty when the folder is empty or missing. #>
    param([Parameter(Mandatory)] [string] $Store)
    if (-not (Test-Path -LiteralPath $Store)) { return @() }
    @(Get-ChildItem -LiteralPath $Store -Force -Recurse)
}

function Get-CompletionText {
    <# The completion texts PowerShell offers at the end of a command line. #>
    param([Parameter(Mandatory)] [string] $Line)
    $completion = [System.Management.Automation.CommandCompletion]::CompleteInput($Line, $Line.Length, $null)
    @($completion.CompletionMatches | ForEach-Object CompletionText)
}

function Remove-PostgresTestSchema {
    <# Drops a schema, with everything in it, on the PostgreSQL test server (SWEEPS_TEST_POSTGRES), if there is one. #>
    param([Parameter(Mandatory)] [string] $Name)
    if (-not $env:SWEEPS_TEST_POSTGRES) { return }
    Add-Type -Path (Join-Path (Split-Path $SweepsManifest) 'Npgsql.dll') # the module's own
    $c = [Npgsql.NpgsqlConnection]::new($env:SWEEPS_TEST_POSTGRES)
    try { $c.Open(); $cmd = $c.CreateCommand(); $cmd.CommandText = "DROP SCHEMA IF EXISTS `"$Name`" CASCADE"; $null = $cmd.ExecuteNonQuery() } finally { $c.Dispose() }
}

# A small grid: 2 x 2 = 4 points, quick to run.
$script:SmallGrid = @{
    method     = 'grid'
    metric     = @{ name = 'loss'; goal = 'minimize' }
    parameters = @{
        lr    = @{ values = @(0.1, 0.01) }
        batch = @{ values = @(16, 32) }
    }
}

function Invoke-Captured {
    <# Runs a program to its end; returns its exit code and its non-empty output and error lines. An $Environment
       value of $null removes that variable. #>
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [hashtable] $Environment = @{},
        [string] $WorkingDirectory = (Get-Location).ProviderPath
    )
    $psi = [Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    foreach ($k in $Environment.Keys) {
        if ($null -eq $Environment[$k]) { $null = $psi.Environment.Remove($k) } else { $psi.Environment[$k] = [string]$Environment[$k] }
    }
    $psi.WorkingDirectory = $WorkingDirectory; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $p = [Diagnostics.Process]::Start($psi)
    $err = $p.StandardError.ReadToEndAsync()
    $out = $p.StandardOutput.ReadToEnd()
    $p.WaitForExit()
    [pscustomobject]@{ Code = $p.ExitCode; Out = @($out -split "`r?`n" | Where-Object { $_ }); Err = @($err.Result -split "`r?`n" | Where-Object { $_ }) }
}
