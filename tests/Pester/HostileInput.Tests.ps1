# Input written to hurt: each case must be a clear error with a stable id, and the session must live on (a stack
# overflow here would end this very process, and with it the test run).
BeforeAll {
    . $PSScriptRoot/common.ps1
    Push-Location $TestDrive

    $script:OnePoint = @{ method = 'grid'; metric = @{ name = 'loss'; goal = 'minimize' }; parameters = @{ lr = @{ values = @(0.1) } } }

    # The session is alive and still works: a fresh sweep can be created and listed.
    function Assert-SessionWorks {
        $store = New-TestStore
        $s = New-Sweep -Config $OnePoint -Store $store
        (Get-Sweep -Store $store).Id | Should -Be $s.Id
    }
}

AfterAll {
    Pop-Location
}

Describe 'Values that contain themselves' {
    It 'New-Sweep -Config with a hashtable that contains itself is an InvalidSweepConfig error naming the key' {
        $store = New-TestStore
        $h = @{ method = 'random'; parameters = @{ x = @{ value = 1 } } }
        $h.parameters.x.self = $h
        $out = New-Sweep -Config $h -Store $store -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidSweepConfig,Sweeps.Commands.NewSweepCommand'
        $err[0].Exception.Problems[0].Path | Should -Be 'parameters.x.self'
        $err[0].Exception.Message | Should -BeLike '*parameters.x.self*contain itself*'
        Get-StoreEntry $store | Should -BeNullOrEmpty
        Assert-SessionWorks
    }

    It 'a PSCustomObject that contains itself is refused the same way' {
        $o = [pscustomobject]@{ a = 1 }
        $o | Add-Member -NotePropertyName again -NotePropertyValue $o
        $problems = @(Test-SweepConfig -Config @{ method = 'random'; parameters = @{ x = @{ value = $o } } })
        $problems | Should -HaveCount 1
        $problems[0].Path | Should -Be 'parameters.x.value.again'
        Assert-SessionWorks
    }

    It 'a hashtable nested deeper than 64 levels is refused with its key path' {
        $deep = 1
        foreach ($i in 1..100) { $deep = @{ d = $deep } }
        $problem = @(Test-SweepConfig -Config @{ method = 'random'; parameters = @{ x = @{ value = $deep } } })
        $problem | Should -HaveCount 1
        $problem[0].Path | Should -BeLike 'parameters.x.value.d.d.d*'
        $problem[0].Message | Should -BeLike '*deeper than 64 levels*'
    }

    It 'a hashtable whose shared parts add up to too many values is refused, not expanded' {
        $part = @{ a = 1; b = 2; c = 3 }
        foreach ($i in 1..30) { $part = @{ x = $part; y = $part; z = $part } } # 3^30 values once expanded
        $problem = @(Test-SweepConfig -Config @{ method = 'random'; parameters = @{ x = @{ value = $part } } })
        $problem | Should -HaveCount 1
        $problem[0].Message | Should -BeLike '*passes 100000 values in all*'
    }

    It 'Write-SweepMetric with a hashtable that contains itself is an InvalidSweepMetric error, and the run goes on' {
        $store = New-TestStore
        $sweep = New-Sweep -Config $OnePoint -Store $store
        $r = Start-SweepAgent -Sweep $sweep -Store $store -ErrorVariable err -ErrorAction SilentlyContinue -ScriptBlock {
            $h = @{ loss = 1.0 }
            $h.self = $h
            Write-SweepMetric $h
            Write-SweepMetric @{ loss = 0.5 }
        }
        $r.State | Should -Be 'finished'
        $r.loss | Should -Be 0.5
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSweepMetric,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].Exception.Message | Should -BeLike "*'self'*contain itself*"
        @((Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store).History) | Should -HaveCount 1
        Assert-SessionWorks
    }

    It 'Write-SweepMetric with a row whose shared parts add up to too many values is refused, not expanded' {
        $store = New-TestStore
        $sweep = New-Sweep -Config $OnePoint -Store $store
        $r = Start-SweepAgent -Sweep $sweep -Store $store -ErrorVariable err -ErrorAction SilentlyContinue -ScriptBlock {
            $part = @{ a = 1 }
            foreach ($i in 1..30) { $part = @{ x = $part; y = $part } } # 2^30 values once expanded
            Write-SweepMetric @{ loss = 1.0; detail = $part }
        }
        $r.State | Should -Be 'finished'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSweepMetric,*'
        $err[0].Exception.Message | Should -BeLike '*passes 100000 values in all*'
    }

    It 'Write-SweepMetric with a row nested deeper than 64 levels names the key and writes nothing' {
        $store = New-TestStore
        $sweep = New-Sweep -Config $OnePoint -Store $store
        $r = Start-SweepAgent -Sweep $sweep -Store $store -ErrorVariable err -ErrorAction SilentlyContinue -ScriptBlock {
            $deep = 1
            foreach ($i in 1..70) { $deep = @{ d = $deep } }
            Write-SweepMetric @{ loss = 1.0; detail = $deep }
        }
        $r.State | Should -Be 'finished'
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSweepMetric,*'
        $err[0].Exception.Message | Should -BeLike "*'detail.d.d.d*deeper than 64 levels*"
        @((Get-SweepRun -Sweep $sweep.Id -Id $r.Id -Store $store).History) | Should -HaveCount 0
    }

    It 'a scriptblock that outputs a hashtable containing itself fails its run with the reason' {
        $store = New-TestStore
        $sweep = New-Sweep -Config $OnePoint -Store $store
        $r = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { $h = @{ loss = 1.0 }; $h.me = $h; $h }
        $r.State | Should -Be 'failed'
        $r.Error | Should -BeLike "*'me'*contain itself*"
        Assert-SessionWorks
    }
}

