#requires -Version 7.4
<#
.SYNOPSIS
    Azurite, the Azure Storage emulator, on loopback for the Azure Blob store tests (build.ps1 -Task Test).
.DESCRIPTION
    -Start installs Azurite from npm where it is missing (build/services/azurite/package.json pins it; its lock file
    keeps the install reproducible), starts its blob service on a free port of 127.0.0.1 with its data under -WorkDir,
    and returns the environment variables the tests read: SWEEPS_TEST_AZURITE, the URL of Azurite's development
    account (a test's store is a container under it), and SWEEPS_TEST_AZURITE_BIN, the program, for tests that start an
    Azurite of their own to stop and restart. Without npm it warns and returns nothing, and those tests are skipped,
    saying so. -Stop stops it and removes -WorkDir.
#>
[CmdletBinding()]
param([switch] $Start, [switch] $Stop, [Parameter(Mandatory)] [string] $WorkDir)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$WorkDir = [IO.Path]::GetFullPath($WorkDir)
$package = Join-Path $PSScriptRoot 'azurite'
$bin = Join-Path $package "node_modules/.bin/azurite-blob$(if ($IsWindows) { '.cmd' })"

function Stop-Azurite {
    $pidFile = Join-Path $WorkDir 'azurite.pid'
    if (Test-Path $pidFile) {
        $process = Get-Process -Id ([int](Get-Content $pidFile)) -ErrorAction Ignore
        if ($process) { $process.Kill($true); $process.WaitForExit(10000) | Out-Null }
    }
    Remove-Item -Recurse -Force $WorkDir -ErrorAction Ignore
}

function Get-FreePort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

if ($Stop) { Stop-Azurite; return }
if (-not $Start) { throw 'Say -Start or -Stop.' }

if (-not (Test-Path $bin)) {
    if (-not (Get-Command npm -ErrorAction Ignore)) {
        Write-Warning 'npm not found: Azurite cannot be installed, so the Azure Blob store tests are skipped.'
        return
    }
    Push-Location $package
    try { npm ci --no-audit --no-fund --loglevel=error | Out-Null } finally { Pop-Location }
}
Stop-Azurite # one left by a run that was killed
New-Item -ItemType Directory -Force $WorkDir | Out-Null
$port = Get-FreePort
# --skipApiVersionCheck: the SDK may speak a newer service version than this Azurite knows; the calls the store makes
# are old ones. --loose: headers it does not know are ignored. --disableProductStyleUrl: the account is always the path's first part, as in the store's location.
$arguments = @('--blobHost', '127.0.0.1', '--blobPort', $port, '--location', (Join-Path $WorkDir 'data'), '--silent',
    '--skipApiVersionCheck', '--disableProductStyleUrl', '--disableTelemetry', '--loose')
$process = Start-Process -FilePath $bin -ArgumentList $arguments -PassThru `
    -RedirectStandardOutput (Join-Path $WorkDir 'out.log') -RedirectStandardError (Join-Path $WorkDir 'err.log')
Set-Content (Join-Path $WorkDir 'azurite.pid') $process.Id
$deadline = [DateTime]::UtcNow.AddSeconds(60)
while ($true) {
    $client = [Net.Sockets.TcpClient]::new()
    try { $client.Connect('127.0.0.1', $port); break } catch { } finally { $client.Dispose() }
    if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
        $log = Get-Content (Join-Path $WorkDir 'err.log') -Raw -ErrorAction Ignore
        Stop-Azurite
        throw "Azurite did not start on port ${port}: $log"
    }
    Start-Sleep -Milliseconds 200
}
@{
    SWEEPS_TEST_AZURITE     = "http://127.0.0.1:$port/devstoreaccount1"
    SWEEPS_TEST_AZURITE_BIN = $bin
}
