'use strict';
// The task's entry point: the agent runs it with Node and passes the inputs as INPUT_* environment variables. The
// work is sweep-step.ps1 beside it (the GitHub Action runs the same script), run by PowerShell 7; it imports the Sweeps
// module bundled beside it and writes the logging commands itself.
const { spawnSync } = require('child_process');
const path = require('path');

function fail(message) {
  console.log(`##vso[task.logissue type=error]${message}`);
  console.log(`##vso[task.complete result=Failed;]${message}`);
  process.exit(1);
}

const pwsh = process.platform === 'win32' ? 'pwsh.exe' : 'pwsh';
const script = path.join(__dirname, 'sweep-step.ps1');
const result = spawnSync(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', script], { stdio: 'inherit' });
if (result.error) {
  fail(result.error.code === 'ENOENT'
    ? 'PowerShell 7 (pwsh) is not on PATH: Microsoft-hosted agents have it; on a self-hosted agent install it (https://aka.ms/powershell).'
    : `Could not start pwsh: ${result.error.message}`);
}
// A signal (the job cancelled) leaves no status: that is a failure too.
process.exit(result.status === null ? 1 : result.status);
