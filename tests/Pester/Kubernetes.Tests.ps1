# docs/k8s/sweeps-job.yaml as Kubernetes would run it: its pods' command, with the environment the Job gives them
# (the Secret's password, the ConfigMap's sweep id, $(VAR) expanded), run as processes of the `sweeps` host from
# out/host against the PostgreSQL test server in place of the cluster's. Skipped, saying so, without that server.
BeforeDiscovery { $script:noServer = -not $env:SWEEPS_TEST_POSTGRES }

BeforeAll {
    . $PSScriptRoot/common.ps1
    $script:repo = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $script:hostDll = Join-Path $repo 'out/host/Sweeps.Host.dll'
    Add-Type -Path (Join-Path (Split-Path $SweepsManifest) 'Sweeps.Engine.dll')
    Add-Type -Path (Join-Path (Split-Path $SweepsManifest) 'Npgsql.dll')
    $script:schema = 'k_' + [guid]::NewGuid().ToString('N').Substring(0, 12)

    # $(NAME) in a container's command and args, as the kubelet expands it from the container's env.
    function Expand-K8s([string] $Text, [hashtable] $Env) {
        [regex]::Replace($Text, '\$\(([A-Za-z_][A-Za-z0-9_]*)\)', { param($m) if ($Env.ContainsKey($m.Groups[1].Value)) { $Env[$m.Groups[1].Value] } else { $m.Value } })
    }
}

AfterAll {
    Remove-PostgresTestSchema $schema
}

Describe 'docs/k8s/sweeps-job.yaml' -Skip:$noServer {
    It 'runs its pods'' command as an Indexed Job would, every run of the sweep exactly once' {
        $job = [Sweeps.Engine.Config.YamlConfigReader]::Read((Get-Content -LiteralPath (Join-Path $repo 'docs/k8s/sweeps-job.yaml') -Raw)).Root
        $job['kind'] | Should -Be 'Job'
        $job['spec']['completionMode'] | Should -Be 'Indexed'
        $pods = [int]$job['spec']['parallelism']
        $container = @($job['spec']['template']['spec']['containers'])[0]
        @($container['command'])[0] | Should -Be 'sweeps'

        # The cluster's database is the test server here; the password comes from the Secret, as in the cluster.
        $server = [Npgsql.NpgsqlConnectionStringBuilder]::new($env:SWEEPS_TEST_POSTGRES)
        $store = "postgres://$($server.Username)@$($server.Host):$($server.Port)/$($server.Database)?search_path=$schema"
        $secrets = @{ 'sweeps-db/password' = $server.Password }
        $work = Join-Path $TestDrive 'pod'
        $null = New-Item -ItemType Directory -Force $work
        Copy-Item (Join-Path $repo 'docs/pipelines/train.ps1'), (Join-Path $repo 'docs/pipelines/sweep.yaml') $work
        $env:PGPASSWORD = $server.Password
        try { $sweep = New-Sweep -Store $store -Path (Join-Path $work 'sweep.yaml') } finally { Remove-Item Env:PGPASSWORD }
        $configMaps = @{ 'sweeps-sweep/id' = $sweep.Id }

        $podEnv = @{}
        foreach ($e in $container['env']) {
            $podEnv[$e['name']] = if ($e.ContainsKey('value')) { $e['value'] }
            elseif ($e['valueFrom'].ContainsKey('secretKeyRef')) { $secrets["$($e['valueFrom']['secretKeyRef']['name'])/$($e['valueFrom']['secretKeyRef']['key'])"] }
            else { $configMaps["$($e['valueFrom']['configMapKeyRef']['name'])/$($e['valueFrom']['configMapKeyRef']['key'])"] }
        }
        $podEnv['SWEEPS_STORE'] | Should -BeLike 'postgres://*' # the cluster's store, without a password
        $podEnv['SWEEPS_STORE'] | Should -Not -Match '^postgres://[^/@]*:[^/@]*@'
        $podEnv['SWEEPS_STORE'] = $store
        $podEnv.Keys | Should -Contain 'PGPASSWORD'

        $procs = foreach ($index in 0..($pods - 1)) {
            $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
            $psi.ArgumentList.Add($hostDll)
            foreach ($a in @($container['args'])) { $psi.ArgumentList.Add((Expand-K8s $a $podEnv)) }
            foreach ($k in $podEnv.Keys) { $psi.Environment[$k] = $podEnv[$k] }
            $psi.Environment['JOB_COMPLETION_INDEX'] = "$index"
            $psi.WorkingDirectory = $work; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
            [Diagnostics.Process]::Start($psi)
        }
        foreach ($p in $procs) {
            $err = $p.StandardError.ReadToEndAsync(); $null = $p.StandardOutput.ReadToEnd(); $p.WaitForExit()
            $p.ExitCode | Should -Be 0 -Because $err.Result
        }
        $done = Get-Sweep -Store "$env:SWEEPS_TEST_POSTGRES;Search Path=$schema" -Id $sweep.Id
        $done.Finished | Should -Be 12 # the sweep's run_cap, each run once
        $done.RunCount | Should -Be 12
        $runs = @(Get-SweepRun -Sweep $sweep.Id -Store "$env:SWEEPS_TEST_POSTGRES;Search Path=$schema")
        @($runs.Number | Sort-Object -Unique) | Should -HaveCount 12
        @($runs.Agent | Sort-Object -Unique).Count | Should -BeGreaterThan 1 # the pods shared the work
    }
}
