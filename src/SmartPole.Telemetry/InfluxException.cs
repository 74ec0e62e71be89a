using System.Net;

namespace SmartPole.Telemetry;

/// <summary>InfluxDB answered a request with an error; the message is InfluxDB's own.</summary>
public sealed class InfluxException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InfluxException()
    {
    }

    /// <summary>Creates the exception with InfluxDB's message.</summary>
    public InfluxException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with InfluxDB's message and the cause.</summary>
    public InfluxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with InfluxDB's message and the HTTP status.</summary>
    public InfluxException(string message, HttpStatusCode? statusCode)
        : base(message) => StatusCode = statusCode;

    /// <summary>The HTTP status of the answer, or null when the error came inside a successful answer.</summary>
    public HttpStatusCode? StatusCode { get; }
}
