namespace Casework.Identity;

/// <summary>
/// The <c>Identity</c> configuration section. Everything secret (key PEMs) comes from the environment or a
/// Kubernetes Secret, never from a file in the repository.
/// </summary>
public sealed class IdentitySettings
{
    public const string Section = "Identity";

    /// <summary>
    /// <c>Identity:Issuer</c>: the public base URI every token names as <c>iss</c> and every discovery
    /// endpoint is published under (the gateway, e.g. <c>http://127.0.0.1:5000/</c>). Required.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary><c>Identity:Region</c>: the deployment region stamped on every token as <c>region</c>.</summary>
    public string Region { get; set; } = "local";

    /// <summary><c>Identity:SigningKeyPem</c>: RSA private key (PEM) that signs tokens.</summary>
    public string? SigningKeyPem { get; set; }

    /// <summary><c>Identity:EncryptionKeyPem</c>: RSA private key (PEM) that encrypts codes and refresh tokens.</summary>
    public string? EncryptionKeyPem { get; set; }

    /// <summary>
    /// <c>Identity:KeysDirectory</c>: where <c>signing.pem</c> and <c>encryption.pem</c> are read from (and
    /// generated on first start when missing) if the PEM settings are not given. Relative to the content root.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>The issuer as an absolute URI that ends with a slash, so relative endpoint paths resolve under it.</summary>
    public Uri IssuerUri
    {
        get
        {
            if (!TryParseIssuer(Issuer, out var uri))
            {
                throw new InvalidOperationException(
                    "Identity:Issuer must be set to the absolute public base URI of the identity server, e.g. http://127.0.0.1:5000/.");
            }
            return uri;
        }
    }

    /// <summary>Plain HTTP issuers (local runs) cannot demand HTTPS from OpenIddict's endpoints.</summary>
    public bool AllowsPlainHttp => IssuerUri.Scheme == Uri.UriSchemeHttp;

    internal static bool TryParseIssuer(string? value, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var parsed) ||
            (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps) ||
            !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment))
        {
            return false;
        }
        uri = parsed.AbsolutePath.EndsWith('/') ? parsed : new Uri(parsed.AbsoluteUri + "/");
        return true;
    }
}
