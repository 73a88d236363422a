namespace Casework.Reporting.Federation;

/// <summary>
/// This instance's federation keys, read once at start from <c>Reporting:Federation</c>: the region's signer (none when no
/// signing key is configured: the service runs, only the rollup endpoint refuses) and the verifier of the trusted regions'
/// public keys (a national instance). A malformed key or region id stops the start naming its configuration key.
/// </summary>
public sealed class FederationKeys : IDisposable
{
    public const string Section = "Reporting:Federation";

    private FederationKeys(string? regionId, RollupSigner? signer, RollupVerifier verifier, IReadOnlyList<string> trustedRegions) =>
        (RegionId, Signer, Verifier, TrustedRegions) = (regionId, signer, verifier, trustedRegions);

    public string? RegionId { get; }
    public RollupSigner? Signer { get; }
    public RollupVerifier Verifier { get; }
    public IReadOnlyList<string> TrustedRegions { get; }

    public static FederationKeys From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var regionId = Blank(section["RegionId"]);
        if (regionId is not null && !RegionalRollup.IsRegionId(regionId))
            throw Invalid("RegionId", "a region id is 1 to 64 lower-case letters, digits or dashes");

        RollupSigner? signer = null;
        if (Blank(section["SigningKeyPem"]) is { } signingKey)
        {
            if (regionId is null) throw Invalid("RegionId", "a signing key is configured, so the region id it signs for is required");
            try { signer = new RollupSigner(regionId, signingKey); }
            catch (ArgumentException e) { throw Invalid("SigningKeyPem", e.Message); }
        }

        var trusted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var region in section.GetSection("TrustedRegions").GetChildren())
        {
            if (!RegionalRollup.IsRegionId(region.Key))
                throw Invalid($"TrustedRegions:{region.Key}", "a region id is 1 to 64 lower-case letters, digits or dashes");
            var pem = Blank(region["PublicKeyPem"]) ?? throw Invalid($"TrustedRegions:{region.Key}:PublicKeyPem", "the region's public key is required");
            try { RegionKeys.Import(pem, requirePrivate: false).Dispose(); }
            catch (ArgumentException e) { throw Invalid($"TrustedRegions:{region.Key}:PublicKeyPem", e.Message); }
            trusted[region.Key] = pem;
        }
        return new FederationKeys(regionId, signer, new RollupVerifier(trusted), [.. trusted.Keys.Order(StringComparer.Ordinal)]);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static InvalidOperationException Invalid(string key, string why) => new($"{Section}:{key} is not valid: {why}.");

    public void Dispose()
    {
        Signer?.Dispose();
        Verifier.Dispose();
    }
}
