using System.Text.Json;

namespace Casework.Identity.Hosting;

/// <summary>The parts of <c>deploy/local/demo-data.json</c> the identity server seeds; the rest is ignored.</summary>
public sealed record DemoData(string? Region, IReadOnlyList<DemoUser>? Users, IReadOnlyList<DemoPartner>? Partners, DemoStaffClient? StaffClient)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static async Task<DemoData> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        try
        {
            return await JsonSerializer.DeserializeAsync<DemoData>(stream, Json, cancellationToken)
                ?? throw new InvalidDataException($"The demo data file {path} is empty.");
        }
        catch (JsonException exception)
        {
            // The message names the position, never the content (the file holds demo passwords).
            throw new InvalidDataException($"The demo data file {path} is not valid JSON of the expected shape (line {exception.LineNumber + 1}).");
        }
    }
}

public sealed record DemoUser(string Id, string UserName, string DisplayName, string? Email, string Password, IReadOnlyList<string>? Roles, IReadOnlyList<string>? Teams);

public sealed record DemoPartner(string ClientId, string DisplayName, string Secret);

public sealed record DemoStaffClient(string ClientId, string DisplayName, IReadOnlyList<string>? RedirectUris, IReadOnlyList<string>? PostLogoutRedirectUris);
