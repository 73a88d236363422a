using System.Security.Cryptography;

namespace Casework.Reporting.Federation;

/// <summary>
/// Region signing keys: ECDSA on P-256 as PEM (private: PKCS#8 "PRIVATE KEY"; public: SubjectPublicKeyInfo
/// "PUBLIC KEY"), the forms <c>openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256</c> and
/// <c>openssl pkey -pubout</c> write.
/// </summary>
public static class RegionKeys
{
    public const string SignatureAlgorithm = "ECDSA P-256 SHA-256";

    /// <summary>A new key pair (for set-up scripts and tests).</summary>
    public static (string PrivateKeyPem, string PublicKeyPem) Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key.ExportPkcs8PrivateKeyPem(), key.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>Imports a PEM key and insists on P-256, so a weaker or unexpected key is refused at start-up, not at the first rollup.</summary>
    public static ECDsa Import(string pem, bool requirePrivate)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: false);
            if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
                throw new ArgumentException("Region keys are ECDSA on the P-256 curve.", nameof(pem));
            if (requirePrivate)
            {
                try { _ = key.ExportParameters(includePrivateParameters: true); }
                catch (CryptographicException e) { throw new ArgumentException("A signing key needs its private part.", nameof(pem), e); }
            }
            return key;
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new ArgumentException("Not an ECDSA key in PEM form.", nameof(pem), e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}

/// <summary>Signs a region's rollups with its private key (configuration secret).</summary>
public sealed class RollupSigner : IDisposable
{
    private readonly ECDsa _key;

    public RollupSigner(string regionId, string privateKeyPem)
    {
        if (!RegionalRollup.IsRegionId(regionId)) throw new ArgumentException("Not a region id.", nameof(regionId));
        RegionId = regionId;
        _key = RegionKeys.Import(privateKeyPem, requirePrivate: true);
    }

    public string RegionId { get; }

    /// <summary>Signs the canonical bytes of <paramref name="rollup"/>; a rollup of another region is refused.</summary>
    public SignedRollup Sign(RegionalRollup rollup)
    {
        if (rollup.RegionId != RegionId)
            throw new ArgumentException($"This signer signs rollups of region '{RegionId}', not '{rollup.RegionId}'.", nameof(rollup));
        var payload = RollupJson.Canonical(rollup);
        var signature = _key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new SignedRollup(RegionId, payload, signature);
    }

    public void Dispose() => _key.Dispose();
}
