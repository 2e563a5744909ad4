# The two packages as users get them: `build.ps1 -Task Package` makes them (here for this machine's platform and the
# portable fallback, to keep the test short), then each is installed from a local feed into a clean place and used.
BeforeAll {
    . $PSScriptRoot/common.ps1
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $script:root = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $script:package = Join-Path $TestDrive 'package'
    $script:rid = [Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $script:version = (Import-PowerShellDataFile (Join-Path $root 'src/Module/Sweeps.psd1')).ModuleVersion
    $script:pwsh = Join-Path $PSHOME 'pwsh.dll'
    $script:packed = dotnet $pwsh -NoProfile -NonInteractive -File (Join-Path $root 'build.ps1') -Task Package -Platform "$rid,any" -PackageOutput $package 2>&1
    $script:packExit = $LASTEXITCODE

    # A file inside a .nupkg, as text (null when absent).
    function Read-PackageEntry([string] $Nupkg, [string] $Entry) {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $e = $zip.GetEntry($Entry)
            if ($e) { [System.IO.StreamReader]::new($e.Open()).ReadToEnd() }
        }
        finally { $zip.Dispose() }
    }

    # A pwsh of its own with a home of its own: nothing of this machine's user modules or repositories is seen.
    function Invoke-CleanPwsh([string] $HomeDir, [string] $Command) {
        Invoke-Captured dotnet $pwsh, '-NoProfile', '-NonInteractive', '-Command', $Command -Environment @{ HOME = $HomeDir; PSModulePath = ''; XDG_DATA_HOME = $null }
    }
}

Describe 'build.ps1 -Task Package' {
    It 'makes the module package and the tool packages' {
        $packExit | Should -Be 0 -Because ($packed -join "`n")
        @(Get-ChildItem $package -Filter *.nupkg | ForEach-Object Name | Sort-Object) |
            Should -Be (@("Sweeps.$version.nupkg", "Sweeps.Tool.$version.nupkg", "Sweeps.Tool.any.$version.nupkg", "Sweeps.Tool.$rid.$version.nupkg") | Sort-Object)
        Join-Path $package "sweeps-$version.vsix" | Should -Exist
    }
}

Describe 'the module package' {
    It 'carries the manifest''s metadata, the help, the formats and the license' {
        $nupkg = Join-Path $package "Sweeps.$version.nupkg"
        $meta = ([xml](Read-PackageEntry $nupkg 'Sweeps.nuspec')).package.metadata
        $meta.id | Should -Be 'Sweeps'
        $meta.version | Should -Be $version
        $meta.authors | Should -Be 'The Sweeps team'
        $meta.description | Should -BeLike '*Weights & Biases*'
        $meta.releaseNotes | Should -Not -BeNullOrEmpty
        $meta.copyright | Should -BeLike '*MIT*'
        $meta.tags -split ' ' | Should -Contain 'PSModule'
        $meta.tags -split ' ' | Should -Contain 'PSEdition_Core'
        foreach ($file in 'Sweeps.psd1', 'Sweeps.dll', 'Sweeps.Engine.dll', 'Sweeps.Format.ps1xml', 'en-US/Sweeps.dll-Help.xml', 'en-US/about_Sweeps.help.txt', 'LICENSE', 'YamlDotNet.dll') {
            Read-PackageEntry $nupkg $file | Should -Not -BeNullOrEmpty -Because "$file belongs in the module package"
        }
    }

    It 'installs with Install-PSResource from a file repository into a clean module path, and runs a sweep' {
        $home1 = Join-Path $TestDrive 'home'
        $null = New-Item -ItemType Directory -Force $home1
        $install = Invoke-CleanPwsh $home1 @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name SweepsLocal -Uri '$package' -Trusted
Install-PSResource -Name Sweeps -Repository SweepsLocal -Scope CurrentUser -Quiet
(Get-InstalledPSResource -Name Sweeps).Version.ToString()
"@
        $install.Code | Should -Be 0 -Because $install.Err
        $install.Out[-1] | Should -Be $version

        # A new session finds it by name, as after `Install-PSResource Sweeps` from the Gallery.
        $store = Join-Path $TestDrive 'installed-store'
        $use = Invoke-CleanPwsh $home1 @"
`$ErrorActionPreference = 'Stop'
Import-Module Sweeps
(Get-Module Sweeps).ModuleBase
`$sweep = New-Sweep -Store '$store' -Config @{ method = 'grid'; metric = @{ name = 'loss'; goal = 'minimize' }; parameters = @{ x = @{ values = 1, 2, 3 } } }
`$runs = `$sweep | Start-SweepAgent -Store '$store' -ScriptBlock { param(`$Run) Write-SweepMetric @{ loss = `$Run.Config.x * 2 } }
(`$runs | ForEach-Object State) -join ','
(Get-SweepResult `$sweep -Store '$store' -Best).loss
(Get-Help New-Sweep).Examples.Example.Count -gt 0
"@
        $use.Code | Should -Be 0 -Because $use.Err
        $use.Out[0] | Should -BeLike "$home1*" # the installed copy, not the build folder
        $use.Out[1] | Should -Be 'finished,finished,finished'
        $use.Out[2] | Should -Be '2'
        $use.Out[3] | Should -Be 'True'
    }
}

