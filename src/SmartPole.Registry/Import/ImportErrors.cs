namespace SmartPole.Registry.Import;

/// <summary>Collects problems in file order up to a cap, so a broken 100k-row file gives a readable answer.</summary>
internal sealed class ImportErrors
{
    public const int Cap = 1000;

    private readonly List<ImportError> _errors = [];

    public bool Any => _errors.Count > 0;

    public bool Full => _errors.Count >= Cap;

    public void Add(int row, string column, string message)
    {
        if (_errors.Count < Cap)
        {
            _errors.Add(new ImportError(row, column, message));
        }
    }

    public void Add(RawCell cell, string message) => Add(cell.Row, cell.Column, message);

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ImportRejectedException(_errors.OrderBy(e => e.Row).ToList());
        }
    }
}
