using Casework.Persistence;
using Microsoft.AspNetCore.Builder;

namespace Casework.ServiceDefaults;

/// <summary>
/// Refuses a first argument meant as a verb that the service does not know. Without this a misspelt verb (<c>migrat</c>
/// in a hook Job's args) starts the whole service, and the Job never completes.
/// </summary>
public static class ServiceVerbs
{
    /// <summary>The conventional exit code for a command-line usage error.</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Runs the verb the first argument names instead of the service and returns its exit code: <c>migrate</c>
    /// (<see cref="MigrateCommand"/>), the service's own <paramref name="command"/>, or a refusal of any other verb.
    /// Null: no verb, start the service.
    /// </summary>
    public static async Task<int?> RunVerbAsync(this WebApplication app, string[] args, ServiceCommand? command = null)
    {
        if (await app.RunMigrateCommandAsync(args) is { } migrated)
        {
            return migrated;
        }
        if (args is [MigrateCommand.Verb, ..])
        {
            // Declined for its extra arguments: serving instead would leave the hook Job running forever.
            Console.Error.WriteLine($"{MigrateCommand.Verb} takes no arguments.");
            return UsageError;
        }
        if (command is not null && args is [var verb, ..] && verb == command.Verb)
        {
            return await command.RunAsync(app);
        }
        string[] verbs = command is null ? [MigrateCommand.Verb] : [MigrateCommand.Verb, command.Verb];
        return RefuseUnknown(args, verbs, Console.Error);
    }

    /// <summary>
    /// <see cref="UsageError"/>, after writing the known <paramref name="verbs"/> to <paramref name="error"/>, when the first
    /// argument is neither one of them nor meant for the host's configuration (an option such as <c>--urls=…</c>, or a
    /// <c>key=value</c> setting). Null: start the service.
    /// </summary>
    public static int? RefuseUnknown(string[] args, IReadOnlyCollection<string> verbs, TextWriter error)
    {
        if (args is not [var first, ..] || first.StartsWith('-') || first.Contains('=') || verbs.Contains(first))
        {
            return null;
        }
        error.WriteLine($"Unknown verb '{first}'. Verbs: {string.Join(", ", verbs)}; no verb starts the service.");
        return UsageError;
    }
}
