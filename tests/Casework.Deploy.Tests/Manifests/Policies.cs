using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Casework.Deploy.Tests.Manifests;

/// <summary>
/// The deployment rules of issue 8 over one rendering's objects. Each rule returns one message per violation, naming
/// the object (and container) that breaks it; an empty result is a pass. Kept apart from the tests so the tests can
/// also show each rule failing on a broken object.
/// </summary>
public static partial class Policies
{
    /// <summary>Workloads whose pods serve traffic (Services select them; probes apply).</summary>
    private static readonly string[] ServerKinds = ["Deployment", "StatefulSet", "DaemonSet"];

    private static IEnumerable<PodTemplate> Pods(IEnumerable<Manifest> manifests) =>
        manifests.Select(m => m.Pod).Where(p => p is not null).Select(p => p!);

    private static string Name(JsonObject container) => (string?)container["name"] ?? "(unnamed)";

    /// <summary>The restricted Pod Security Standard, on every container of every pod (init, hook Jobs, the helm test pod).</summary>
    public static IEnumerable<string> RestrictedSecurity(IReadOnlyList<Manifest> manifests)
    {
        foreach (var pod in Pods(manifests))
        {
            var podContext = pod.Spec["securityContext"];
            foreach (var flag in new[] { "hostNetwork", "hostPID", "hostIPC" })
            {
                if ((bool?)pod.Spec[flag] == true)
                {
                    yield return $"{pod}: {flag} is true";
                }
            }
            foreach (var volume in pod.Spec["volumes"]?.AsArray() ?? [])
            {
                if (volume?["hostPath"] is not null)
                {
                    yield return $"{pod}: volume {(string?)volume["name"]} is a hostPath";
                }
            }
            foreach (var container in pod.Containers)
            {
                var context = container["securityContext"];
                var where = $"{pod}, container {Name(container)}";
                if ((bool?)(context?["runAsNonRoot"] ?? podContext?["runAsNonRoot"]) != true)
                {
                    yield return $"{where}: runAsNonRoot is not true (container or pod)";
                }
                if ((long?)(context?["runAsUser"] ?? podContext?["runAsUser"]) == 0)
                {
                    yield return $"{where}: runAsUser is 0 (root)";
                }
                if ((bool?)context?["allowPrivilegeEscalation"] != false)
                {
                    yield return $"{where}: allowPrivilegeEscalation is not false";
                }
                if ((bool?)context?["privileged"] == true)
                {
                    yield return $"{where}: privileged";
                }
                var drop = context?["capabilities"]?["drop"]?.AsArray().Select(c => (string?)c).ToList() ?? [];
                if (!drop.Contains("ALL"))
                {
                    yield return $"{where}: capabilities.drop does not contain ALL";
                }
                if (context?["capabilities"]?["add"] is JsonArray { Count: > 0 } added)
                {
                    yield return $"{where}: capabilities.add {added.ToJsonString()}";
                }
                if ((string?)(context?["seccompProfile"]?["type"] ?? podContext?["seccompProfile"]?["type"]) != "RuntimeDefault")
                {
                    yield return $"{where}: seccompProfile.type is not RuntimeDefault (container or pod)";
                }
                if ((bool?)context?["readOnlyRootFilesystem"] != true)
                {
                    yield return $"{where}: readOnlyRootFilesystem is not true";
                }
            }
        }
    }

