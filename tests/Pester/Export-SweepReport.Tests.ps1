BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:store = New-TestStore
    $script:sweep = New-Sweep -Store $store -Seed 2 -Config @{
        method = 'random'; metric = @{ name = 'loss' }; run_cap = 12
        parameters = @{ x = @{ min = -2.0; max = 2.0 }; n = @{ min = 1; max = 4 }; act = @{ values = @('relu', 'tanh') } }
    }
    $null = $sweep | Start-SweepAgent -Store $store -ScriptBlock {
        param($Run)
        foreach ($e in 1..4) { Write-SweepMetric @{ loss = [math]::Pow($Run.Config.x - 0.5, 2) + $Run.Config.n / $e } }
    }
    $script:chromium = Get-Command chromium, chromium-browser -CommandType Application -ErrorAction Ignore | Select-Object -First 1
}

Describe 'Export-SweepReport' {
    It 'writes one self-contained HTML file with the data and plotly inlined' {
        $file = Export-SweepReport $sweep -Store $store -Path (Join-Path $TestDrive 'report.html')
        $file | Should -BeOfType System.IO.FileInfo
        $html = Get-Content -LiteralPath $file.FullName -Raw
        $html | Should -BeLike "*`"id`":`"$($sweep.Id)`"*"
        $html | Should -Match 'plotly\.js v\d'          # the library itself, not a link to it
        $html | Should -Not -Match '<script[^>]+src='   # nothing to fetch: it works offline
    }

    It 'carries the end of each program run''s output, as data, since the file has no server to ask' {
        Push-Location $TestDrive
        try {
            Set-Content 'talk.sh' 'echo "hello <b>from</b> $1"'
            $talk = New-Sweep -Store $store -Config @{ method = 'grid'; program = 'talk.sh'; command = @('bash', '${program}', '${args}'); parameters = @{ x = @{ values = @(7) } } }
            $null = Start-SweepAgent -Sweep $talk -Store $store
            $html = Get-Content -Raw (Export-SweepReport $talk -Store $store -Path (Join-Path $TestDrive 'talk.html') -Force).FullName
            $html | Should -Match ([regex]::Escape('"output":"== stdout.log ==\nhello \u003Cb\u003Efrom\u003C/b\u003E --x=7'))
        }
        finally { Pop-Location }
    }

    It 'refuses to overwrite without -Force and writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'twice.html'
        $null = Export-SweepReport $sweep -Store $store -Path $path
        Export-SweepReport $sweep -Store $store -Path $path -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'ReportExists,Sweeps.Commands.ExportSweepReportCommand'
        $null = Export-SweepReport $sweep -Store $store -Path $path -Force
        Export-SweepReport $sweep -Store $store -Path (Join-Path $TestDrive 'none.html') -WhatIf
        Test-Path (Join-Path $TestDrive 'none.html') | Should -BeFalse
    }

    It 'renders in headless Chromium without script errors, with its charts drawn' {
        if (-not $chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (.ci/run installs it)' ; return }
        $path = (Export-SweepReport $sweep -Store $store -Path (Join-Path $TestDrive 'browser.html') -Force).FullName
        $profile = Join-Path $TestDrive 'chromium-profile'
        $dom = & $chromium.Source --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking `
            --disable-component-update --disable-sync "--user-data-dir=$profile" --virtual-time-budget=10000 --dump-dom "file://$path" 2>$null | Out-String
        $dom | Should -Match 'data-rendered="charts"'
        $dom | Should -Not -Match 'data-error='
        ([regex]::Matches($dom, 'class="main-svg"')).Count | Should -BeGreaterOrEqual 3
        $dom | Should -Match '<td[^>]*>\d+ \([a-z0-9]{8}\)</td>'   # the best-runs table
    }

    It 'shows hostile values as text and runs none of them, in headless Chromium' {
        if (-not $chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (.ci/run installs it)' ; return }
        # Each value would set data-pwned on the body if the page ever read it as markup or script.
        $img = '<img src=x onerror="document.body.dataset.pwned=1">'
        $hostile = New-Sweep -Store $store -Name "<script>document.body.dataset.pwned=2</script>" -Config @{
            method = 'grid'; metric = @{ name = "loss<svg onload=`"document.body.dataset.pwned=3`">" }
            parameters = @{ opt = @{ values = @($img, 'adam') }; lr = @{ values = @(0.1) } } # names are checked: letters, digits, _ . -
        }
        $null = $hostile | Start-SweepAgent -Store $store -ScriptBlock {
            param($Run) @{ "loss<svg onload=`"document.body.dataset.pwned=3`">" = 1.5 }
        }
        $path = (Export-SweepReport $hostile -Store $store -Path (Join-Path $TestDrive 'hostile.html') -Force).FullName
        $profile = Join-Path $TestDrive 'chromium-profile-hostile'
        $dom = & $chromium.Source --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking `
            --disable-component-update --disable-sync "--user-data-dir=$profile" --virtual-time-budget=10000 --dump-dom "file://$path" 2>$null | Out-String
        $dom -match 'data-rendered="charts"' | Should -BeTrue
        [regex]::Match($dom, 'data-pwned="\d"').Value | Should -BeNullOrEmpty -Because 'no value may run as script'
        $dom -match 'data-error=' | Should -BeFalse
        $dom | Should -Match ('<td[^>]*>' + [regex]::Escape('&lt;img src=x onerror="document.body.dataset.pwned=1"&gt;</td>')) # shown, as text
        $dom | Should -Match ('<th[^>]*>' + [regex]::Escape('loss&lt;svg onload="document.body.dataset.pwned=3"&gt;</th>'))
    }
}