Describe 'the sweeps .NET tool' {
    It 'is a pointer package with one package per platform, with the license, authors and a newer .NET allowed' {
        $pointer = ([xml](Read-PackageEntry (Join-Path $package "Sweeps.Tool.$version.nupkg") 'Sweeps.Tool.nuspec')).package.metadata
        $pointer.license.'#text' | Should -Be 'MIT'
        $pointer.authors | Should -Be 'The Sweeps team'
        $settings = [xml](Read-PackageEntry (Join-Path $package "Sweeps.Tool.$version.nupkg") 'tools/any/any/DotnetToolSettings.xml')
        @($settings.DotNetCliTool.RuntimeIdentifierPackages.RuntimeIdentifierPackage.RuntimeIdentifier | Sort-Object) | Should -Be (@($rid, 'any') | Sort-Object)
        foreach ($platform in $rid, 'any') {
            $nupkg = Join-Path $package "Sweeps.Tool.$platform.$version.nupkg"
            Read-PackageEntry $nupkg 'LICENSE' | Should -Not -BeNullOrEmpty
            Read-PackageEntry $nupkg "tools/net10.0/$platform/Sweeps/LICENSE" | Should -Not -BeNullOrEmpty
            Read-PackageEntry $nupkg "tools/net10.0/$platform/Sweeps/Sweeps.psd1" | Should -Not -BeNullOrEmpty
            $config = Read-PackageEntry $nupkg "tools/net10.0/$platform/Sweeps.Host.runtimeconfig.json" | ConvertFrom-Json
            $config.runtimeOptions.rollForward | Should -Be 'Major'
            # PowerShell's Windows CIM runtime is under terms that forbid passing it on.
            $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
            try { @($zip.Entries.FullName -like '*management.infrastructure.native*') | Should -HaveCount 0 }
            finally { $zip.Dispose() }
        }
    }

    It 'installs with dotnet tool install, precompiled for this platform, and runs a sweep with a .ps1 program' {
        $tools = Join-Path $TestDrive 'tools'
        dotnet tool install --tool-path $tools --add-source $package Sweeps.Tool | Out-Null
        $LASTEXITCODE | Should -Be 0
        $sweeps = Join-Path $tools 'sweeps'
        & $sweeps --version | Should -Be $version # the one version, the manifest's

        # The platform's package was chosen: PowerShell in it is ReadyToRun code, and its own modules are in $PSHOME.
        $installed = Get-ChildItem (Join-Path $tools '.store') -Recurse -Filter System.Management.Automation.dll | Select-Object -First 1
        $installed.Directory.Name | Should -Be $rid
        $pe = [System.Reflection.PortableExecutable.PEReader]::new([IO.File]::OpenRead($installed.FullName))
        try { $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size | Should -BeGreaterThan 0 -Because 'ReadyToRun code has a native header' }
        finally { $pe.Dispose() }
        Join-Path $installed.DirectoryName 'Modules/Microsoft.PowerShell.Utility' | Should -Exist

        $store = Join-Path $TestDrive 'tool-store'
        $id = & $sweeps --store $store sweep (Join-Path $root 'docs/pipelines/sweep.yaml')
        $LASTEXITCODE | Should -Be 0
        $id | Should -Match '^[a-z0-9]{8}$'
        # The docs' example program is a .ps1: the installed tool runs it with itself, as users' agents do.
        Push-Location (Join-Path $root 'docs/pipelines')
        try { $null = & $sweeps --store $store agent $id --count 2 2>&1 }
        finally { Pop-Location }
        $LASTEXITCODE | Should -Be 0
        @(Get-SweepResult -Sweep $id -Store $store).State | Should -Be @('finished', 'finished')
    }

    It 'has a portable package that runs where no platform package fits' {
        $portable = Join-Path $TestDrive 'portable'
        [System.IO.Compression.ZipFile]::ExtractToDirectory((Join-Path $package "Sweeps.Tool.any.$version.nupkg"), $portable)
        $dll = Join-Path $portable 'tools/net10.0/any/Sweeps.Host.dll'
        dotnet $dll --version | Should -Be $version
        $store = Join-Path $TestDrive 'portable-store'
        $id = dotnet $dll --store $store sweep (Join-Path $root 'docs/pipelines/sweep.yaml')
        $LASTEXITCODE | Should -Be 0
        Push-Location (Join-Path $root 'docs/pipelines')
        try { $null = dotnet $dll --store $store agent $id --count 1 2>&1 }
        finally { Pop-Location }
        $LASTEXITCODE | Should -Be 0
        @(Get-SweepResult -Sweep $id -Store $store).State | Should -Be @('finished')
    }
}

