#requires -Version 7.4
<#
.SYNOPSIS
    Writes MAML help (the XML Get-Help reads for binary cmdlets) from the help data file and each cmdlet's own
    metadata, so parameter names, types, positions and pipeline input can never drift from the code.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $HelpData,
    [Parameter(Mandatory)] [string] $OutFile
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$module = Import-Module $ModulePath -PassThru -Force
$help = Import-PowerShellDataFile $HelpData
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Esc([string] $text) { [System.Security.SecurityElement]::Escape($text) }
function TypeOf($parameter) { $t = $parameter.ParameterType; $u = [Nullable]::GetUnderlyingType($t); if ($u) { $u } else { $t } }
function Para([string] $text) { ($text -split "`n" | ForEach-Object { "<maml:para>$(Esc $_)</maml:para>" }) -join '' }

$missing = @()
$sb = [System.Text.StringBuilder]::new()
$null = $sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
$null = $sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $h = $help[$cmd.Name]
    if (-not $h) { $missing += "$($cmd.Name): no entry"; continue }
    $parameters = $cmd.Parameters.Values | Where-Object { $_.Name -notin $common }
    foreach ($p in $parameters) { if (-not $h.Parameters.ContainsKey($p.Name)) { $missing += "$($cmd.Name) -$($p.Name): no description" } }
    $null = $sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    $null = $sb.AppendLine("<command:details><command:name>$($cmd.Name)</command:name><command:verb>$($cmd.Verb)</command:verb><command:noun>$($cmd.Noun)</command:noun><maml:description>$(Para $h.Synopsis)</maml:description></command:details>")
    $null = $sb.AppendLine("<maml:description>$(Para $h.Description)</maml:description>")
    $null = $sb.AppendLine('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        $null = $sb.Append("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            $position = if ($p.Position -ge 0) { $p.Position } else { 'named' }
            $null = $sb.Append("<command:parameter required=`"$($p.IsMandatory.ToString().ToLower())`" position=`"$position`"><maml:name>$($p.Name)</maml:name>")
            if ($p.ParameterType -ne [switch]) { $null = $sb.Append("<command:parameterValue required=`"true`">$(Esc (TypeOf $p).Name)</command:parameterValue>") }
            $null = $sb.Append('</command:parameter>')
        }
        $null = $sb.AppendLine('</command:syntaxItem>')
    }
    $null = $sb.AppendLine('</command:syntax><command:parameters>')
    foreach ($p in $parameters) {
        $attrs = @($p.ParameterSets.Values)
        $mandatory = [bool]($attrs | Where-Object IsMandatory)
        $positions = @($attrs | Where-Object { $_.Position -ge 0 } | ForEach-Object Position)
        $position = if ($positions.Count -gt 0) { $positions[0] } else { 'named' } # @(0) is falsy
        $byValue = [bool]($attrs | Where-Object ValueFromPipeline)
        $byName = [bool]($attrs | Where-Object ValueFromPipelineByPropertyName)
        $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
        $globbing = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        $null = $sb.Append("<command:parameter required=`"$($mandatory.ToString().ToLower())`" globbing=`"$($globbing.ToString().ToLower())`" pipelineInput=`"$pipeline`" position=`"$position`" aliases=`"$(($p.Aliases -join ', '))`">")
        $null = $sb.Append("<maml:name>$($p.Name)</maml:name><maml:description>$(Para $h.Parameters[$p.Name])</maml:description>")
        $null = $sb.Append("<command:parameterValue required=`"$((-not ($p.ParameterType -eq [switch])).ToString().ToLower())`">$(Esc (TypeOf $p).Name)</command:parameterValue>")
        $null = $sb.AppendLine("<dev:type><maml:name>$(Esc (TypeOf $p).FullName)</maml:name></dev:type></command:parameter>")
    }
    $null = $sb.AppendLine('</command:parameters><command:returnValues>')
    foreach ($type in $cmd.OutputType) { $null = $sb.Append("<command:returnValue><dev:type><maml:name>$(Esc $type.Name)</maml:name></dev:type></command:returnValue>") }
    $null = $sb.AppendLine('</command:returnValues><command:examples>')
    $n = 0
    foreach ($example in $h.Examples) {
        $n++
        $null = $sb.AppendLine("<command:example><maml:title>-------------------------- Example $n --------------------------</maml:title><dev:code>$(Esc $example.Code)</dev:code><dev:remarks>$(Para $example.Remarks)</dev:remarks></command:example>")
    }
    if ($n -lt 2) { $missing += "$($cmd.Name): fewer than two examples" }
    $null = $sb.AppendLine('</command:examples><command:relatedLinks><maml:navigationLink><maml:linkText>about_Sweeps</maml:linkText></maml:navigationLink></command:relatedLinks></command:command>')
}
$null = $sb.AppendLine('</helpItems>')
if ($missing) { throw "Help is missing:`n  $($missing -join "`n  ")" }
New-Item -ItemType Directory -Force (Split-Path $OutFile) | Out-Null
[System.IO.File]::WriteAllText($OutFile, $sb.ToString(), [System.Text.UTF8Encoding]::new($false))
"Help: $OutFile"
