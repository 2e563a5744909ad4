#Requires -Version 7.4
<#
.SYNOPSIS
    Sweeps demo: a random hyperparameter sweep of a softmax regression on the Iris data, all in PowerShell.

.DESCRIPTION
    Creates a sweep from sweep.yaml (random search over lr, epochs, batch_size and l2; metric val_loss, minimized;
    run_cap 16; fixed seed), then runs one agent whose training scriptblock fits a multinomial logistic regression
    by mini-batch gradient descent on data/iris.csv and logs one history row per epoch with Write-SweepMetric.
    It prints the sweep, one line per finished run, the five best runs by val_loss and the best run's accuracy.

    The train/validation split is fixed (stratified, 10 validation rows per class, seeded), and the features are
    standardised with the training rows' mean and standard deviation, so runs differ only by their hyperparameters.

    Exit code: 0 on success; 1 when no run finished or the best run's validation accuracy is below 0.9.

.PARAMETER ModulePath
    The Sweeps module manifest to import. Default: the built module in out/Sweeps of this repository.

.PARAMETER Store
    The sweep store folder. Default: a fresh folder in the temp directory, removed at the end unless -KeepStore.
    A store given here is never removed (it may hold other sweeps).

.PARAMETER KeepStore
    Keep the temporary store at the end (its path is printed), e.g. to look at it with Get-SweepRun afterwards.

.EXAMPLE
    pwsh -NoProfile -File demo/demo.ps1

.EXAMPLE
    pwsh -NoProfile -File demo/demo.ps1 -KeepStore
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Sweeps/Sweeps.psd1'),
    [string] $Store,
    [switch] $KeepStore
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$inv = [cultureinfo]::InvariantCulture
$clock = [Diagnostics.Stopwatch]::StartNew()

# ---------------------------------------------------------------------------------------------------------------
# Data: the Iris CSV as flat [double[]] feature rows and [int[]] class indices.
# ---------------------------------------------------------------------------------------------------------------

function Import-IrisData {
    param([Parameter(Mandatory)] [string] $Path)

    $featureNames = 'sepal_length', 'sepal_width', 'petal_length', 'petal_width'
    $rows = @(Import-Csv -LiteralPath $Path)
    if ($rows.Count -ne 150) { throw "$Path holds $($rows.Count) rows; the Iris data has 150." }
    $header = @($rows[0].PSObject.Properties.Name)
    if (($header -join ',') -ne (($featureNames + 'species') -join ',')) {
        throw "$Path has the columns '$($header -join ',')'; expected '$(($featureNames + 'species') -join ',')'."
    }
    $classes = @($rows.species | Sort-Object -Unique)
    foreach ($class in $classes) {
        $count = @($rows | Where-Object species -EQ $class).Count
        if ($count -ne 50) { throw "$Path has $count rows of '$class'; the Iris data has 50 of each class." }
    }
    if ($classes.Count -ne 3) { throw "$Path has $($classes.Count) classes ($($classes -join ', ')); expected 3." }

    $nFeatures = $featureNames.Count
    $x = [double[]]::new($rows.Count * $nFeatures)
    $y = [int[]]::new($rows.Count)
    for ($i = 0; $i -lt $rows.Count; $i++) {
        for ($j = 0; $j -lt $nFeatures; $j++) {
            $x[$i * $nFeatures + $j] = [double]::Parse($rows[$i].($featureNames[$j]), $inv)
        }
        $y[$i] = [array]::IndexOf($classes, $rows[$i].species)
    }
    [pscustomobject]@{ X = $x; Y = $y; Rows = $rows.Count; Features = $featureNames; Classes = $classes }
}

