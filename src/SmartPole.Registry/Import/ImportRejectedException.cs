namespace SmartPole.Registry.Import;

/// <summary>An import refused as a whole: nothing was changed. <see cref="Errors"/> lists every problem found (up to a cap).</summary>
public sealed class ImportRejectedException : Exception
{
    /// <summary>Creates the exception with the problems found.</summary>
    public ImportRejectedException(IReadOnlyList<ImportError> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Creates the exception with one problem of the whole file.</summary>
    public ImportRejectedException(string message)
        : this([new ImportError(0, "", message)])
    {
    }

    /// <summary>Creates the exception with one problem of the whole file.</summary>
    public ImportRejectedException()
        : this("The import was refused.")
    {
    }

    /// <summary>Creates the exception with one problem of the whole file.</summary>
    public ImportRejectedException(string message, Exception innerException)
        : base(message, innerException) => Errors = [new ImportError(0, "", message)];

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<ImportError> Errors { get; }

    private static string Describe(IReadOnlyList<ImportError> errors) =>
        errors.Count == 1 ? $"Import refused: {errors[0]}" : $"Import refused: {errors.Count} problems, first {errors[0]}";
}