Describe 'the Azure DevOps extension' {
    BeforeAll {
        $script:vsix = Join-Path $package "sweeps-$version.vsix"
        $script:extension = Join-Path $TestDrive 'vsix'
        [System.IO.Compression.ZipFile]::ExtractToDirectory($vsix, $extension)
        $script:task = Join-Path $extension 'SweepsAgent'
        # Hosted agents have pwsh on PATH; here it is PowerShell's dll, so a one-line pwsh stands in for it.
        $script:bin = Join-Path $TestDrive 'bin'
        $null = New-Item -ItemType Directory -Force $bin
        Set-Content (Join-Path $bin 'pwsh') "#!/bin/sh`nexec dotnet '$pwsh' `"`$@`"" -NoNewline
        chmod +x (Join-Path $bin 'pwsh')

        # Runs the task's entry point as the agent does: node on index.js, inputs in INPUT_* (the agent applies
        # task.json's defaults first, so they are applied here too).
        function Invoke-Task([hashtable] $Inputs, [string] $Path = "$bin$([IO.Path]::PathSeparator)$env:PATH") {
            $ws = Join-Path $TestDrive ('agent-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
            Copy-Item -Recurse (Join-Path $root 'docs/pipelines') $ws
            $definition = Get-Content -Raw (Join-Path $task 'task.json') | ConvertFrom-Json
            $environment = @{ TF_BUILD = 'True'; SYSTEM_TOTALJOBSINPHASE = '1'; PATH = $Path }
            foreach ($i in $definition.inputs) {
                $value = if ($Inputs.ContainsKey($i.name)) { $Inputs[$i.name] } else { $i.defaultValue -replace '\$\(System\.DefaultWorkingDirectory\)', $ws }
                $environment['INPUT_' + $i.name.ToUpperInvariant()] = $value
            }
            $r = Invoke-Captured node (Join-Path $task 'index.js') -Environment $environment -WorkingDirectory $ws
            [pscustomobject]@{ Code = $r.Code; Lines = $r.Out + $r.Err; Workspace = $ws }
        }
    }

    It 'holds the task, its step script and the module, at the module''s version' {
        $manifest = [xml](Get-Content -Raw (Join-Path $extension 'extension.vsixmanifest'))
        $manifest.PackageManifest.Metadata.Identity.Version | Should -Be $version
        $manifest.PackageManifest.Metadata.Identity.Id | Should -Be 'sweeps'
        $contributions = (Get-Content -Raw (Join-Path $extension 'extension.vsomanifest') | ConvertFrom-Json).contributions
        $contributions.type | Should -Be 'ms.vss-distributed-task.task'
        $contributions.properties.name | Should -Be 'SweepsAgent'
        $definition = Get-Content -Raw (Join-Path $task 'task.json') | ConvertFrom-Json
        '{0}.{1}.{2}' -f $definition.version.Major, $definition.version.Minor, $definition.version.Patch | Should -Be $version
        $definition.execution.Node20_1.target | Should -Be 'index.js'
        (Import-PowerShellDataFile (Join-Path $task 'Sweeps/Sweeps.psd1')).ModuleVersion | Should -Be $version
        Join-Path $task 'sweep-step.ps1' | Should -Exist
        Join-Path $extension 'LICENSE' | Should -Exist
    }

    It 'runs an agent from its entry point with INPUT_* variables, and publishes the sweep id, summary and report' {
        $store = Join-Path $TestDrive 'task-store'
        $r = Invoke-Task @{ config = 'sweep.yaml'; count = '2'; store = $store }
        $r.Code | Should -Be 0 -Because ($r.Lines -join "`n")
        $id = ($r.Lines -match '^##vso\[task\.setvariable variable=sweepId;isOutput=true\](\w+)$' | Select-Object -First 1) -replace '^.*\]', ''
        $id | Should -Match '^[a-z0-9]{8}$'
        $r.Lines | Should -Contain '##vso[task.setvariable variable=runs;isOutput=true]2'
        $r.Lines | Should -Contain '##vso[task.setvariable variable=failedRuns;isOutput=true]0'
        $summary = ($r.Lines -match '^##vso\[task\.uploadsummary\]' | Select-Object -First 1) -replace '^##vso\[task\.uploadsummary\]', ''
        Get-Content -Raw $summary | Should -BeLike '*Best runs by loss*'
        $report = Join-Path $r.Workspace 'sweeps-report.html'
        $r.Lines | Should -Contain "##vso[artifact.upload containerfolder=sweep-$id-report;artifactname=sweep-$id-report]$report"
        $report | Should -Exist
        (Get-Sweep -Store $store -Id $id).Finished | Should -Be 2
    }

    It 'fails with a logging command that names a wrong input, and creates nothing' {
        $store = Join-Path $TestDrive 'task-store-bad'
        $r = Invoke-Task @{ config = 'sweep.yaml'; failOnFailedRuns = 'maybe'; store = $store }
        $r.Code | Should -Be 1
        $r.Lines | Should -Contain "##vso[task.complete result=Failed;]The input 'failOnFailedRuns' must be true or false; it is 'maybe'."
        Get-StoreEntry $store | Should -HaveCount 0
    }

    It 'says so when the agent has no pwsh' {
        $r = Invoke-Task @{ config = 'sweep.yaml' } -Path '/nonexistent'
        $r.Code | Should -Be 1
        @($r.Lines -like '##vso`[task.complete result=Failed;`]PowerShell 7 (pwsh) is not on PATH*') | Should -HaveCount 1
    }
}