    /// <summary>CPU and memory requests and limits on every container, requests not above limits.</summary>
    public static IEnumerable<string> Resources(IReadOnlyList<Manifest> manifests)
    {
        foreach (var pod in Pods(manifests))
        {
            foreach (var container in pod.Containers)
            {
                var resources = container["resources"];
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    var request = (string?)resources?["requests"]?[resource]?.ToString();
                    var limit = (string?)resources?["limits"]?[resource]?.ToString();
                    if (request is null || limit is null)
                    {
                        yield return $"{pod}, container {Name(container)}: {resource} request and limit must both be set (request {request ?? "none"}, limit {limit ?? "none"})";
                    }
                    else if (new ResourceQuantity(request).ToDecimal() > new ResourceQuantity(limit).ToDecimal())
                    {
                        yield return $"{pod}, container {Name(container)}: {resource} request {request} is above its limit {limit}";
                    }
                }
            }
        }
    }

    /// <summary>
    /// Liveness on /health/live and readiness on /health/ready, over HTTP on the port the process serves HTTP on
    /// (Kestrel__Endpoints__Http__Url), which must be a declared containerPort; every Kestrel endpoint is declared.
    /// </summary>
    public static IEnumerable<string> Probes(IReadOnlyList<Manifest> manifests)
    {
        foreach (var pod in Pods(manifests.Where(m => ServerKinds.Contains(m.Kind))))
        {
            foreach (var container in pod.Spec["containers"]!.AsArray().Select(c => c!.AsObject()))
            {
                var where = $"{pod}, container {Name(container)}";
                var listening = KestrelPorts(container);
                foreach (var (endpoint, port) in listening)
                {
                    if (ResolvePort(container, JsonValue.Create(port)) is null)
                    {
                        yield return $"{where}: Kestrel endpoint {endpoint} listens on {port}, which is not a declared containerPort";
                    }
                }
                foreach (var (probe, path) in new[] { ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready"), ("startupProbe", null) })
                {
                    var http = container[probe]?["httpGet"];
                    if (container[probe] is null && path is null)
                    {
                        continue;
                    }
                    if (http is null)
                    {
                        yield return $"{where}: no {probe} over HTTP";
                        continue;
                    }
                    if (path is not null && (string?)http["path"] != path)
                    {
                        yield return $"{where}: {probe} path is {(string?)http["path"]}, not {path}";
                    }
                    if ((string?)http["scheme"] is { } scheme && scheme != "HTTP")
                    {
                        yield return $"{where}: {probe} scheme {scheme}";
                    }
                    var resolved = ResolvePort(container, http["port"]);
                    if (resolved is null)
                    {
                        yield return $"{where}: {probe} port {http["port"]?.ToJsonString()} is not a declared containerPort";
                    }
                    else if (listening.TryGetValue("Http", out var httpPort) && resolved != httpPort)
                    {
                        yield return $"{where}: {probe} port {resolved} is not the HTTP port {httpPort} (Kestrel__Endpoints__Http__Url)";
                    }
                    else if (!listening.ContainsKey("Http"))
                    {
                        yield return $"{where}: no Kestrel__Endpoints__Http__Url, so the probe's port is not known to be the HTTP one";
                    }
                }
            }
        }
    }

    /// <summary>Deployment (and Job, when it names one) selectors select their own pod template.</summary>
    public static IEnumerable<string> WorkloadSelectors(IReadOnlyList<Manifest> manifests)
    {
        foreach (var manifest in manifests)
        {
            if (manifest.Pod is not { } pod || manifest.Kind == "Pod")
            {
                continue;
            }
            var selector = manifest.Json["spec"]?["selector"];
            if (selector is null && manifest.Kind is "Job" or "CronJob")
            {
                continue; // generated by the API server from the template
            }
            if (selector is not JsonObject { Count: > 0 } || !Selectors.Matches(selector, pod.Labels))
            {
                yield return $"{manifest}: spec.selector {selector?.ToJsonString()} does not select its pod template's labels";
            }
        }
    }

    /// <summary>Each Service selects the pods of some server workload (never a Job's or a test pod) and its targetPorts are their containerPorts.</summary>
    public static IEnumerable<string> ServicePorts(IReadOnlyList<Manifest> manifests)
    {
        var pods = Pods(manifests).ToList();
        foreach (var service in manifests.Where(m => m.Kind == "Service"))
        {
            var selector = service.Json["spec"]?["selector"];
            var selected = pods.Where(p => p.Namespace == service.Namespace && Selectors.MatchesServiceSelector(selector, p.Labels)).ToList();
            if (!selected.Any(p => ServerKinds.Contains(p.Owner.Kind)))
            {
                yield return $"{service}: selector {selector?.ToJsonString()} selects no Deployment's pods";
            }
            foreach (var other in selected.Where(p => !ServerKinds.Contains(p.Owner.Kind)))
            {
                yield return $"{service}: also selects the pods of {other.Owner}";
            }
            foreach (var port in service.Json["spec"]?["ports"]?.AsArray() ?? [])
            {
                var target = port!["targetPort"] ?? port["port"];
                var protocol = (string?)port["protocol"] ?? "TCP";
                foreach (var pod in selected)
                {
                    var matches = pod.Spec["containers"]!.AsArray()
                        .Select(c => (Container: c!.AsObject(), Port: ResolvePort(c!.AsObject(), target, protocol)))
                        .Where(c => c.Port is not null)
                        .ToList();
                    if (matches.Count == 0)
                    {
                        yield return $"{service}: port {(string?)port["name"]} targetPort {target?.ToJsonString()}/{protocol} is no containerPort of {pod.Owner}";
                    }
                }
            }
        }
    }

    /// <summary>PodDisruptionBudgets select a workload's pods; HorizontalPodAutoscalers scale an existing Deployment that leaves replicas to them.</summary>
    public static IEnumerable<string> BudgetsAndAutoscalers(IReadOnlyList<Manifest> manifests)
    {
        var servers = manifests.Where(m => ServerKinds.Contains(m.Kind)).ToList();
        foreach (var budget in manifests.Where(m => m.Kind == "PodDisruptionBudget"))
        {
            if (!servers.Any(s => s.Namespace == budget.Namespace && Selectors.Matches(budget.Json["spec"]?["selector"], s.Pod!.Labels)))
            {
                yield return $"{budget}: selects no workload's pods";
            }
        }
        foreach (var autoscaler in manifests.Where(m => m.Kind == "HorizontalPodAutoscaler"))
        {
            var target = autoscaler.Json["spec"]?["scaleTargetRef"];
            var workload = servers.FirstOrDefault(s => s.Kind == (string?)target?["kind"] && s.Name == (string?)target?["name"] &&
                s.ApiVersion == (string?)target?["apiVersion"] && s.Namespace == autoscaler.Namespace);
            if (workload is null)
            {
                yield return $"{autoscaler}: scaleTargetRef {target?.ToJsonString()} is no rendered workload";
            }
            else if (workload.Json["spec"]?["replicas"] is not null)
            {
                yield return $"{autoscaler}: {workload} sets spec.replicas, which every upgrade would reset under the autoscaler";
            }
            if ((long?)autoscaler.Json["spec"]?["minReplicas"] > (long?)autoscaler.Json["spec"]?["maxReplicas"])
            {
                yield return $"{autoscaler}: minReplicas above maxReplicas";
            }
        }
    }

    /// <summary>
    /// Every pod is selected by a NetworkPolicy for ingress and for egress, a default-deny policy selects every pod of
    /// the release, and the flows name pods that exist on ports they listen on.
    /// </summary>
    public static IEnumerable<string> NetworkPolicies(IReadOnlyList<Manifest> manifests)
    {
        var policies = manifests.Where(m => m.Kind == "NetworkPolicy").ToList();
        var pods = Pods(manifests).ToList();
        foreach (var pod in pods)
        {
            var covering = policies.Where(p => p.Namespace == pod.Namespace && Selectors.Matches(p.Json["spec"]?["podSelector"], pod.Labels)).ToList();
            foreach (var direction in new[] { "Ingress", "Egress" })
            {
                if (!covering.Any(p => PolicyTypes(p).Contains(direction)))
                {
                    yield return $"{pod}: no NetworkPolicy selects its pods for {direction}";
                }
            }
        }

        var defaultDeny = policies.Where(p => PolicyTypes(p).Contains("Ingress") && PolicyTypes(p).Contains("Egress") &&
            p.Json["spec"]?["ingress"] is null or JsonArray { Count: 0 } && p.Json["spec"]?["egress"] is null or JsonArray { Count: 0 }).ToList();
        if (defaultDeny.Count == 0)
        {
            yield return $"{manifests.FirstOrDefault()?.Rendering}: no default-deny NetworkPolicy (both policy types, no rules)";
        }
        foreach (var pod in pods.Where(p => !defaultDeny.Any(d => d.Namespace == p.Namespace && Selectors.Matches(d.Json["spec"]?["podSelector"], p.Labels))))
        {
            if (defaultDeny.Count > 0)
            {
                yield return $"{pod}: not selected by the default-deny NetworkPolicy {string.Join(", ", defaultDeny.Select(d => d.Name))}";
            }
        }

        foreach (var policy in policies)
        {
            var own = pods.Where(p => p.Namespace == policy.Namespace && Selectors.Matches(policy.Json["spec"]?["podSelector"], p.Labels)).ToList();
            if (own.Count == 0)
            {
                yield return $"{policy}: podSelector selects no rendered pod";
            }
            foreach (var (direction, peersKey) in new[] { ("ingress", "from"), ("egress", "to") })
            {
                foreach (var rule in policy.Json["spec"]?[direction]?.AsArray() ?? [])
                {
                    foreach (var peer in rule?[peersKey]?.AsArray() ?? [])
                    {
                        // Peers inside the release (a pod selector alone, with this release's instance label) must exist.
                        if (peer?["namespaceSelector"] is not null || peer?["podSelector"] is not JsonObject podSelector ||
                            (string?)podSelector["matchLabels"]?["app.kubernetes.io/instance"] is not { } instance ||
                            own.All(p => p.Labels.GetValueOrDefault("app.kubernetes.io/instance") != instance))
                        {
                            continue;
                        }
                        var peers = pods.Where(p => p.Namespace == policy.Namespace && Selectors.Matches(podSelector, p.Labels)).ToList();
                        if (peers.Count == 0)
                        {
                            yield return $"{policy}: {direction} peer {podSelector.ToJsonString()} selects no rendered pod";
                            continue;
                        }
                        // Egress to a peer: the port must be one the peer listens on. Ingress: one this policy's pods listen on.
                        var listeners = direction == "egress" ? peers : own;
                        foreach (var port in rule!["ports"]?.AsArray() ?? [])
                        {
                            foreach (var listener in listeners.Where(l => !l.Containers.Any(c => ResolvePort(c, port!["port"], (string?)port["protocol"] ?? "TCP") is not null)))
                            {
                                yield return $"{policy}: {direction} port {port!["port"]?.ToJsonString()} is no containerPort of {listener.Owner}";
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Every in-cluster address the configuration names (a Service of the release: Services__Case__Grpc, the gateway's
    /// clusters, Auth__MetadataAddress, an in-cluster issuer, the helm test's URL), and every Ingress and ServiceMonitor
    /// backend, is a rendered Service with that port. The contract test rewrites these addresses to loopback, so this is
    /// where a wrong name or port in them is caught.
    /// </summary>
    public static IEnumerable<string> References(IReadOnlyList<Manifest> manifests)
    {
        var services = manifests.Where(m => m.Kind == "Service").ToList();
        foreach (var pod in Pods(manifests))
        {
            foreach (var container in pod.Containers)
            {
                foreach (var (setting, url) in Addresses(container))
                {
                    if (InClusterTarget(services, pod.Namespace, url) is not { } target)
                    {
                        continue;
                    }
                    if (target.Service is null && target.Namespace == pod.Namespace)
                    {
                        yield return $"{pod}, container {Name(container)}: {setting} names {url.Host}, which is no rendered Service";
                    }
                    else if (target.Service is null)
                    {
                        continue; // another namespace's Service (e.g. an OTLP collector): NetworkFlows checks the way out
                    }
                    else if (!ServicePortsOf(target.Service).Any(p => (long?)p["port"] == url.Port))
                    {
                        yield return $"{pod}, container {Name(container)}: {setting} names port {url.Port} of {target.Service}, which has no such port";
                    }
                }
            }
        }
        foreach (var ingress in manifests.Where(m => m.Kind == "Ingress"))
        {
            foreach (var backend in (ingress.Json["spec"]?["rules"]?.AsArray() ?? [])
                .SelectMany(rule => rule?["http"]?["paths"]?.AsArray() ?? []).Select(path => path?["backend"]?["service"]))
            {
                var service = services.FirstOrDefault(s => s.Name == (string?)backend?["name"] && s.Namespace == ingress.Namespace);
                var port = backend?["port"];
                if (service is null || !ServicePortsOf(service).Any(p =>
                        (port?["name"] is { } name && (string?)p["name"] == (string?)name) || (port?["number"] is { } number && (long?)p["port"] == (long?)number)))
                {
                    yield return $"{ingress}: backend {backend?.ToJsonString()} is no rendered Service port";
                }
            }
        }
        foreach (var monitor in manifests.Where(m => m.Kind == "ServiceMonitor"))
        {
            var selected = services.Where(s => s.Namespace == monitor.Namespace && Selectors.Matches(monitor.Json["spec"]?["selector"], Labels(s))).ToList();
            if (selected.Count == 0)
            {
                yield return $"{monitor}: selects no rendered Service";
            }
            foreach (var endpoint in monitor.Json["spec"]?["endpoints"]?.AsArray() ?? [])
            {
                foreach (var service in selected.Where(s => !ServicePortsOf(s).Any(p => (string?)p["name"] == (string?)endpoint?["port"])))
                {
                    yield return $"{monitor}: endpoint port {(string?)endpoint?["port"]} is no port of {service}";
                }
            }
        }
    }

    /// <summary>
    /// Every pod given the broker's connection (ConnectionStrings__Broker), the migration hook Jobs included (their
    /// migrate verb declares the service's queues and bindings), may reach the broker: a NetworkPolicy selecting it
    /// allows AMQP (5672) out.
    /// </summary>
    public static IEnumerable<string> BrokerEgress(IReadOnlyList<Manifest> manifests)
    {
        var policies = manifests.Where(m => m.Kind == "NetworkPolicy").ToList();
        foreach (var pod in Pods(manifests).Where(p => p.Containers.Any(c => Env(c).ContainsKey("ConnectionStrings__Broker"))))
        {
            // The broker's pods are the operator's (by their labels), not the release's: any egress rule on the port counts.
            var allowed = policies.Where(p => p.Namespace == pod.Namespace && Selectors.Matches(p.Json["spec"]?["podSelector"], pod.Labels)
                    && PolicyTypes(p).Contains("Egress"))
                .SelectMany(p => p.Json["spec"]?["egress"]?.AsArray() ?? [])
                .Any(rule => rule?["ports"] is not JsonArray ports || ports.Count == 0 || ports.Any(port => (long?)port?["port"] == 5672));
            if (!allowed)
            {
                yield return $"{pod}: has ConnectionStrings__Broker but no NetworkPolicy of it allows AMQP (5672) out";
            }
        }
    }

    /// <summary>
    /// Every call the configuration makes to another pod of the release (the in-cluster addresses of
    /// <see cref="References"/>) is allowed out by a NetworkPolicy of the caller and in by one of the callee, on the
    /// port the callee's container listens on. Migration hook Jobs are left out: the migrate verb calls only the store and
    /// the broker, outside the release (see <see cref="BrokerEgress"/>).
    /// Settings that name an address without calling it are in <see cref="NotCalls"/>.
    /// </summary>
    public static IEnumerable<string> NetworkFlows(IReadOnlyList<Manifest> manifests)
    {
        var services = manifests.Where(m => m.Kind == "Service").ToList();
        var policies = manifests.Where(m => m.Kind == "NetworkPolicy").ToList();
        var pods = Pods(manifests).ToList();
        foreach (var caller in pods.Where(p => p.Owner.Hook is null || p.Owner.Hook == "test"))
        {
            foreach (var container in caller.Containers)
            {
                foreach (var (setting, url) in Addresses(container).Where(a => !NotCalls.ContainsKey(a.Setting)))
                {
                    if (InClusterTarget(services, caller.Namespace, url) is not { Service: { } service })
                    {
                        // Outside the release (a public URL, another namespace's Service): some egress rule of the caller
                        // allows the port to a peer outside the release's pods (an ipBlock, a namespace, or any address).
                        if (!AllowsOutOfRelease(policies, caller, url.Port))
                        {
                            yield return $"{caller}: {setting} calls {url.Host}:{url.Port}, outside the release, but no NetworkPolicy of the caller allows it out";
                        }
                        continue;
                    }
                    var servicePort = ServicePortsOf(service).FirstOrDefault(p => (long?)p["port"] == url.Port);
                    if (servicePort is null)
                    {
                        continue; // References names it
                    }
                    foreach (var callee in pods.Where(p => p.Namespace == service.Namespace && Selectors.MatchesServiceSelector(service.Json["spec"]?["selector"], p.Labels)))
                    {
                        var port = callee.Containers.Select(c => ResolvePort(c, servicePort["targetPort"] ?? servicePort["port"])).FirstOrDefault(p => p is not null);
                        if (port is null)
                        {
                            continue; // ServicePorts names it
                        }
                        if (!Allows(policies, caller, callee, port.Value, "egress", "to"))
                        {
                            yield return $"{caller}: {setting} calls {callee.Owner} on {port}, but no NetworkPolicy of the caller allows it out";
                        }
                        if (!Allows(policies, callee, caller, port.Value, "ingress", "from"))
                        {
                            yield return $"{callee}: {caller.Owner} calls it on {port} ({setting}), but no NetworkPolicy of {callee.Owner.Name} lets it in";
                        }
                    }
                }
            }
        }
    }

    /// <summary>Settings holding an address the process never connects to, with why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotCalls = new Dictionary<string, string>
    {
        ["Identity__Issuer"] = "the name its tokens carry (and discovery publishes); Identity serves it, never calls it",
    };

    /// <summary>Whether some policy selecting <paramref name="subject"/> has a rule of that direction admitting <paramref name="peer"/> on the port.</summary>
    private static bool Allows(IEnumerable<Manifest> policies, PodTemplate subject, PodTemplate peer, long port, string direction, string peersKey) =>
        policies.Where(p => p.Namespace == subject.Namespace && Selectors.Matches(p.Json["spec"]?["podSelector"], subject.Labels)
                && PolicyTypes(p).Contains(direction == "egress" ? "Egress" : "Ingress"))
            .SelectMany(p => p.Json["spec"]?[direction]?.AsArray() ?? [])
            .Any(rule =>
                (rule?["ports"] is not JsonArray ports || ports.Count == 0 ||
                 ports.Any(p => p?["port"] is null || ResolvePortOn(peer, subject, direction, p["port"]!) == port)) &&
                (rule?[peersKey] is not JsonArray peers || peers.Count == 0 ||
                 peers.Any(candidate => candidate?["ipBlock"] is null && candidate?["namespaceSelector"] is null &&
                     Selectors.Matches(candidate?["podSelector"], peer.Labels))));

    /// <summary>Whether some egress rule of a policy selecting <paramref name="subject"/> admits the port to an address outside the release's pods.</summary>
    private static bool AllowsOutOfRelease(IEnumerable<Manifest> policies, PodTemplate subject, long port) =>
        policies.Where(p => p.Namespace == subject.Namespace && Selectors.Matches(p.Json["spec"]?["podSelector"], subject.Labels)
                && PolicyTypes(p).Contains("Egress"))
            .SelectMany(p => p.Json["spec"]?["egress"]?.AsArray() ?? [])
            .Any(rule =>
                (rule?["ports"] is not JsonArray ports || ports.Count == 0 ||
                 ports.Any(p => p?["port"] is null || (p["port"]!.GetValueKind() == System.Text.Json.JsonValueKind.Number && (long?)p["port"] == port))) &&
                (rule?["to"] is not JsonArray peers || peers.Count == 0 ||
                 peers.Any(candidate => candidate?["ipBlock"] is not null || candidate?["namespaceSelector"] is not null)));

    /// <summary>A policy port: a number, or a name resolved on the pods that listen (the peer for egress, the subject for ingress).</summary>
    private static long? ResolvePortOn(PodTemplate peer, PodTemplate subject, string direction, JsonNode port) =>
        port.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? long.Parse(port.ToJsonString(), CultureInfo.InvariantCulture)
            : (direction == "egress" ? peer : subject).Containers.Select(c => ResolvePort(c, port)).FirstOrDefault(p => p is not null);

    /// <summary>The Service an in-cluster address names (null: none rendered) and the namespace it names.</summary>
    private sealed record Target(Manifest? Service, string Namespace);

    /// <summary>The Service an address names when it is an in-cluster one (a bare name, or name.namespace[.svc[.cluster.local]]); null otherwise.</summary>
    private static Target? InClusterTarget(IReadOnlyList<Manifest> services, string podNamespace, Uri url)
    {
        var parts = url.Host.Split('.');
        var inCluster = parts.Length == 1 || (parts.Length == 2 && services.Any(s => s.Namespace == parts[1])) ||
            (parts.Length >= 3 && parts[2] == "svc");
        if (!inCluster)
        {
            return null;
        }
        var @namespace = parts.Length > 1 ? parts[1] : podNamespace;
        return new Target(services.FirstOrDefault(s => s.Name == parts[0] && s.Namespace == @namespace), @namespace);
    }

    /// <summary>The absolute http(s) URLs in a container's env values and args, with the setting (or "args") that holds each.</summary>
    private static IEnumerable<(string Setting, Uri Url)> Addresses(JsonObject container)
    {
        var values = Env(container).Select(pair => (Setting: pair.Key, Value: pair.Value))
            .Concat((container["args"]?.AsArray() ?? []).Concat(container["command"]?.AsArray() ?? []).Select(a => (Setting: "args", Value: (string?)a?.ToString())));
        foreach (var (setting, value) in values)
        {
            if (value is not null && Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host != "+")
            {
                yield return (setting, url);
            }
        }
    }

    private static IEnumerable<JsonNode> ServicePortsOf(Manifest service) =>
        (service.Json["spec"]?["ports"]?.AsArray() ?? []).Where(p => p is not null).Select(p => p!);

    private static IReadOnlyDictionary<string, string> Labels(Manifest manifest) =>
        manifest.Json["metadata"]?["labels"]?.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value ?? "") ?? new Dictionary<string, string>();

    private static IReadOnlyList<string> PolicyTypes(Manifest policy) =>
        policy.Json["spec"]?["policyTypes"]?.AsArray().Select(t => (string?)t ?? "").ToList()
        ?? (policy.Json["spec"]?["egress"] is null ? ["Ingress"] : ["Ingress", "Egress"]);

    /// <summary>
    /// Settings whose names look secret but are not: each with why. Everything else named like a password, secret,
    /// token, key, PEM or connection string must come from a Secret (valueFrom.secretKeyRef).
    /// </summary>
    public static readonly IReadOnlyList<(Regex Name, string Why)> NotSecrets =
    [
        (new Regex("^RateLimiting__"), "token-bucket sizes and periods of the gateway's rate limiter"),
        (new Regex("^Retention__IdempotencyKeys$"), "how long Idempotency-Keys are kept"),
        (new Regex("__PublicKeyPem$"), "a trusted region's public key (its value must be a PUBLIC KEY PEM)"),
    ];

    private static readonly HashSet<string> SecretWords =
        ["password", "passwd", "pwd", "secret", "secrets", "token", "tokens", "key", "keys", "pem", "credential", "credentials", "apikey"];

    public static bool LooksSecret(string name) =>
        name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) ||
        Words().Matches(name).Any(word => SecretWords.Contains(word.Value.ToLowerInvariant()));

    /// <summary>No secret value in the rendered objects: no Secret with data, every secret-looking setting from a secretKeyRef.</summary>
    public static IEnumerable<string> SecretsByReference(IReadOnlyList<Manifest> manifests)
    {
        foreach (var secret in manifests.Where(m => m.Kind == "Secret"))
        {
            if (secret.Json["data"] is JsonObject { Count: > 0 } || secret.Json["stringData"] is JsonObject { Count: > 0 })
            {
                yield return $"{secret}: a Secret with values in the chart (secrets must exist before the install and be referenced)";
            }
        }
        foreach (var pod in Pods(manifests))
        {
            foreach (var container in pod.Containers)
            {
                if (container["envFrom"] is JsonArray { Count: > 0 })
                {
                    yield return $"{pod}, container {Name(container)}: envFrom (every setting is named in env)";
                }
                foreach (var variable in container["env"]?.AsArray() ?? [])
                {
                    var name = (string?)variable?["name"] ?? "";
                    if (!LooksSecret(name))
                    {
                        continue;
                    }
                    var exception = NotSecrets.FirstOrDefault(n => n.Name.IsMatch(name));
                    if (exception.Name is not null)
                    {
                        if (name.EndsWith("PublicKeyPem", StringComparison.Ordinal) && (string?)variable!["value"] is { } pem &&
                            (!pem.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal) || pem.Contains("PRIVATE", StringComparison.Ordinal)))
                        {
                            yield return $"{pod}, container {Name(container)}: {name} is not a public key PEM";
                        }
                        continue;
                    }
                    if (variable?["valueFrom"]?["secretKeyRef"] is null)
                    {
                        yield return $"{pod}, container {Name(container)}: {name} looks secret but is not from a secretKeyRef";
                    }
                }
            }
        }
    }

    /// <summary>Text that is a secret wherever it appears: credentials in URIs and connection strings, private keys.</summary>
    public static readonly IReadOnlyList<Regex> SecretPatterns =
    [
        new(@"(?i)\bpassword\s*="),
        new(@"(?i)\bpwd\s*="),
        new(@"-----BEGIN (?!PUBLIC KEY-----)[A-Z0-9 ]+-----"),
        new(@"(?i)\b(amqps?|mongodb(\+srv)?|postgres(ql)?|redis|https?)://[^/\s:@""']+:[^/\s@""']+@"),
    ];

    /// <summary>Every line of the rendered text that holds a known demo secret or a secret-looking pattern.</summary>
    public static IEnumerable<string> SecretText(string rendering, string text, IReadOnlyCollection<string> knownSecrets)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var secret in knownSecrets.Where(s => lines[i].Contains(s, StringComparison.Ordinal)))
            {
                yield return $"{rendering}: line {i + 1} holds the demo secret '{secret}': {lines[i].Trim()}";
            }
            foreach (var pattern in SecretPatterns.Where(p => p.IsMatch(lines[i])))
            {
                yield return $"{rendering}: line {i + 1} matches the secret pattern {pattern}: {lines[i].Trim()}";
            }
        }
    }

    /// <summary>Every image has a tag (or digest), and no tag is latest.</summary>
    public static IEnumerable<string> PinnedImages(IReadOnlyList<Manifest> manifests)
    {
        foreach (var pod in Pods(manifests))
        {
            foreach (var container in pod.Containers)
            {
                var image = (string?)container["image"] ?? "";
                var lastSegment = image[(image.LastIndexOf('/') + 1)..];
                if (image.Contains("@sha256:", StringComparison.Ordinal))
                {
                    continue;
                }
                if (!lastSegment.Contains(':'))
                {
                    yield return $"{pod}, container {Name(container)}: image {image} has no tag (that is latest)";
                }
                else if (lastSegment.EndsWith(":latest", StringComparison.Ordinal))
                {
                    yield return $"{pod}, container {Name(container)}: image {image} is latest";
                }
            }
        }
    }

    /// <summary>Pods that talk to the Kubernetes API and so may mount a service account token (none of Casework's does).</summary>
    public static readonly IReadOnlySet<string> NeedTheApi = new HashSet<string>();

    public static IEnumerable<string> NoServiceAccountToken(IReadOnlyList<Manifest> manifests)
    {
        foreach (var pod in Pods(manifests).Where(p => !NeedTheApi.Contains(p.Owner.Name)))
        {
            if ((bool?)pod.Spec["automountServiceAccountToken"] != false)
            {
                yield return $"{pod}: automountServiceAccountToken is not false (the pod does not use the Kubernetes API)";
            }
        }
    }

    /// <summary>The default Shutdown:TimeoutSeconds of every process (ServiceDefaultsExtensions).</summary>
    public const int DefaultShutdownTimeoutSeconds = 25;

    /// <summary>The grace period outlasts the preStop delay plus the host's drain (Shutdown__TimeoutSeconds), so the drain is never cut short.</summary>
    public static IEnumerable<string> GracefulShutdown(IReadOnlyList<Manifest> manifests)
    {
        foreach (var pod in Pods(manifests.Where(m => ServerKinds.Contains(m.Kind))))
        {
            var grace = (long?)pod.Spec["terminationGracePeriodSeconds"] ?? 30;
            foreach (var container in pod.Spec["containers"]!.AsArray().Select(c => c!.AsObject()))
            {
                var shutdown = Env(container).TryGetValue("Shutdown__TimeoutSeconds", out var value) && value is not null
                    ? int.Parse(value, CultureInfo.InvariantCulture)
                    : DefaultShutdownTimeoutSeconds;
                var preStop = (long?)container["lifecycle"]?["preStop"]?["sleep"]?["seconds"] ?? 0;
                if (container["lifecycle"]?["preStop"] is { } hook && hook["sleep"] is null)
                {
                    yield return $"{pod}, container {Name(container)}: preStop {hook.ToJsonString()} is not a sleep (its delay is unknown)";
                }
                if (container["lifecycle"]?["preStop"]?["sleep"] is not null && preStop < 1)
                {
                    yield return $"{pod}, container {Name(container)}: preStop sleep of {preStop} s (API servers before 1.33 refuse it; leave the hook out)";
                }
                if (grace <= shutdown + preStop)
                {
                    yield return $"{pod}, container {Name(container)}: terminationGracePeriodSeconds {grace} is not above preStop {preStop} s + Shutdown__TimeoutSeconds {shutdown} s";
                }
            }
        }
    }

    /// <summary>A Recreate rollout has no rollingUpdate block (the API server refuses the Deployment otherwise).</summary>
    public static IEnumerable<string> RolloutStrategies(IReadOnlyList<Manifest> manifests)
    {
        foreach (var deployment in manifests.Where(m => m.Kind == "Deployment"))
        {
            var strategy = deployment.Json["spec"]?["strategy"];
            if ((string?)strategy?["type"] == "Recreate" && strategy["rollingUpdate"] is not null)
            {
                yield return $"{deployment}: strategy Recreate with a rollingUpdate block";
            }
        }
    }

    /// <summary>
    /// ServiceMonitors honour the scraped labels: the Prometheus Operator adds a target label endpoint=&lt;port name&gt;,
    /// which would otherwise rename prometheus-net's own endpoint label (the route the alerts filter on) to exported_endpoint.
    /// </summary>
    public static IEnumerable<string> MonitorsHonourLabels(IReadOnlyList<Manifest> manifests)
    {
        foreach (var monitor in manifests.Where(m => m.Kind == "ServiceMonitor"))
        {
            foreach (var endpoint in monitor.Json["spec"]?["endpoints"]?.AsArray() ?? [])
            {
                if ((bool?)endpoint?["honorLabels"] != true)
                {
                    yield return $"{monitor}: endpoint {(string?)endpoint?["port"]} does not set honorLabels: true";
                }
            }
        }
    }

    /// <summary>Paths that stay inside the cluster: the processes' metrics and health.</summary>
    public static readonly string[] InternalPaths = ["/metrics", "/health/live", "/health/ready", "/health/broker"];

    /// <summary>No Ingress path reaches an internal path (an Exact or Prefix path, or an ImplementationSpecific one taken as a prefix).</summary>
    public static IEnumerable<string> PublicPathsOnly(IReadOnlyList<Manifest> manifests)
    {
        foreach (var ingress in manifests.Where(m => m.Kind == "Ingress"))
        {
            if (ingress.Json["spec"]?["defaultBackend"] is not null)
            {
                yield return $"{ingress}: a defaultBackend takes every path";
            }
            foreach (var path in (ingress.Json["spec"]?["rules"]?.AsArray() ?? []).SelectMany(rule => rule?["http"]?["paths"]?.AsArray() ?? []))
            {
                var value = (string?)path?["path"] ?? "/";
                var exact = (string?)path?["pathType"] == "Exact";
                foreach (var inner in InternalPaths.Where(inner => exact ? inner == value
                    : inner == value || inner.StartsWith(value.TrimEnd('/') + "/", StringComparison.Ordinal)))
                {
                    yield return $"{ingress}: path {value} ({(string?)path?["pathType"]}) exposes {inner}";
                }
            }
        }
    }

    /// <summary>Helm hooks that are NetworkPolicies go when their event's hooks succeeded, so an uninstall leaves none behind.</summary>
    public static IEnumerable<string> HookPoliciesCleanedUp(IReadOnlyList<Manifest> manifests)
    {
        foreach (var policy in manifests.Where(m => m.Kind == "NetworkPolicy" && m.Hook is not null))
        {
            var delete = ((string?)policy.Json["metadata"]?["annotations"]?["helm.sh/hook-delete-policy"] ?? "").Split(',');
            if (!delete.Contains("hook-succeeded") || !delete.Contains("before-hook-creation"))
            {
                yield return $"{policy}: hook-delete-policy {string.Join(',', delete)} lacks before-hook-creation or hook-succeeded";
            }
        }
    }

    /// <summary>A container's plain env values by name (null for valueFrom).</summary>
    public static IReadOnlyDictionary<string, string?> Env(JsonObject container) =>
        (container["env"]?.AsArray() ?? []).ToDictionary(v => (string)v!["name"]!, v => (string?)v!["value"]?.ToString());

    /// <summary>The port of each Kestrel endpoint the container's env configures (Http, Grpc, ...).</summary>
    public static IReadOnlyDictionary<string, long> KestrelPorts(JsonObject container) =>
        Env(container)
            .Select(pair => (Match: KestrelUrl().Match(pair.Key + "=" + pair.Value), pair))
            .Where(m => m.Match.Success)
            .ToDictionary(m => m.Match.Groups["endpoint"].Value, m => long.Parse(m.Match.Groups["port"].Value, CultureInfo.InvariantCulture));

    /// <summary>A port by number or name to a containerPort of the container (null if it declares none such).</summary>
    public static long? ResolvePort(JsonObject container, JsonNode? port, string protocol = "TCP")
    {
        foreach (var declared in container["ports"]?.AsArray() ?? [])
        {
            if (((string?)declared!["protocol"] ?? "TCP") != protocol)
            {
                continue;
            }
            var number = (long?)declared["containerPort"];
            var matches = port?.GetValueKind() == System.Text.Json.JsonValueKind.Number
                ? long.Parse(port.ToJsonString(), CultureInfo.InvariantCulture) == number
                : (string?)port == (string?)declared["name"];
            if (matches)
            {
                return number;
            }
        }
        return null;
    }

    [GeneratedRegex(@"^Kestrel__Endpoints__(?<endpoint>[^_]+)__Url=\w+://[^/]*:(?<port>[0-9]+)/?$")]
    private static partial Regex KestrelUrl();

    [GeneratedRegex(@"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")]
    private static partial Regex Words();
}
