namespace Casework.Testing;

/// <summary>What tests look for in a Casework process's JSON console log.</summary>
public static class ServiceLogs
{
    /// <summary>
    /// The id of <c>ConfigurationUsage.UnreadSettingsEvent</c> (Casework.ServiceDefaults), the record of environment
    /// settings nothing read. A copy, so suites that only run the processes need no reference to the services;
    /// Casework.Gateway.Tests checks that it agrees.
    /// </summary>
    public const int UnreadSettingsEventId = 9001;

    /// <summary>A log line that is the unread-settings record.</summary>
    public static readonly string UnreadSettingsText = $"\"EventId\":{UnreadSettingsEventId}";

    /// <summary>
    /// The host's "Application started." line: the unread-settings record is written before it (both are logged on
    /// ApplicationStarted, whose callbacks run last-registered first, and the host's lifetime registers before the
    /// hosted services start), so once it is in the log the record is too, if there is one.
    /// </summary>
    public const string StartedText = "\"Message\":\"Application started.";

    /// <summary>Waits until the log file at <paramref name="path"/> has a line containing <paramref name="text"/>; false on timeout.</summary>
    public static async Task<bool> WaitForLineAsync(string path, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (ReadLines(path).Any(line => line.Contains(text, StringComparison.Ordinal)))
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The file's lines, read while the process may still be writing it.</summary>
    public static IReadOnlyList<string> ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return lines;
    }
}