# A stratified split that is the same on every run: per class, a seeded shuffle of its rows, the first
# $ValidationPerClass of them to validation. Features are standardised with the training rows' statistics.
function Split-IrisData {
    param(
        [Parameter(Mandatory)] $Data,
        [int] $ValidationPerClass = 10,
        [int] $Seed = 1
    )

    $nFeatures = $Data.Features.Count
    $nClasses = $Data.Classes.Count
    $rng = [Random]::new($Seed)
    $trainRows = [Collections.Generic.List[int]]::new()
    $valRows = [Collections.Generic.List[int]]::new()
    for ($c = 0; $c -lt $nClasses; $c++) {
        $members = [Collections.Generic.List[int]]::new()
        for ($i = 0; $i -lt $Data.Rows; $i++) { if ($Data.Y[$i] -eq $c) { $members.Add($i) } }
        for ($i = $members.Count - 1; $i -gt 0; $i--) {
            $j = $rng.Next($i + 1)
            $t = $members[$i]; $members[$i] = $members[$j]; $members[$j] = $t
        }
        for ($i = 0; $i -lt $members.Count; $i++) {
            if ($i -lt $ValidationPerClass) { $valRows.Add($members[$i]) } else { $trainRows.Add($members[$i]) }
        }
    }
    $trainRows.Sort(); $valRows.Sort()

    $mean = [double[]]::new($nFeatures)
    $std = [double[]]::new($nFeatures)
    for ($j = 0; $j -lt $nFeatures; $j++) {
        $sum = 0.0
        foreach ($i in $trainRows) { $sum += $Data.X[$i * $nFeatures + $j] }
        $mean[$j] = $sum / $trainRows.Count
        $sq = 0.0
        foreach ($i in $trainRows) { $d = $Data.X[$i * $nFeatures + $j] - $mean[$j]; $sq += $d * $d }
        $std[$j] = [Math]::Sqrt($sq / $trainRows.Count)
        if ($std[$j] -eq 0) { $std[$j] = 1.0 }
    }

    $pick = {
        param($rowIds)
        $xs = [double[]]::new($rowIds.Count * $nFeatures)
        $ys = [int[]]::new($rowIds.Count)
        for ($r = 0; $r -lt $rowIds.Count; $r++) {
            $i = $rowIds[$r]
            for ($j = 0; $j -lt $nFeatures; $j++) {
                $xs[$r * $nFeatures + $j] = ($Data.X[$i * $nFeatures + $j] - $mean[$j]) / $std[$j]
            }
            $ys[$r] = $Data.Y[$i]
        }
        , @($xs, $ys)
    }
    $train = & $pick $trainRows
    $val = & $pick $valRows
    [pscustomobject]@{
        XTrain = $train[0]; YTrain = $train[1]; XVal = $val[0]; YVal = $val[1]
        Features = $nFeatures; Classes = $nClasses; ClassNames = $Data.Classes
    }
}

# ---------------------------------------------------------------------------------------------------------------
# The model: softmax regression, weights W (classes x features, row-major) and bias B.
# Note: PowerShell variable names ignore case, so $K and $k would be one variable: names below are distinct.
# ---------------------------------------------------------------------------------------------------------------

# Mean cross-entropy and accuracy of (W, B) on the rows of X.
function Measure-Softmax {
    param([double[]] $W, [double[]] $B, [double[]] $X, [int[]] $Y, [int] $NFeatures, [int] $NClasses)

    $z = [double[]]::new($NClasses)
    $loss = 0.0
    $correct = 0
    for ($row = 0; $row -lt $Y.Length; $row++) {
        $off = $row * $NFeatures
        $max = [double]::NegativeInfinity
        $best = 0
        for ($c = 0; $c -lt $NClasses; $c++) {
            $s = $B[$c]
            $wo = $c * $NFeatures
            for ($j = 0; $j -lt $NFeatures; $j++) { $s += $W[$wo + $j] * $X[$off + $j] }
            $z[$c] = $s
            if ($s -gt $max) { $max = $s; $best = $c }
        }
        $sum = 0.0
        for ($c = 0; $c -lt $NClasses; $c++) { $sum += [Math]::Exp($z[$c] - $max) }
        $label = $Y[$row]
        $loss += $max + [Math]::Log($sum) - $z[$label]     # -log softmax(z)[label]
        if ($best -eq $label) { $correct++ }
    }
    $loss / $Y.Length
    $correct / $Y.Length
}