Describe 'Hostile config files' {
    It 'Test-SweepConfig reports a billion laughs as one problem, fast' {
        $laughs = [System.Text.StringBuilder]::new("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]`n")
        foreach ($c in [char[]]'bcdefghi') {
            $prev = [char]([int]$c - 1)
            $null = $laughs.Append("${c}: &$c [").Append((@("*$prev") * 9) -join ', ').Append("]`n")
        }
        $path = New-TestConfigFile -Text $laughs.ToString()
        $problems = @(Test-SweepConfig -Path $path)
        $problems | Should -HaveCount 1
        $problems[0].Message | Should -BeLike '*more than 100000 values once its aliases are expanded*'
        $problems[0].Line | Should -BeGreaterThan 0
        Test-SweepConfig -Path $path -Quiet | Should -BeFalse
        Assert-SessionWorks
    }

    It 'a YAML file nested 100,000 deep is a problem with its line and the limit, and New-Sweep refuses it' {
        $path = New-TestConfigFile -Text ("method: grid`nparameters:`n  x:`n    value: " + ('[' * 100000) + (']' * 100000) + "`n")
        $problems = @(Test-SweepConfig -Path $path)
        $problems | Should -HaveCount 1
        $problems[0].Line | Should -Be 4
        $problems[0].Message | Should -BeLike '*deeper than 64 levels*'
        $problems[0].Path | Should -BeLike 'parameters.x.value`[0`]*'
        $store = New-TestStore
        New-Sweep -Path $path -Store $store -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidSweepConfig,Sweeps.Commands.NewSweepCommand'
        Assert-SessionWorks
    }

    It 'a config file larger than 1 MiB is refused naming the file and the limit' {
        $path = New-TestConfigFile -Text ("method: random`nparameters: {x: {value: 1}}`n#" + ('x' * 2MB))
        $problem = @(Test-SweepConfig -Path $path)
        $problem | Should -HaveCount 1
        $problem[0].Message | Should -BeLike '*larger than 1048576 bytes*'
        $store = New-TestStore
        New-Sweep -Path $path -Store $store -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -BeLike "*$path*1048576*"
    }
}

Describe 'Sweep names with control characters' {
    It 'New-Sweep -Name with an escape sequence is refused at binding' {
        $store = New-TestStore
        { New-Sweep -Config $OnePoint -Name "red`e[31mname" -Store $store } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Sweeps.Commands.NewSweepCommand' -ExpectedMessage '*control character*'
        Get-StoreEntry $store | Should -BeNullOrEmpty
    }

    It 'a config name with an escape sequence is a problem at its line' {
        $path = New-TestConfigFile -Text "method: random`nname: `"a\e]0;owned\a`"`nparameters:`n  x: {value: 1}`n"
        $problem = @(Test-SweepConfig -Path $path)
        $problem | Should -HaveCount 1
        $problem[0].Path | Should -Be 'name'
        $problem[0].Line | Should -Be 2
    }

    It 'a name that reached the store another way is shown with its control characters escaped' {
        $store = New-TestStore
        $sweep = New-Sweep -Config $OnePoint -Name 'plain' -Store $store
        $journal = Join-Path $sweep.Path 'journal.jsonl'
        $text = [System.IO.File]::ReadAllText($journal).Replace('"name":"plain"', '"name":"a\u001bb\u009b"')
        [System.IO.File]::WriteAllText($journal, $text)
        $shown = Get-Sweep -Id $sweep.Id -Store $store
        $shown.Name | Should -Be 'a\x1bb\x9b'
        $table = $shown | Format-Table | Out-String -Width 200
        $table | Should -BeLike '*a\x1bb\x9b*'
        $table.Contains([char]27) | Should -BeFalse
        # The sweeps host prints through the module: the same escaped name.
        $hostDll = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../out/host/Sweeps.Host.dll'))
        $listing = dotnet $hostDll ls --store $store | Out-String
        $listing | Should -BeLike '*a\x1bb*'
        $listing.Contains([char]27) | Should -BeFalse
    }
}
