BeforeDiscovery {
    # -ForEach data is read when tests are discovered, before BeforeAll runs: import the module for it here.
    Import-Module ([System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../out/Sweeps/Sweeps.psd1'))) -Force
    $script:cmdlets = @(Get-Command -Module Sweeps | ForEach-Object Name)
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Get-Help for <_>' -ForEach $cmdlets {
    BeforeAll {
        $script:name = $_
        $script:help = Get-Help $_ -Full
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$name*[[]*" # not the auto-generated syntax line
        ($help.Description.Text -join ' ') | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples with code and remarks' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter' {
        $parameters = (Get-Command $name).Parameters.Values | Where-Object { $_.Name -notin $common }
        foreach ($p in $parameters) {
            $doc = $help.Parameters.Parameter | Where-Object Name -EQ $p.Name
            $doc | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $name needs help"
            ($doc.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $name needs a description"
        }
    }

    It 'gives every parameter its position (0 included) or named' {
        foreach ($p in (Get-Command $name).Parameters.Values | Where-Object { $_.Name -notin $common }) {
            $positions = @($p.ParameterSets.Values | Where-Object { $_.Position -ge 0 } | ForEach-Object Position)
            $expected = if ($positions.Count -gt 0) { "$($positions[0])" } else { 'named' }
            ($help.Parameters.Parameter | Where-Object Name -EQ $p.Name).Position | Should -Be $expected -Because "-$($p.Name) of $name"
        }
    }
}

Describe 'About topics' {
    It 'ships <_>' -ForEach @('about_Sweeps', 'about_Sweeps_Configuration', 'about_Sweeps_Protocol') {
        $topic = Get-Help $_
        "$topic" | Should -BeLike "*$_*"
    }
}
