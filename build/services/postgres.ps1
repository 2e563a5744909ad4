#requires -Version 7.4
<#
.SYNOPSIS
    A throwaway PostgreSQL cluster on loopback for the store tests (build.ps1 -Task Test).
.DESCRIPTION
    -Start makes a cluster under -WorkDir (its data, log and unix socket there) on a free port of 127.0.0.1 and returns
    the environment variables the tests read: SWEEPS_TEST_POSTGRES, an Npgsql connection string to an empty database
    (password authentication over TCP, as users have it), and what a test needs to restart the server
    (SWEEPS_TEST_POSTGRES_PGCTL, _DATA and _OSUSER, the account pg_ctl must run as). Where PostgreSQL's binaries are
    missing it warns and returns nothing, and those tests are skipped, saying so. -Stop stops it and removes -WorkDir.
    initdb refuses to run as root: as root, the cluster belongs to the 'postgres' account (Debian's package makes it).
#>
[CmdletBinding()]
param([switch] $Start, [switch] $Stop, [Parameter(Mandatory)] [string] $WorkDir)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$WorkDir = [IO.Path]::GetFullPath($WorkDir)
$data = Join-Path $WorkDir 'data'

function Find-Bin {
    # Debian keeps each major version's programs apart; take the newest.
    $debian = Get-ChildItem /usr/lib/postgresql/*/bin/initdb -ErrorAction Ignore |
        Sort-Object { [int]($_.Directory.Parent.Name -replace '\D', '') } | Select-Object -Last 1
    if ($debian) { return $debian.DirectoryName }
    $onPath = Get-Command initdb -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($onPath) { return Split-Path $onPath.Source }
    $null
}

# The account the cluster runs as: this one, or 'postgres' when this is root.
function Get-OsUser {
    if ($IsWindows -or (id -u) -ne '0') { return '' }
    if (-not (Get-Command runuser -ErrorAction Ignore)) { return $null }
    id -u postgres 2>$null | Out-Null
    if ($LASTEXITCODE -ne 0) { return $null }
    'postgres'
}

function Invoke-As([string] $OsUser, [string] $Program, [string[]] $Arguments) {
    $out = if ($OsUser) { & runuser -u $OsUser -- $Program @Arguments 2>&1 } else { & $Program @Arguments 2>&1 }
    if ($LASTEXITCODE -ne 0) { throw "$(Split-Path -Leaf $Program) failed ($LASTEXITCODE): $($out -join "`n")" }
}

function Get-FreePort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Stop-Cluster {
    $state = Join-Path $WorkDir 'cluster.json'
    if (Test-Path $state) {
        $c = Get-Content $state -Raw | ConvertFrom-Json
        if (Test-Path (Join-Path $data 'postmaster.pid')) {
            try { Invoke-As $c.osUser (Join-Path $c.bin 'pg_ctl') @('-D', $data, '-m', 'immediate', '-w', 'stop') } catch { Write-Warning $_ }
        }
    }
    Remove-Item -Recurse -Force $WorkDir -ErrorAction Ignore
}

if ($Stop) { Stop-Cluster; return }
if (-not $Start) { throw 'Say -Start or -Stop.' }

$bin = Find-Bin
if (-not $bin) {
    Write-Warning 'PostgreSQL is not installed (Debian: apt-get install postgresql): the PostgreSQL store tests are skipped.'
    return
}
$osUser = Get-OsUser
if ($null -eq $osUser) {
    Write-Warning "Running as root without a 'postgres' account (or runuser) to own a cluster: the PostgreSQL store tests are skipped."
    return
}
Stop-Cluster # one left by a run that was killed
New-Item -ItemType Directory -Force $WorkDir | Out-Null
$password = [Convert]::ToHexString([Security.Cryptography.RandomNumberGenerator]::GetBytes(16)).ToLowerInvariant()
$pwfile = Join-Path $WorkDir 'pw'
Set-Content $pwfile $password -NoNewline
if ($osUser) { chown -R "${osUser}:" $WorkDir }
chmod 700 $WorkDir
@{ bin = $bin; osUser = $osUser } | ConvertTo-Json | Set-Content (Join-Path $WorkDir 'cluster.json')

# Password authentication over TCP, as users have it; the unix socket trusts the cluster's own account.
Invoke-As $osUser (Join-Path $bin 'initdb') @('-D', $data, '-U', 'sweeps', "--pwfile=$pwfile", '--auth-local=trust', '--auth-host=scram-sha-256',
    '-E', 'UTF8', '--no-locale', '--no-sync')
[IO.File]::Delete($pwfile)
$port = Get-FreePort
# In the cluster's own config, so a test can stop and start it with pg_ctl -D alone.
Add-Content (Join-Path $data 'postgresql.conf') @"
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WorkDir'
max_connections = 300
"@
Invoke-As $osUser (Join-Path $bin 'pg_ctl') @('-D', $data, '-l', (Join-Path $WorkDir 'postgres.log'), '-w', '-t', '60', 'start')
Invoke-As $osUser (Join-Path $bin 'psql') @('-h', $WorkDir, '-p', $port, '-U', 'sweeps', '-d', 'postgres', '-q', '-c', 'CREATE DATABASE sweeps_test')
@{
    SWEEPS_TEST_POSTGRES        = "Host=127.0.0.1;Port=$port;Username=sweeps;Password=$password;Database=sweeps_test"
    SWEEPS_TEST_POSTGRES_PGCTL  = Join-Path $bin 'pg_ctl'
    SWEEPS_TEST_POSTGRES_DATA   = $data
    SWEEPS_TEST_POSTGRES_OSUSER = $osUser
}
