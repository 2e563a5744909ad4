@{
    RootModule           = 'Sweeps.dll'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '3d5c1f0e-8a4b-4f7e-9b2d-6c1e2a7f9b40'
    Author               = 'The Sweeps team'
    Description          = 'Hyperparameter sweeps with the semantics of Weights & Biases Sweeps, run locally: no server, no account. A sweep is a folder; agents run PowerShell scriptblocks or programs and hand back objects.'
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
    PrivateData          = @{ PSData = @{ Tags = @('hyperparameter', 'sweep', 'wandb', 'PSEdition_Core') } }
}
