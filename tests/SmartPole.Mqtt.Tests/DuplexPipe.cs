using System.IO.Pipelines;

namespace SmartPole.Mqtt.Tests;

/// <summary>Two pipe ends seen as one transport, as a WebSocket host would hand them to the broker.</summary>
internal sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
