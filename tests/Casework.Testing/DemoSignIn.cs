using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Casework.Testing;

/// <summary>
/// Signing in as the demo staff: the staff app's client and the users' password as deploy/local/demo-data.json
/// registers them, for tests that go through the real identity server (in-process or behind the gateway).
/// </summary>
public static class DemoSignIn
{
    public const string StaffClientId = "casework-web";
    public const string RedirectUri = "http://127.0.0.1:8765/callback";
    public const string StaffScopes = "openid profile roles offline_access intake cases notes assignment reporting";

    /// <summary>Every demo user's password.</summary>
    public const string Password = "Casework-demo-1";

    /// <summary>A PKCE verifier and its S256 challenge (RFC 7636).</summary>
    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return (verifier, challenge);
    }
}