# Trains by mini-batch gradient descent on the mean cross-entropy plus (L2/2)·|W|² (the bias is not decayed),
# from zero weights, with a seeded shuffle each epoch; logs one history row per epoch to the current run.
function Invoke-SoftmaxTraining {
    param(
        [Parameter(Mandatory)] $Data,
        [Parameter(Mandatory)] [double] $LearningRate,
        [Parameter(Mandatory)] [int] $Epochs,
        [Parameter(Mandatory)] [int] $BatchSize,
        [Parameter(Mandatory)] [double] $L2,
        [int] $Seed = 7
    )

    $nF = $Data.Features
    $nC = $Data.Classes
    $xt = $Data.XTrain
    $yt = $Data.YTrain
    $nRows = $yt.Length
    $w = [double[]]::new($nC * $nF)
    $bias = [double[]]::new($nC)
    $gw = [double[]]::new($nC * $nF)
    $gb = [double[]]::new($nC)
    $p = [double[]]::new($nC)
    $order = [int[]]::new($nRows)
    for ($i = 0; $i -lt $nRows; $i++) { $order[$i] = $i }
    $rng = [Random]::new($Seed)
    $decay = 1.0 - $LearningRate * $L2

    for ($epoch = 1; $epoch -le $Epochs; $epoch++) {
        for ($i = $nRows - 1; $i -gt 0; $i--) {
            $j = $rng.Next($i + 1)
            $t = $order[$i]; $order[$i] = $order[$j]; $order[$j] = $t
        }
        for ($start = 0; $start -lt $nRows; $start += $BatchSize) {
            $end = [Math]::Min($start + $BatchSize, $nRows)
            [Array]::Clear($gw)
            [Array]::Clear($gb)
            for ($r = $start; $r -lt $end; $r++) {
                $row = $order[$r]
                $off = $row * $nF
                $max = [double]::NegativeInfinity
                for ($c = 0; $c -lt $nC; $c++) {
                    $s = $bias[$c]
                    $wo = $c * $nF
                    for ($j = 0; $j -lt $nF; $j++) { $s += $w[$wo + $j] * $xt[$off + $j] }
                    $p[$c] = $s
                    if ($s -gt $max) { $max = $s }
                }
                $sum = 0.0
                for ($c = 0; $c -lt $nC; $c++) { $e = [Math]::Exp($p[$c] - $max); $p[$c] = $e; $sum += $e }
                $label = $yt[$row]
                for ($c = 0; $c -lt $nC; $c++) {
                    $g = $p[$c] / $sum                      # d(-log softmax)/dz = softmax - onehot
                    if ($c -eq $label) { $g -= 1.0 }
                    $gb[$c] += $g
                    $wo = $c * $nF
                    for ($j = 0; $j -lt $nF; $j++) { $gw[$wo + $j] += $g * $xt[$off + $j] }
                }
            }
            $step = $LearningRate / ($end - $start)
            for ($q = 0; $q -lt $w.Length; $q++) { $w[$q] = $decay * $w[$q] - $step * $gw[$q] }
            for ($c = 0; $c -lt $nC; $c++) { $bias[$c] -= $step * $gb[$c] }
        }

        $trainLoss, $null = Measure-Softmax $w $bias $xt $yt $nF $nC
        $valLoss, $valAccuracy = Measure-Softmax $w $bias $Data.XVal $Data.YVal $nF $nC
        if ([double]::IsNaN($trainLoss) -or [double]::IsInfinity($trainLoss)) { throw "training diverged at epoch $epoch (train_loss $trainLoss)" }
        Write-SweepMetric @{ epoch = $epoch; train_loss = $trainLoss; val_loss = $valLoss; val_accuracy = $valAccuracy }
    }
}

