using System.Management.Automation;

namespace Sweeps;

/// <summary>Writes records of a scriptblock's merged streams (errors, warnings, verbose, debug, information) to a cmdlet's streams.</summary>
internal sealed class CmdletStreams(PSCmdlet cmdlet)
{
    /// <summary>True when <paramref name="item"/> was a stream record and has been written.</summary>
    public bool TryWrite(object? item)
    {
        switch (item)
        {
            case ErrorRecord e: cmdlet.WriteError(e); return true;
            case WarningRecord w: cmdlet.WriteWarning(w.Message); return true;
            case VerboseRecord v: cmdlet.WriteVerbose(v.Message); return true;
            case DebugRecord d: cmdlet.WriteDebug(d.Message); return true;
            case InformationRecord i: cmdlet.WriteInformation(i); return true;
            default: return false;
        }
    }

    /// <summary>Shows a line the run wrote to its output, as a program's printed lines are shown.</summary>
    public void Say(string line) => cmdlet.WriteInformation(new HostInformationMessage { Message = line }, ["PSHOST", "SweepsRunOutput"]);
}
