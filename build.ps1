#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demos and benchmarks Sweeps.
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Build,Demo
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Build,Test
#>
[CmdletBinding()]
param(
    # Clean, Build, Test, Demo, Bench, Package (comma-separated works too: -Task Build,Test).
    [string[]] $Task = @('Build', 'Test'),
    [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release',
    # Package: the .NET tool's platforms (runtime identifiers, `any` = portable); all of Host.csproj's list by default.
    [string[]] $Platform,
    # Package: where the .nupkg files go.
    [string] $PackageOutput = (Join-Path $PSScriptRoot 'out/package')
)
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $true
Set-StrictMode -Version Latest

# `pwsh -File build.ps1 -Task A,B` passes the single string 'A,B'.
$Task = $Task -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ }
$Platform = $Platform -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ }
$known = 'Clean', 'Build', 'Test', 'Demo', 'Bench', 'Package'
$bad = $Task | Where-Object { $_ -notin $known }
if ($bad) { throw "Unknown task(s): $($bad -join ', '). Known: $($known -join ', ')." }

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'Sweeps'
$results = Join-Path $out 'test-results'
$PesterVersion = '5.7.1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'

# A child pwsh of the same version as this one (works under `dotnet pwsh`, where the process is dotnet).
function Invoke-Pwsh { dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive @args }

function Get-NuGetRoot { ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim() }

function Invoke-Clean { Remove-Item -Recurse -Force $out -ErrorAction Ignore }

