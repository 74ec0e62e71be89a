namespace SmartPole.Registry;

/// <summary>What an operator may do in a city; each role includes the ones below it.</summary>
public enum OperatorRole
{
    /// <summary>Read the city's poles, alarms, history and live feed.</summary>
    Viewer = 1,

    /// <summary>Also send commands and acknowledge alarms.</summary>
    Operator = 2,

    /// <summary>Also onboard: import poles, issue credentials, export manifests, manage the city's keys.</summary>
    Admin = 3,
}
