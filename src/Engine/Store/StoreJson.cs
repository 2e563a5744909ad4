using System.Text.Json.Serialization;

namespace Sweeps.Engine.Store;

/// <summary>
/// The store's small records as JSON (a lock's owner, a heartbeat, a program's process, an agent's process), with serializers generated
/// at build time: an agent takes a lock for every run, and reflection would cost every new agent process tens of
/// milliseconds before its first claim.
/// </summary>
[JsonSerializable(typeof(Folder.FileLock.Owner))]
[JsonSerializable(typeof(Folder.FolderHeartbeats.Record), TypeInfoPropertyName = "Heartbeat")]
[JsonSerializable(typeof(Runs.ProgramLifetime.Record), TypeInfoPropertyName = "ProgramProcess")]
[JsonSerializable(typeof(ProcessIdentity))]
internal sealed partial class StoreJson : JsonSerializerContext;