function Invoke-Build {
    dotnet build (Join-Path $root 'Sweeps.slnx') -c $Configuration --nologo -v quiet
    # publish = the importable module folder, with YamlDotNet and MathNet.Numerics beside Sweeps.dll
    Remove-Item -Recurse -Force $moduleOut -ErrorAction Ignore
    dotnet publish (Join-Path $root 'src/Module') -c $Configuration -o $moduleOut --no-build --nologo -v quiet
    Remove-Item (Join-Path $moduleOut '*.deps.json') -ErrorAction Ignore
    Copy-Item (Join-Path $root 'src/Module/Sweeps.psd1') $moduleOut # the one version is in it (Directory.Build.props reads it too)
    Copy-Item (Join-Path $root 'LICENSE') $moduleOut
    Copy-Item (Join-Path $root 'src/Module/Sweeps.Format.ps1xml') $moduleOut
    Copy-Item -Recurse (Join-Path $root 'src/Module/en-US') $moduleOut
    # plotly.js for the offline HTML report, from npm (package.json pins it); without npm the report has tables only.
    if (Get-Command npm -ErrorAction Ignore) {
        Push-Location $root
        try { npm ci --no-audit --no-fund --loglevel=error | Out-Null } finally { Pop-Location }
        New-Item -ItemType Directory -Force (Join-Path $moduleOut 'assets') | Out-Null
        Copy-Item (Join-Path $root 'node_modules/plotly.js-dist-min/plotly.min.js') (Join-Path $moduleOut 'assets')
    }
    else { Write-Warning 'npm not found: the HTML report will have no charts (plotly.js is bundled from npm).' }
    # Get-Help for every cmdlet: MAML generated from help data plus each cmdlet's own parameter metadata.
    Invoke-Pwsh -File (Join-Path $root 'build/New-MamlHelp.ps1') -ModulePath (Join-Path $moduleOut 'Sweeps.psd1') `
        -HelpData (Join-Path $root 'src/Module/help/Sweeps.Help.psd1') -OutFile (Join-Path $moduleOut 'en-US/Sweeps.dll-Help.xml')
    "Module: $moduleOut"
    # The `sweeps` host, ReadyToRun-compiled for this machine: PowerShell from NuGet is not precompiled, and JIT-compiling
    # it doubled the host's start-up (0.93 s against 0.42 s for `sweeps ls`). The publish puts the module beside it
    # (src/Host/Host.csproj). Without the crossgen package (offline), the portable publish still works.
    $hostOut = Join-Path $out 'host'
    Remove-Item -Recurse -Force $hostOut -ErrorAction Ignore
    $rid = [Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    # A failing native command throws here ($PSNativeCommandUseErrorActionPreference): catch it for the fallback.
    try { dotnet publish (Join-Path $root 'src/Host') -c $Configuration -o $hostOut -r $rid --self-contained false -p:PublishReadyToRun=true "-p:SweepsModuleDir=$moduleOut" --nologo -v quiet }
    catch { Write-Verbose $_ }
    if ($LASTEXITCODE -ne 0) {
        Write-Warning "ReadyToRun publish of the host for $rid failed; publishing it portable (slower start-up)."
        Remove-Item -Recurse -Force $hostOut -ErrorAction Ignore
        dotnet publish (Join-Path $root 'src/Host') -c $Configuration -o $hostOut --no-build "-p:SweepsModuleDir=$moduleOut" --nologo -v quiet
        if ($LASTEXITCODE -ne 0) { throw 'dotnet publish of the host failed' }
    }
    $launcher = Join-Path $hostOut 'sweeps'
    Set-Content $launcher "#!/bin/sh`nexec dotnet `"`$(dirname `"`$0`")/Sweeps.Host.dll`" `"`$@`"" -NoNewline
    if (-not $IsWindows) { chmod +x $launcher }
    Set-Content (Join-Path $hostOut 'sweeps.cmd') "@dotnet `"%~dp0Sweeps.Host.dll`" %*"
    "Host: $launcher"
}

# Servers the store tests run against (PostgreSQL, Azurite), one script each in build/services: `-Start` starts
# it on loopback under -WorkDir and returns the environment variables the tests read (nothing when it cannot run
# here: those tests are then skipped, saying why); `-Stop` stops it.
function Start-TestServices([string] $WorkDir) {
    foreach ($service in Get-ChildItem (Join-Path $root 'build/services') -Filter *.ps1 -ErrorAction Ignore) {
        try {
            $vars = & $service.FullName -Start -WorkDir (Join-Path $WorkDir $service.BaseName)
            foreach ($k in @($vars.Keys)) { Set-Item "Env:$k" $vars[$k] }
        }
        catch { Write-Warning "$($service.BaseName): $_" }
    }
}

function Stop-TestServices([string] $WorkDir) {
    foreach ($service in Get-ChildItem (Join-Path $root 'build/services') -Filter *.ps1 -ErrorAction Ignore) {
        try { & $service.FullName -Stop -WorkDir (Join-Path $WorkDir $service.BaseName) } catch { Write-Warning "$($service.BaseName): $_" }
    }
}

function Invoke-Test {
    $services = Join-Path $out 'services'
    Start-TestServices $services
    try { Invoke-TestSuites }
    finally { Stop-TestServices $services }
}

function Invoke-TestSuites {
    New-Item -ItemType Directory -Force $results | Out-Null
    $trx = Join-Path $results 'xunit.trx'
    Remove-Item $trx -ErrorAction Ignore
    $xunitFailed = $false
    try {
        dotnet test (Join-Path $root 'tests/Engine.Tests') -c $Configuration --no-build --nologo `
            --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal'
    } catch { $xunitFailed = $true }
    $x = @{ passed = 0; failed = 1; skipped = 0 }          # no TRX: count it as one failure
    if (Test-Path $trx) {
        $c = ([xml](Get-Content $trx)).TestRun.ResultSummary.Counters
        $x = @{ passed = [int]$c.passed; failed = [int]$c.failed + [int]$c.error; skipped = [int]$c.total - [int]$c.executed }
        if ($xunitFailed -and $x.failed -eq 0) { $x.failed = 1 }
    }
    "xunit: $($x.passed) passed, $($x.failed) failed, $($x.skipped) skipped"

    # Pester runs in its own process so the module under test loads fresh from out/Sweeps.
    dotnet restore (Join-Path $root 'build/tools.proj') --nologo -v quiet | Out-Null
    $pester = Join-Path (Get-NuGetRoot) "pester/$PesterVersion/tools/Pester.psd1"
    $summary = Join-Path $results 'pester-summary.json'
    Remove-Item $summary -ErrorAction Ignore
    # The tests run with PowerShell's default preferences, as users have them.
    $script = @"
Import-Module '$pester' -RequiredVersion $PesterVersion -ErrorAction Stop
`$cfg = New-PesterConfiguration
`$cfg.Run.Path = '$(Join-Path $root 'tests/Pester')'
`$cfg.Run.PassThru = `$true
`$cfg.Output.Verbosity = 'Detailed'
`$cfg.TestResult.Enabled = `$true
`$cfg.TestResult.OutputFormat = 'JUnitXml'
`$cfg.TestResult.OutputPath = '$(Join-Path $results 'pester-junit.xml')'
`$r = Invoke-Pester -Configuration `$cfg
@{ passed = `$r.PassedCount; failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; skipped = `$r.SkippedCount } |
    ConvertTo-Json | Set-Content '$summary'
"@
    try { Invoke-Pwsh -Command $script } catch { Write-Warning "Pester: $_" }
    $p = if (Test-Path $summary) { Get-Content $summary -Raw | ConvertFrom-Json } else { [pscustomobject]@{ passed = 0; failed = 1; skipped = 0 } }
    "pester: $($p.passed) passed, $($p.failed) failed, $($p.skipped) skipped"
    $script:Summary = @{ passed = $x.passed + $p.passed; failed = $x.failed + $p.failed; skipped = $x.skipped + $p.skipped }
}

function Invoke-Demo {
    Invoke-Pwsh -File (Join-Path $root 'demo/demo.ps1') -ModulePath (Join-Path $moduleOut 'Sweeps.psd1')
}

function Invoke-Package {
    New-Item -ItemType Directory -Force $PackageOutput | Out-Null
    Get-ChildItem $PackageOutput -Include *.nupkg, *.vsix -Recurse | Remove-Item
    # The module, as PSResourceGet publishes it (the manifest's metadata becomes the package's): to the Gallery with
    # Publish-PSResource -Path out/Sweeps, or installed from this folder registered as a repository.
    Compress-PSResource -Path $moduleOut -DestinationPath $PackageOutput
    # The `sweeps` .NET tool: a pointer package and one ReadyToRun package per platform (the list is in src/Host/Host.csproj;
    # -Platform narrows it), with `any` the portable fallback. `dotnet tool install -g Sweeps.Tool` picks the right one.
    $platforms = @(if ($Platform) { "-p:RuntimeIdentifiers=`"$($Platform -join ';')`"" })
    dotnet pack (Join-Path $root 'src/Host') -c $Configuration -o $PackageOutput --nologo -v quiet -p:PlatformPackages=true "-p:SweepsModuleDir=$moduleOut" @platforms
    New-AzureDevOpsExtension
    Get-ChildItem $PackageOutput -Include *.nupkg, *.vsix -Recurse | ForEach-Object { "Package: $($_.FullName)" }
}

