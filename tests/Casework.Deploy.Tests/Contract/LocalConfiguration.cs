using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Casework.Testing;

namespace Casework.Deploy.Tests.Contract;

/// <summary>Where each component of a locally started rendering listens (free loopback ports).</summary>
public sealed record LocalAddresses(IReadOnlyDictionary<string, int> Http, IReadOnlyDictionary<string, int> Grpc);

/// <summary>The local stand-ins for the Secrets a region creates before the install (k8s/create-secrets.sh).</summary>
public sealed class LocalSecrets
{
    /// <summary>The RabbitMQ vhost of this suite (scripts/infra.sh test-vhosts recreates it for make test).</summary>
    public const string Vhost = "test-deploy";

    public required IReadOnlyDictionary<string, string> StoreConnectionStrings { get; init; }

    public string Broker { get; } = TestEnvironment.Broker(Vhost);

    /// <summary>Reporting's federation signing key: ECDSA P-256, PKCS#8 PEM, as README tells a region to make it.</summary>
    public string FederationSigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem();

    /// <summary>Identity's two RSA keys (signing, encryption): two different RSA-2048 keys, PEM.</summary>
    public string IdentitySigningKey { get; } = RSA.Create(2048).ExportPkcs8PrivateKeyPem();
    public string IdentityEncryptionKey { get; } = RSA.Create(2048).ExportPkcs8PrivateKeyPem();

    /// <summary>The value of a variable the chart takes from a Secret, by the setting it fills (each one named here).</summary>
    public string Resolve(string variable, Component component) => variable switch
    {
        "ConnectionStrings__Store" => StoreConnectionStrings[component.Name],
        "ConnectionStrings__Broker" => Broker,
        "Reporting__Federation__SigningKeyPem" => FederationSigningKey,
        "Identity__SigningKeyPem" => IdentitySigningKey,
        "Identity__EncryptionKeyPem" => IdentityEncryptionKey,
        _ => throw new InvalidOperationException(
            $"{component}: {variable} comes from a Secret this test has no local equivalent for (add it to LocalSecrets.Resolve)"),
    };
}

/// <summary>
/// The rendered environment of a container turned into one a process on this machine can start with: secrets resolved
/// to local equivalents, and only the settings that must differ on one machine rewritten (<see cref="Overrides"/>).
/// Nothing else is added: the one rewrite marked AddWhenMissing keeps a default's meaning, everything else the process
/// gets is what the chart renders.
/// </summary>
public static class LocalConfiguration
{
    /// <summary>
    /// Every rewrite, with why it must differ here. Each replaces a variable the chart rendered (only the one marked
    /// AddWhenMissing may add one); a rewrite returning null leaves that value as rendered.
    /// </summary>
    public static readonly IReadOnlyList<Override> Overrides =
    [
        new("^Kestrel__Endpoints__Http__Url$", "every pod listens on 8080; processes on one machine each need their own port",
            (_, self, addresses, _) => $"http://127.0.0.1:{addresses.Http[self.Name]}"),
        new("^Kestrel__Endpoints__Grpc__Url$", "every service's pod serves gRPC on 8081; here each needs its own port",
            (_, self, addresses, _) => $"http://127.0.0.1:{addresses.Grpc[self.Name]}"),
        new("^Services__Case__Grpc$", "Case's Service name (casework-case) resolves only in the cluster",
            (_, _, addresses, _) => $"http://127.0.0.1:{addresses.Grpc["case"]}"),
        new("^ReverseProxy__Clusters__(?<cluster>[a-z]+)__Destinations__primary__Address$", "the gateway's clusters are Service names of the cluster",
            (match, _, addresses, _) => $"http://127.0.0.1:{addresses.Http[match.Groups["cluster"].Value]}/"),
        new("^Auth__MetadataAddress$", "the identity Service name resolves only in the cluster",
            (_, _, addresses, _) => $"http://127.0.0.1:{addresses.Http["identity"]}/.well-known/openid-configuration"),
        new("^Store__Engine$", "no MongoDB server can run here: a MongoDB service starts on PostgreSQL, so its settings are checked by name (the engine itself by the persistence contract suite)",
            (_, _, _, rendered) => rendered == "mongodb" ? "postgres" : null),
        new("^ForwardedHeaders__TrustedNetworks$",
            "the pod network (the ingress controller's, the gateway's) is loopback here; and the process's default, loopback, means " +
            "'only this pod' in a cluster but 'every process' here, so where the chart leaves it unset the process gets 'none'",
            (_, _, _, rendered) => rendered switch
            {
                null => "none",
                "none" => null,
                _ => "127.0.0.0/8",
            },
            AddWhenMissing: true),
    ];

    /// <summary>A rewrite; with <paramref name="AddWhenMissing"/> it is also asked (with null) when the chart renders no such variable.</summary>
    public sealed record Override(string Pattern, string Why, Func<Match, Component, LocalAddresses, string?, string?> Value, bool AddWhenMissing = false)
    {
        public Regex Name { get; } = new(Pattern);
    }

    /// <summary>The environment of the container as rendered, made local; <paramref name="applied"/> collects each rewrite (its pattern, and variable: old -> new).</summary>
    public static Dictionary<string, string> Localise(
        JsonObject container, Component component, LocalAddresses addresses, LocalSecrets secrets, ICollection<(string Pattern, string Change)> applied)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            var name = (string)variable!["name"]!;
            string value;
            if (variable["valueFrom"] is { } from)
            {
                value = from["secretKeyRef"] is not null
                    ? secrets.Resolve(name, component)
                    : throw new InvalidOperationException($"{component}: {name} comes from {from.ToJsonString()}, which this test cannot resolve");
            }
            else
            {
                value = variable["value"]?.ToString() ?? "";
            }
            foreach (var rewrite in Overrides)
            {
                if (rewrite.Name.Match(name) is { Success: true } match && rewrite.Value(match, component, addresses, value) is { } local)
                {
                    applied.Add((rewrite.Pattern, $"{name}: {value} -> {local}"));
                    value = local;
                }
            }
            if (!environment.TryAdd(name, value))
            {
                throw new InvalidOperationException($"{component}: {name} is rendered twice");
            }
        }
        foreach (var rewrite in Overrides.Where(o => o.AddWhenMissing))
        {
            var name = rewrite.Pattern.Trim('^', '$');
            if (!environment.ContainsKey(name) && rewrite.Value(rewrite.Name.Match(name), component, addresses, null) is { } local)
            {
                applied.Add((rewrite.Pattern, $"{name}: (not rendered) -> {local}"));
                environment[name] = local;
            }
        }
        return environment;
    }
}