# ---------------------------------------------------------------------------------------------------------------
# Small helpers for printing result objects.
# ---------------------------------------------------------------------------------------------------------------

function Format-Num([object] $Value, [string] $Format) {
    if ($null -eq $Value) { return '-' }
    ([double]$Value).ToString($Format, $inv)
}

# A property of a result object, or $null when the run never logged it (strict mode forbids reading a missing one).
function Get-Field($Object, [string] $Name) {
    $property = $Object.PSObject.Properties[$Name]
    if ($property) { $property.Value } else { $null }
}

# Writes formatted output at a fixed width: the host's width is 80 columns when the output is redirected,
# which cuts the tables' columns.
function Show-Table {
    $lines = @($input | Out-String -Stream -Width 160 | ForEach-Object { $_.TrimEnd() })
    $first = 0; $last = $lines.Count - 1
    while ($first -le $last -and $lines[$first] -eq '') { $first++ }
    while ($last -ge $first -and $lines[$last] -eq '') { $last-- }
    if ($first -le $last) { $lines[$first..$last] | ForEach-Object { Write-Host $_ } }
}

# ---------------------------------------------------------------------------------------------------------------
# The demo.
# ---------------------------------------------------------------------------------------------------------------

$ownStore = -not $Store
if ($ownStore) {
    $Store = Join-Path ([IO.Path]::GetTempPath()) ('sweeps-demo-' + [IO.Path]::GetRandomFileName().Replace('.', ''))
}
$exitCode = 0
try {
    Import-Module -Name (Resolve-Path -LiteralPath $ModulePath).ProviderPath -Force
    $module = Get-Module Sweeps
    Write-Host "Sweeps $($module.Version) from $($module.ModuleBase)"
    Write-Host "Store: $Store"

    $iris = Import-IrisData -Path (Join-Path $PSScriptRoot 'data/iris.csv')
    $data = Split-IrisData -Data $iris
    Write-Host ("Iris: {0} rows, {1} features, classes {2}; train {3} rows, validation {4} rows (stratified, fixed seed)" -f `
            $iris.Rows, $iris.Features.Count, ($iris.Classes -join '/'), $data.YTrain.Length, $data.YVal.Length)

    $sweep = New-Sweep -Path (Join-Path $PSScriptRoot 'sweep.yaml') -Store $Store
    Write-Host ''
    Write-Host 'The sweep (Get-Sweep):'
    Get-Sweep -Store $Store -Id $sweep.Id | Format-Table -AutoSize | Show-Table
    $runCap = if ($null -ne $sweep.RunCap) { $sweep.RunCap } else { '?' }
    Write-Host ''

    # The training code. It runs in this runspace, so it sees the functions and variables above.
    $training = {
        param($Run)
        $c = $Run.Config
        Invoke-SoftmaxTraining -Data $data -LearningRate $c.lr -Epochs $c.epochs -BatchSize $c.batch_size -L2 $c.l2
    }

    Start-SweepAgent -Store $Store -Sweep $sweep -ScriptBlock $training | ForEach-Object {
        $line = "run {0,2}/{1}: lr={2,-7} batch={3,-2} epochs={4,-2} l2={5,-8}" -f $_.Number, $runCap,
            (Format-Num (Get-Field $_ 'lr') 'G3'), (Get-Field $_ 'batch_size'), (Get-Field $_ 'epochs'), (Format-Num (Get-Field $_ 'l2') '0.0e+0')
        if ($_.State -eq 'finished') {
            $line += " val_loss={0} val_acc={1}" -f (Format-Num (Get-Field $_ 'val_loss') '0.0000'), (Format-Num (Get-Field $_ 'val_accuracy') '0.000')
        }
        else {
            $line += " $($_.State.ToUpperInvariant()): $(Get-Field $_ 'Error')"
        }
        $line += "  ({0} s)" -f (Format-Num $_.Runtime '0.00')
        Write-Host $line
    }

    $results = @(Get-SweepResult -Store $Store -Sweep $sweep.Id)
    $finished = @($results | Where-Object { $_.State -eq 'finished' -and $null -ne (Get-Field $_ 'val_loss') })
    Write-Host ''
    Write-Host 'The sweep at the end (Get-Sweep):'
    $final = Get-Sweep -Store $Store -Id $sweep.Id
    $final | Format-Table -AutoSize | Show-Table
    Write-Host "State: $($final.State) ($($final.StateReason)); $($final.Finished) finished, $($final.Failed) failed, of $($results.Count) runs."

    if ($finished.Count -eq 0) {
        Write-Host 'No run finished: nothing to compare.'
        exit 1      # the finally block below still runs
    }

    Write-Host ''
    Write-Host 'The 5 best runs by val_loss (Get-SweepResult | Sort-Object val_loss | Select-Object -First 5):'
    $finished | Sort-Object val_loss | Select-Object -First 5 | Format-Table -AutoSize -Property Number, Id,
        @{ Name = 'lr'; Expression = { Format-Num $_.lr 'G4' } }, batch_size, epochs,
        @{ Name = 'l2'; Expression = { Format-Num $_.l2 '0.00e+0' } },
        @{ Name = 'val_loss'; Expression = { Format-Num $_.val_loss '0.0000' } },
        @{ Name = 'val_accuracy'; Expression = { Format-Num $_.val_accuracy '0.000' } },
        @{ Name = 'train_loss'; Expression = { Format-Num (Get-Field $_ 'train_loss') '0.0000' } },
        @{ Name = 'Runtime (s)'; Expression = { Format-Num $_.Runtime '0.00' } } | Show-Table

    $best = $finished | Sort-Object val_loss | Select-Object -First 1
    if ($final.BestRunId -ne $best.Id) {
        Write-Warning "Get-Sweep names $($final.BestRunId) as the best run, but the lowest val_loss is $($best.Id)'s."
    }
    $bestAccuracy = [double]$best.val_accuracy
    $topAccuracy = ($finished | Measure-Object -Property val_accuracy -Maximum).Maximum
    $history = @((Get-SweepRun -Store $Store -Sweep $sweep.Id -Id $best.Id).History)
    Write-Host ("Best run: #{0} ({1}), lr={2} batch_size={3} epochs={4} l2={5}" -f $best.Number, $best.Id,
        (Format-Num $best.lr 'G4'), $best.batch_size, $best.epochs, (Format-Num $best.l2 '0.00e+0'))
    Write-Host ("  val_loss {0}, val_accuracy {1} ({2} of {3} validation rows); highest val_accuracy of any run: {4}" -f
        (Format-Num $best.val_loss '0.0000'), (Format-Num $bestAccuracy '0.000'), [Math]::Round($bestAccuracy * $data.YVal.Length),
        $data.YVal.Length, (Format-Num $topAccuracy '0.000'))
    $marks = @($history | Where-Object { $_.epoch -eq 1 -or $_.epoch % 10 -eq 0 -or $_.epoch -eq $history.Count })
    Write-Host ("  its val_loss by epoch: " + (($marks | ForEach-Object { "{0}: {1}" -f $_.epoch, (Format-Num $_.val_loss '0.000') }) -join ', '))
    if ($bestAccuracy -lt 0.9) {
        Write-Host "The best run's validation accuracy is below 0.9: the model or the sweep is not working as it should."
        $exitCode = 1
    }
    Write-Host ("Done in {0} s." -f (Format-Num $clock.Elapsed.TotalSeconds '0.0'))
}
finally {
    if ($ownStore -and -not $KeepStore) {
        if (Test-Path -LiteralPath $Store) { Remove-Item -LiteralPath $Store -Recurse -Force }
    }
    elseif ($ownStore) {
        Write-Host "Store kept: $Store (see it live: Start-SweepDashboard -Store '$Store', then open http://127.0.0.1:8765/)"
    }
}
exit $exitCode