# The Azure DevOps extension (.vsix): the SweepsAgent task with the pipeline step script and the built module inside,
# stamped with the module's version, packed by tfx-cli (build/tfx pins it).
function New-AzureDevOpsExtension {
    $stage = Join-Path $out 'vsix'
    Remove-Item -Recurse -Force $stage -ErrorAction Ignore
    Copy-Item -Recurse (Join-Path $root 'pipelines/azure-devops') $stage
    Copy-Item (Join-Path $root 'LICENSE') $stage
    $task = Join-Path $stage 'SweepsAgent'
    Copy-Item (Join-Path $root 'pipelines/sweep-step.ps1') $task
    Copy-Item -Recurse $moduleOut (Join-Path $task 'Sweeps')
    $version = [version](Import-PowerShellDataFile (Join-Path $moduleOut 'Sweeps.psd1')).ModuleVersion
    $taskJson = Get-Content -Raw (Join-Path $task 'task.json') | ConvertFrom-Json
    $taskJson.version = [ordered]@{ Major = $version.Major; Minor = $version.Minor; Patch = $version.Build }
    $taskJson | ConvertTo-Json -Depth 20 | Set-Content (Join-Path $task 'task.json')
    $extension = Get-Content -Raw (Join-Path $stage 'vss-extension.json') | ConvertFrom-Json
    $extension.version = $version.ToString(3)
    $extension | ConvertTo-Json -Depth 20 | Set-Content (Join-Path $stage 'vss-extension.json')
    $tfx = Join-Path $root 'build/tfx'
    Push-Location $tfx
    try { npm ci --no-audit --no-fund --loglevel=error | Out-Null } finally { Pop-Location }
    node (Join-Path $tfx 'node_modules/tfx-cli/_build/tfx-cli.js') extension create --root $stage --manifest-globs vss-extension.json `
        --output-path (Join-Path $PackageOutput "sweeps-$($version.ToString(3)).vsix") --no-prompt --json | Out-Null
}

function Invoke-Bench {
    Invoke-Pwsh -File (Join-Path $root 'bench/bench.ps1') -ModulePath (Join-Path $moduleOut 'Sweeps.psd1') -OutDir (Join-Path $out 'bench') -Configuration $Configuration
}

$script:Summary = $null
foreach ($t in $Task) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    Write-Host "==> $t"
    & "Invoke-$t"
    Write-Host ("<== {0} ({1:N1} s)" -f $t, $sw.Elapsed.TotalSeconds)
}
if ($script:Summary) {
    # The last line is the plain closing line CI reads.
    "tests: {0} passed, {1} failed, {2} skipped" -f $Summary.passed, $Summary.failed, $Summary.skipped
    if ($Summary.failed -gt 0) { exit 1 }
}
