namespace SmartPole.Simulator;

/// <summary>The simulator's exit codes (documented in --help and the README).</summary>
internal static class ExitCodes
{
    /// <summary>The run finished and, at QoS 1, every frame was acknowledged.</summary>
    public const int Success = 0;

    /// <summary>Bad command line or manifest.</summary>
    public const int BadArguments = 1;

    /// <summary>At least one connection to the broker could not be established.</summary>
    public const int CouldNotConnect = 2;

    /// <summary>At QoS 1, fewer frames were acknowledged than sent.</summary>
    public const int AcksLost = 3;
}
