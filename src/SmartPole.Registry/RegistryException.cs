namespace SmartPole.Registry;

/// <summary>A request the registry refused; <see cref="Kind"/> says why (the REST layer maps it to 400, 404 or 409).</summary>
public sealed class RegistryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RegistryException(RegistryErrorKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>Creates the exception (kind <see cref="RegistryErrorKind.Invalid"/>).</summary>
    public RegistryException()
        : this(RegistryErrorKind.Invalid, "The registry refused the request.")
    {
    }

    /// <summary>Creates the exception (kind <see cref="RegistryErrorKind.Invalid"/>).</summary>
    public RegistryException(string message)
        : this(RegistryErrorKind.Invalid, message)
    {
    }

    /// <summary>Creates the exception (kind <see cref="RegistryErrorKind.Invalid"/>).</summary>
    public RegistryException(string message, Exception innerException)
        : base(message, innerException) => Kind = RegistryErrorKind.Invalid;

    /// <summary>Why the request was refused.</summary>
    public RegistryErrorKind Kind { get; }
}
