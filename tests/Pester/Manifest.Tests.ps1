BeforeAll {
    . $PSScriptRoot/common.ps1
}

Describe 'The Sweeps module manifest' {
    It 'passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest -Path $SweepsManifest -ErrorAction Stop
        $manifest.Name | Should -Be 'Sweeps'
        $manifest.RootModule | Should -Be 'Sweeps.dll'
        $source = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../src/Module/Sweeps.psd1')
        $manifest.Version | Should -Be ([version]$source.ModuleVersion) # the one version source
        (Get-Module Sweeps).Version | Should -Be ([version]$source.ModuleVersion)
        ([System.Reflection.AssemblyName]::GetAssemblyName((Join-Path (Split-Path $SweepsManifest) 'Sweeps.dll'))).Version.ToString(3) | Should -Be $source.ModuleVersion
        $manifest.Copyright | Should -BeLike '*MIT License*'
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        Test-Path (Join-Path (Split-Path $SweepsManifest) 'LICENSE') | Should -BeTrue
    }

    It 'is the repository''s manifest as it is, so the one there passes too' {
        (Get-FileHash $SweepsManifest).Hash | Should -Be (Get-FileHash (Join-Path $PSScriptRoot '../../src/Module/Sweeps.psd1')).Hash
    }

    It 'exports exactly its cmdlets' {
        $expected = 'Export-SweepReport', 'Get-Sweep', 'Get-SweepParameterImportance', 'Get-SweepResult', 'Get-SweepRun', 'New-Sweep', 'Remove-Sweep', 'Resume-Sweep', 'Start-SweepAgent', 'Start-SweepDashboard', 'Stop-Sweep', 'Suspend-Sweep', 'Test-SweepConfig', 'Write-SweepMetric'
        $module = Get-Module Sweeps
        $module | Should -Not -BeNullOrEmpty
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be $expected
        @(Get-Command -Module Sweeps | Sort-Object Name | ForEach-Object Name) | Should -Be $expected
        @(Get-Command -Module Sweeps | Where-Object CommandType -ne 'Cmdlet') | Should -HaveCount 0
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
    }

    It 'declares an [OutputType] on every exported cmdlet' {
        foreach ($command in Get-Command -Module Sweeps) {
            $command.OutputType.Count | Should -BeGreaterThan 0 -Because "$($command.Name) should declare its output type"
        }
    }

    It 'declares the documented output types' {
        (Get-Command New-Sweep).OutputType.Name | Should -Be 'Sweeps.SweepInfo'
        (Get-Command Get-Sweep).OutputType.Name | Should -Be 'Sweeps.SweepInfo'
        (Get-Command Get-SweepRun).OutputType.Name | Should -Be 'Sweeps.RunDetail'
        (Get-Command Get-SweepResult).OutputType.Name | Should -Be 'Sweeps.RunResult'
        (Get-Command Start-SweepAgent).OutputType.Name | Should -Be 'Sweeps.RunResult'
        @((Get-Command Test-SweepConfig).OutputType.Name | Sort-Object) | Should -Be @('Sweeps.Engine.Config.ConfigProblem', 'System.Boolean')
    }

    It 'has a format view for <_>' -ForEach @('Sweeps.SweepInfo', 'Sweeps.RunDetail', 'Sweeps.Engine.Config.ConfigProblem') {
        $format = Get-FormatData -TypeName $_
        $format | Should -Not -BeNullOrEmpty
        $format.TypeNames | Should -Contain $_
        $format.FormatViewDefinition.Count | Should -BeGreaterThan 0
    }
}
