BeforeAll {
    . $PSScriptRoot/common.ps1
    Push-Location $TestDrive
}

AfterAll {
    Pop-Location
}

Describe 'Get-Sweep' {
    Context 'a store with several sweeps' {
        BeforeAll {
            $script:Store = New-TestStore
            $script:Alpha1 = New-Sweep -Config $SmallGrid -Store $Store -Name 'alpha-one'
            $script:Alpha2 = New-Sweep -Config $SmallGrid -Store $Store -Name 'Alpha-two'
            $script:Beta = New-Sweep -Config $SmallGrid -Store $Store -Name 'beta'
        }

        It 'lists every sweep without -Id' {
            $all = @(Get-Sweep -Store $Store)
            $all | Should -HaveCount 3
            $all | ForEach-Object { $_ | Should -BeOfType ([Sweeps.SweepInfo]) }
            @($all.Id | Sort-Object) | Should -Be @(@($Alpha1.Id, $Alpha2.Id, $Beta.Id) | Sort-Object)
        }

        It 'shows every column of its table in 120 columns, a long name cut short' {
            $own = New-TestStore
            $long = New-Sweep -Config $SmallGrid -Store $own -Name ('a-very-long-sweep-name-' * 4)
            $text = Get-Sweep -Store $own | Out-String -Width 120
            $text | Should -Match 'Id\s+Name\s+Method\s+State\s+Runs\s+Failed\s+Metric\s+Best\s+Created'
            $text | Should -Match "$($long.Id) a-very-long-sweep-name-…\sgrid\s+running\s+0\s+0\s+loss \(min\)\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}"
        }

        It 'finds a sweep by exact id' {
            $found = @(Get-Sweep -Id $Beta.Id -Store $Store)
            $found | Should -HaveCount 1
            $found[0].Name | Should -Be 'beta'
        }

        It 'finds a sweep by exact name, by position and through the -Name alias' {
            (Get-Sweep 'alpha-one' -Store $Store).Id | Should -Be $Alpha1.Id
            (Get-Sweep -Name 'beta' -Store $Store).Id | Should -Be $Beta.Id
        }

        It 'matches names with wildcards, ignoring case' {
            $found = @(Get-Sweep -Id 'alpha*' -Store $Store)
            $found | Should -HaveCount 2
            @($found.Id | Sort-Object) | Should -Be @(@($Alpha1.Id, $Alpha2.Id) | Sort-Object)
            @(Get-Sweep -Id '*-t?o' -Store $Store).Id | Should -Be $Alpha2.Id
            @(Get-Sweep -Id 'BETA' -Store $Store).Id | Should -Be $Beta.Id
        }

        It 'matches ids with wildcards' {
            $prefix = $Beta.Id.Substring(0, 6)
            @(Get-Sweep -Id "$prefix*" -Store $Store).Id | Should -Contain $Beta.Id
        }

        It 'returns nothing and no error for a pattern that matches nothing' {
            $found = Get-Sweep -Id 'gamma*' -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err
            $found | Should -BeNullOrEmpty
            $err | Should -HaveCount 0
        }

        It 'reports SweepNotFound for a literal that matches nothing' {
            $found = Get-Sweep -Id 'gamma' -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err
            $found | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'SweepNotFound,Sweeps.Commands.GetSweepCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            $err[0].TargetObject | Should -Be 'gamma'
            $err[0].Exception.Message | Should -BeLike "*'gamma'*"
        }

        It 'takes several ids and names, reporting the missing one and returning the rest' {
            $found = @(Get-Sweep -Id $Alpha1.Id, 'nope', 'beta' -Store $Store -ErrorAction SilentlyContinue -ErrorVariable err)
            @($found.Id) | Should -Be @($Alpha1.Id, $Beta.Id)
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'SweepNotFound,Sweeps.Commands.GetSweepCommand'
        }

        It 'takes names from the pipeline' {
            $found = @('beta', 'alpha-one' | Get-Sweep -Store $Store)
            @($found.Id) | Should -Be @($Beta.Id, $Alpha1.Id)
        }

        It 'takes sweep objects from the pipeline by their Id property' {
            $found = @($Beta | Get-Sweep -Store $Store)
            $found | Should -HaveCount 1
            $found[0].Id | Should -Be $Beta.Id
        }

        It 'completes -Id with the sweep ids of the store on the command line' {
            $line = "Get-Sweep -Store '$Store' -Id beta"
            Get-CompletionText -Line $line | Should -Be @($Beta.Id)
        }
    }

    Context 'stores without sweeps' {
        It 'returns nothing for an empty store' {
            $store = New-TestStore
            Get-Sweep -Store $store -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 0
        }

        It 'returns nothing for a store folder that does not exist and creates nothing' {
            $store = Join-Path (New-TestStore) 'missing'
            Get-Sweep -Store $store -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 0
            Test-Path -LiteralPath $store | Should -BeFalse
        }
    }

    Context 'progress of a sweep' {
        It 'counts runs, failures and the best finished run (minimize)' {
            $store = New-TestStore
            $sweep = New-Sweep -Config $SmallGrid -Store $store
            $losses = @{ 1 = 0.5; 2 = 0.2; 3 = 0.9 }
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock {
                param($Run)
                if ($Run.Number -eq 4) { throw 'fourth run fails' }
                $losses[$Run.Number]
            }
            $info = Get-Sweep -Id $sweep.Id -Store $store
            $info.RunCount | Should -Be 4
            $info.Finished | Should -Be 3
            $info.Failed | Should -Be 1
            $info.Running | Should -Be 0
            $info.Best | Should -Be 0.2
            $runTwo = Get-SweepResult -Sweep $sweep.Id -Store $store | Where-Object Number -EQ 2
            $info.BestRunId | Should -Be $runTwo.Id
            $info.State | Should -Be 'finished'
            $info.Updated | Should -BeGreaterOrEqual $info.Created
        }

        It 'picks the largest value as best when the goal is maximize' {
            $store = New-TestStore
            $config = @{ method = 'grid'; metric = @{ name = 'acc'; goal = 'maximize' }; parameters = @{ a = @{ values = @(1, 2, 3) } } }
            $sweep = New-Sweep -Config $config -Store $store
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { param($Run) @{ acc = 0.1 * $Run.Config.a } }
            $info = Get-Sweep -Id $sweep.Id -Store $store
            $info.Goal | Should -Be 'maximize'
            $info.Best | Should -Be (0.1 * 3)
        }
    }

    Context 'a damaged journal' {
        It 'reports StoreCorrupt naming the damaged line and changes nothing' {
            $store = New-TestStore
            $sweep = New-Sweep -Config @{ method = 'grid'; parameters = @{ a = @{ values = @(1, 2) } } } -Store $store
            $null = Start-SweepAgent -Sweep $sweep -Store $store -ScriptBlock { 1 }
            $journal = Join-Path $sweep.Path 'journal.jsonl'
            $lines = [System.IO.File]::ReadAllLines($journal)
            # created, claimed, ended, claimed, ended, sweep_state
            $lines.Count | Should -Be 6
            $lines[2] = '{"e":"run_ended", this is not json'
            [System.IO.File]::WriteAllText($journal, ($lines -join "`n") + "`n")
            $before = [System.IO.File]::ReadAllBytes($journal)

            $found = Get-Sweep -Store $store -ErrorAction SilentlyContinue -ErrorVariable err
            $found | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'StoreCorrupt,Sweeps.Commands.GetSweepCommand'
            $err[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidData)
            $err[0].Exception.Message | Should -BeLike '*line 3:*'
            $err[0].Exception.Message | Should -BeLike "*$journal*"

            $after = [System.IO.File]::ReadAllBytes($journal)
            [Convert]::ToBase64String($after) | Should -Be ([Convert]::ToBase64String($before))
            # No torn-write side file and no lock file left behind.
            @(Get-ChildItem -LiteralPath $sweep.Path -Force | Where-Object Name -Like 'journal.*' | ForEach-Object Name) | Should -Be @('journal.jsonl')
        }

        It 'reports StoreCorrupt by id too, and Start-SweepAgent leaves the journal untouched' {
            $store = New-TestStore
            $sweep = New-Sweep -Config @{ method = 'grid'; parameters = @{ a = @{ values = @(1, 2, 3) } } } -Store $store
            $null = Start-SweepAgent -Sweep $sweep -Store $store -Count 2 -ScriptBlock { 1 }
            $journal = Join-Path $sweep.Path 'journal.jsonl'
            $lines = [System.IO.File]::ReadAllLines($journal)
            $lines.Count | Should -Be 5
            $lines[1] = '[1, 2, 3]'
            [System.IO.File]::WriteAllText($journal, ($lines -join "`n") + "`n")
            $before = [System.IO.File]::ReadAllBytes($journal)

            Get-Sweep -Id $sweep.Id -Store $store -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'StoreCorrupt,Sweeps.Commands.GetSweepCommand'
            $err[0].Exception.Message | Should -BeLike '*line 2:*'

            $ran = 0
            Start-SweepAgent -Sweep $sweep.Id -Store $store -ScriptBlock { $ran++ } -ErrorAction SilentlyContinue -ErrorVariable agentErr | Should -BeNullOrEmpty
            $agentErr[0].FullyQualifiedErrorId | Should -Be 'StoreCorrupt,Sweeps.Commands.StartSweepAgentCommand'
            $agentErr[0].CategoryInfo.Category | Should -Be 'InvalidData'

            [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($journal)) | Should -Be ([Convert]::ToBase64String($before))
            Test-Path -LiteralPath (Join-Path $sweep.Path 'journal.lock') | Should -BeFalse
        }
    }

    It 'never wrote to the default store ./.sweeps' {
        Test-Path -LiteralPath (Join-Path $TestDrive '.sweeps') | Should -BeFalse
    }
}
