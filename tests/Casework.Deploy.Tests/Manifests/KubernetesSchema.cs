using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace Casework.Deploy.Tests.Manifests;

/// <summary>
/// The Kubernetes API schema as the KubernetesClient models describe it, read strictly. KubernetesYaml (and the
/// client's own JSON options) ignore a field they do not know, so a misspelt <c>securityContxt</c> would load and be
/// dropped; here an unknown field or a value of the wrong type is an error that names it.
/// </summary>
public static class KubernetesSchema
{
    /// <summary>The model of each apiVersion/kind the client knows (its KubernetesEntity attributes).</summary>
    public static IReadOnlyDictionary<(string ApiVersion, string Kind), Type> Models { get; } =
        typeof(V1Pod).Assembly.GetTypes()
            .Select(type => (Type: type, Entity: type.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(t => t.Entity is { Kind.Length: > 0 })
            .GroupBy(t => (ApiVersion: string.IsNullOrEmpty(t.Entity!.Group) ? t.Entity.ApiVersion : $"{t.Entity.Group}/{t.Entity.ApiVersion}", t.Entity.Kind))
            .ToDictionary(g => g.Key, g => g.First().Type);

    /// <summary>
    /// Kinds of operators (custom resources) the client has no model for. Each is named here on purpose: an object of a
    /// kind in neither list fails, and these get the checks a custom resource allows (apiVersion, kind, metadata.name,
    /// the spec fields they cannot work without).
    /// </summary>
    public static IReadOnlyDictionary<(string ApiVersion, string Kind), string[]> CustomResources { get; } =
        new Dictionary<(string, string), string[]>
        {
            // Prometheus Operator: what the charts render when monitoring is on (and k8s/monitoring's rules).
            [("monitoring.coreos.com/v1", "ServiceMonitor")] = ["spec.selector", "spec.endpoints"],
            [("monitoring.coreos.com/v1", "PodMonitor")] = ["spec.selector", "spec.podMetricsEndpoints"],
            [("monitoring.coreos.com/v1", "PrometheusRule")] = ["spec.groups"],
            // The operators of k8s/: RabbitMQ cluster and messaging topology operators, CloudNativePG (and its Barman
            // Cloud plugin), the MongoDB community operator.
            [("rabbitmq.com/v1beta1", "RabbitmqCluster")] = ["spec"],
            [("rabbitmq.com/v1beta1", "Vhost")] = ["spec.name", "spec.rabbitmqClusterReference"],
            [("rabbitmq.com/v1beta1", "User")] = ["spec.rabbitmqClusterReference"],
            [("rabbitmq.com/v1beta1", "Permission")] = ["spec.vhost", "spec.permissions", "spec.rabbitmqClusterReference"],
            [("rabbitmq.com/v1beta1", "Policy")] = ["spec.name", "spec.pattern", "spec.definition", "spec.rabbitmqClusterReference"],
            [("postgresql.cnpg.io/v1", "Cluster")] = ["spec.instances", "spec.storage"],
            [("postgresql.cnpg.io/v1", "Database")] = ["spec.name", "spec.owner", "spec.cluster"],
            [("postgresql.cnpg.io/v1", "ScheduledBackup")] = ["spec.schedule", "spec.cluster"],
            [("barmancloud.cnpg.io/v1", "ObjectStore")] = ["spec.configuration"],
            [("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity")] = ["spec.members", "spec.type", "spec.version"],
        };

    private static readonly JsonSerializerOptions Strict = CreateStrictOptions();

    private static JsonSerializerOptions CreateStrictOptions()
    {
        // The client's converters (KubernetesJson) and naming, on the reflection resolver so every option applies, plus
        // the two that make it strict: unknown members are errors, numbers are never read from strings.
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = false,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new KubernetesJson.Iso8601TimeSpanConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeOffsetConverter());
        return options;
    }

    /// <summary>
    /// Reads one object into its model, strictly. Returns the model (null for an allow-listed custom resource);
    /// throws <see cref="SchemaException"/> naming the object and the offending field.
    /// </summary>
    public static object? Parse(Manifest manifest)
    {
        var json = manifest.Json;
        if (manifest.ApiVersion.Length == 0 || manifest.Kind.Length == 0)
        {
            throw new SchemaException(manifest, "apiVersion and kind are required");
        }
        if (string.IsNullOrWhiteSpace(manifest.Name))
        {
            throw new SchemaException(manifest, "metadata.name is required");
        }
        if (Models.TryGetValue((manifest.ApiVersion, manifest.Kind), out var model))
        {
            try
            {
                return json.Deserialize(model, Strict) ?? throw new SchemaException(manifest, "empty object");
            }
            catch (JsonException exception)
            {
                throw new SchemaException(manifest, $"{exception.Message} (at {exception.Path})", exception);
            }
        }
        if (CustomResources.TryGetValue((manifest.ApiVersion, manifest.Kind), out var required))
        {
            if (json["metadata"] is not JsonObject metadata || metadata.Any(field => field.Key is not ("name" or "namespace" or "labels" or "annotations")))
            {
                throw new SchemaException(manifest, "metadata may hold only name, namespace, labels and annotations");
            }
            foreach (var path in required)
            {
                if (path.Split('.').Aggregate((JsonNode?)json, (node, part) => node?[part]) is null)
                {
                    throw new SchemaException(manifest, $"{path} is required");
                }
            }
            return null;
        }
        throw new SchemaException(manifest,
            $"{manifest.ApiVersion} {manifest.Kind} is neither a Kubernetes API kind the client knows nor an allow-listed custom resource (KubernetesSchema.CustomResources)");
    }
}

public sealed class SchemaException(Manifest manifest, string problem, Exception? inner = null)
    : Exception($"{manifest}: {problem}", inner);
