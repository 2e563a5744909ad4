@{
    RootModule           = 'Sweeps.dll'
    ModuleVersion        = '0.1.0' # the one version: the assemblies, the .NET tool and the tests read it from here
    GUID                 = '3d5c1f0e-8a4b-4f7e-9b2d-6c1e2a7f9b40'
    Author               = 'The Sweeps team'
    CompanyName          = 'The Sweeps team'
    Copyright            = '(c) 2026 The Sweeps team. MIT License.'
    Description          = 'Hyperparameter sweeps with the semantics of Weights & Biases Sweeps (grid, random and bayes search, hyperband), run locally: no server, no account. Sweeps live in a folder, PostgreSQL or Azure Blob Storage; agents on one or many machines run PowerShell scriptblocks or programs and hand back objects; a live dashboard shows them.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('Sweeps.Format.ps1xml')
    CmdletsToExport      = @(
        'New-Sweep', 'Get-Sweep', 'Test-SweepConfig', 'Start-SweepAgent', 'Write-SweepMetric',
        'Get-SweepResult', 'Get-SweepRun', 'Get-SweepParameterImportance', 'Suspend-Sweep', 'Resume-Sweep', 'Stop-Sweep', 'Remove-Sweep', 'Export-SweepReport',
        'Start-SweepDashboard')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('hyperparameter', 'sweep', 'wandb', 'machine-learning', 'bayesian-optimization', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ReleaseNotes = 'First release: W&B sweep configs (grid, random, bayes, every distribution, hyperband), agents for scriptblocks and programs, folder, PostgreSQL and Azure Blob stores, a live dashboard and an offline report, the sweeps command for machines without pwsh. See CHANGELOG.md.'
        }
    }
}
