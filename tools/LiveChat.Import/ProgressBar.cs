using System.Diagnostics;

namespace LiveChat.Import;

/// <summary>Rows done, rate and time left, on the terminal at most once a second and at each tenth of the table.</summary>
sealed class ProgressBar(string table, int total, TextWriter output)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    int _done;
    long _shownAt = -1;

    public void Step()
    {
        _done++;
        var tenth = Math.Max(1, total / 10);
        if (_done % tenth == 0 || _clock.ElapsedMilliseconds - _shownAt >= 1000) Show();
    }

    public void Done() => Show(final: true);

    void Show(bool final = false)
    {
        _shownAt = _clock.ElapsedMilliseconds;
        var rate = _done / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
        var eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - _done) / rate) : TimeSpan.Zero;
        output.WriteLine(final
            ? $"{table}: {_done}/{total} rows in {_clock.Elapsed.TotalSeconds:F1} s"
            : $"{table}: {_done}/{total} rows, {rate:F0} rows/s, about {eta:mm\\:ss} left");
    }
}
