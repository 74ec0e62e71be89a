namespace SmartPole.Registry.Provisioning;

/// <summary>What a gateway asks on <c>sp/{city}/provision</c>.</summary>
/// <param name="RequestId">The request id: the gateway's MQTT client id, which becomes its gateway id; the answer comes on <c>sp/{city}/provision/{requestId}</c>.</param>
/// <param name="ProvisionKey">The city's provisioning key.</param>
/// <param name="Poles">The poles the gateway carries.</param>
public sealed record ProvisionRequest(string RequestId, string ProvisionKey, IReadOnlyList<string> Poles);
