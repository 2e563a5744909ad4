BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:Store = New-TestStore
    $script:Sweep = New-Sweep -Config $SmallGrid -Store $Store -Name 'dash-one'
    $null = Start-SweepAgent -Sweep $Sweep -Store $Store -Count 2 -ScriptBlock { param($Run) @{ loss = $Run.Config.lr } }
    $script:ModulePath = (Get-Module Sweeps).Path
    function Get-FreePort {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $probe.Start()
        try { $probe.LocalEndpoint.Port } finally { $probe.Stop() }
    }
    # Asks until the server answers (it starts in another thread or process).
    function Wait-Http([string] $Url) {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ([DateTime]::UtcNow -lt $deadline) {
            try { return Invoke-RestMethod -Uri $Url -TimeoutSec 5 } catch { Start-Sleep -Milliseconds 200 }
        }
        throw "no answer from $Url"
    }
}

Describe 'Start-SweepDashboard' {
    It 'serves the store''s sweeps in a job, writes its address first, and ends on Stop-Job' {
        $port = Get-FreePort
        $id = $Sweep.Id
        $job = Start-ThreadJob { Import-Module $using:ModulePath; Start-SweepDashboard -Sweep $using:id -Store $using:Store -Port $using:port }
        try {
            $list = Wait-Http "http://127.0.0.1:$port/api/sweeps"
            $list.sweeps.name | Should -Be 'dash-one'
            $data = Invoke-RestMethod "http://127.0.0.1:$port/api/sweeps/$($Sweep.Id)"
            $data.runs | Should -HaveCount 2
            (Invoke-WebRequest "http://127.0.0.1:$port/").Content | Should -BeLike '*<title>Sweeps</title>*'
            $info = Receive-Job $job
            $info.Url | Should -Be "http://127.0.0.1:$port/#/sweep/$($Sweep.Id)"
            # Read-only without -AllowControl: the sweep stays as it is.
            $refused = Invoke-WebRequest -Method Post "http://127.0.0.1:$port/api/sweeps/$($Sweep.Id)/pause" -Headers @{ 'X-Sweeps-Control' = '1' } -Body '' -SkipHttpErrorCheck
            $refused.StatusCode | Should -Be 403
            $refused.Content | Should -BeLike '*read-only*-AllowControl*'
            (Get-Sweep -Id $Sweep.Id -Store $Store).State | Should -Be 'running'
        }
        finally {
            Stop-Job $job
        }
        $job | Wait-Job -Timeout 20 | Should -Not -BeNullOrEmpty
        $job.State | Should -Be 'Stopped'
        { Invoke-RestMethod "http://127.0.0.1:$port/api/sweeps" -TimeoutSec 3 } | Should -Throw
        Remove-Job $job
    }

    It 'lets the page pause and resume a sweep with -AllowControl, and only with the page''s header' {
        $port = Get-FreePort
        $job = Start-ThreadJob { Import-Module $using:ModulePath; Start-SweepDashboard -Store $using:Store -Port $using:port -AllowControl }
        try {
            $null = Wait-Http "http://127.0.0.1:$port/api/sweeps"
            (Invoke-WebRequest -Method Post "http://127.0.0.1:$port/api/sweeps/$($Sweep.Id)/pause" -Body '' -SkipHttpErrorCheck).StatusCode | Should -Be 403 # a form from another site cannot add the header
            (Invoke-RestMethod -Method Post "http://127.0.0.1:$port/api/sweeps/$($Sweep.Id)/pause" -Headers @{ 'X-Sweeps-Control' = '1' } -Body '').state | Should -Be 'paused'
            (Get-Sweep -Id $Sweep.Id -Store $Store).State | Should -Be 'paused'
            $null = Invoke-RestMethod -Method Post "http://127.0.0.1:$port/api/sweeps/$($Sweep.Id)/resume" -Headers @{ 'X-Sweeps-Control' = '1' } -Body ''
            (Get-Sweep -Id $Sweep.Id -Store $Store).State | Should -Be 'running'
        }
        finally { Stop-Job $job; Remove-Job $job -Force }
    }

    It 'says a port in use is in use (DashboardPortInUse) and serves nothing' {
        $taken = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $taken.Start()
        try {
            $port = $taken.LocalEndpoint.Port
            Start-SweepDashboard -Store $Store -Port $port -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'DashboardPortInUse,Sweeps.Commands.StartSweepDashboardCommand'
            $err[0].Exception.Message | Should -BeLike "*port $port is in use*"
        }
        finally { $taken.Stop() }
    }
}
