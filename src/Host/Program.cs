// sweeps: W&B-style verbs over the Sweeps cmdlets, for machines and pipelines without pwsh. Each verb is one cmdlet
// call in an embedded PowerShell with the module loaded, so the command line and the cmdlets never drift.
return Sweeps.Host.Verbs.Invoke(args);
