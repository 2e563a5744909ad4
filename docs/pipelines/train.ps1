# A training program for the pipeline examples: reads its parameters from $env:SWEEPS_PARAMS_FILE and appends one
# metrics row per epoch to $env:SWEEPS_METRICS_FILE (about_Sweeps_Protocol). Stands in for a real training script.
[CmdletBinding(PositionalBinding = $false)]
param([Parameter(ValueFromRemainingArguments)] $Ignored)
$p = Get-Content -LiteralPath $env:SWEEPS_PARAMS_FILE -Raw | ConvertFrom-Json
$loss = 2.0
foreach ($epoch in 1..$p.epochs) {
    $loss = $loss * (1 - [math]::Min(0.9, $p.lr)) + 0.05 * [math]::Abs([math]::Log10($p.lr) + 1)
    Add-Content -LiteralPath $env:SWEEPS_METRICS_FILE -Value (@{ epoch = $epoch; loss = $loss } | ConvertTo-Json -Compress)
}
