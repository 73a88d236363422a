#!/usr/bin/env python3
"""Writes values.yaml and values.schema.json of the seven component charts from one description, so the values
every component shares (image, rollout, resources, probes, drain, store, policies) are documented and validated the
same way everywhere. Run after changing it: python3 scripts/chart-values.py (the outputs are committed).
With an argument, writes <dir>/<chart>/values.yaml and values.schema.json there instead (the deploy tests compare
that output with the committed files)."""
import json
import os
import sys

CHARTS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "charts")

COMMON = """\
# Global values (region, image registry and tag, public URL, broker Secret, default store engine, network
# policy destinations, monitoring) come from the umbrella chart `casework` (see its values.yaml). A chart
# installed on its own uses their defaults.
global: {{}}

image:
  # Registry host (and path) in front of the repository; empty: global.image.registry, else none.
  registry: ""
  # Repository of the image `make images` builds.
  repository: casework/{name}
  # Image tag; empty: global.image.tag, else the chart's appVersion.
  tag: ""
  # Pull policy; empty: global.image.pullPolicy, else IfNotPresent.
  pullPolicy: ""
# Names of existing image pull Secrets, in addition to global.image.pullSecrets.
imagePullSecrets: []

# Pods when autoscaling is off.{replica_note}
replicaCount: {replicas}
# Rollout strategy of the Deployment. The default adds one new pod at a time and never drops below the
# desired number of ready pods. type Recreate stops every old pod before starting new ones (no
# rollingUpdate block is rendered then).{strategy_note}
strategy:
  type: RollingUpdate
  rollingUpdate:
    maxSurge: 1
    maxUnavailable: 0

# CPU and memory requests and limits of the container (and of the migration Job).
resources:
  requests:
    cpu: {cpu_request}
    memory: {memory_request}
  limits:
    cpu: "{cpu_limit}"
    memory: {memory_limit}

shutdown:
  # Shutdown:TimeoutSeconds: after SIGTERM the host drains in-flight requests and consumers this long.
  timeoutSeconds: 25
  # Seconds the pod keeps serving after it is marked for deletion (preStop), so Service endpoints and the
  # gateway stop sending to it before it stops. The grace period is this + timeoutSeconds + 10. 0: no
  # preStop hook (API servers before 1.33 refuse a sleep of 0).
  preStopSleepSeconds: 5

# Probes on the HTTP port (8080): startup and liveness on /health/live, readiness on /health/ready.
probes:
  # Start-up (schema, broker connection) may take up to periodSeconds x failureThreshold.
  startup:
    periodSeconds: 2
    timeoutSeconds: 3
    failureThreshold: 60
  liveness:
    periodSeconds: 10
    timeoutSeconds: 3
    failureThreshold: 3
  readiness:
    periodSeconds: 5
    timeoutSeconds: 3
    failureThreshold: 3

podDisruptionBudget:
  # A PodDisruptionBudget, so node drains take one pod at a time.
  enabled: true
  # Pods a voluntary disruption may take down at once.
  maxUnavailable: 1

autoscaling:
  # A HorizontalPodAutoscaler on CPU (then replicaCount is not set on the Deployment).
  enabled: false
  # Fewest pods.
  minReplicas: 2
  # Most pods.
  maxReplicas: 6
  # Average CPU utilisation (percent of the request) to aim for.
  targetCPUUtilizationPercentage: 70

forwardedHeaders:
  # ForwardedHeaders:TrustedNetworks: comma-separated CIDRs whose X-Forwarded-* headers are believed, or
  # "none"; empty: not set (the process's default).{forwarded_note}
  trustedNetworks: "{forwarded_default}"

# Size limit of the /tmp emptyDir (the root filesystem is read-only).
tmpSizeLimit: 64Mi
# Annotations of the pods.
podAnnotations: {{}}
# Node selection of the pods.
nodeSelector: {{}}
# Tolerations of the pods.
tolerations: []
# Affinity of the pods (a topology spread over nodes is always set).
affinity: {{}}
"""

STORE = """
store:
{engine_block}  # Existing Secret holding the connection string (ConnectionStrings:Store); empty: <release>-{name}-store.
  existingSecret: ""
  # Key of the connection string in that Secret.
  secretKey: connection-string
  # Store:MaxPoolSize: connections per pod; null: the service's default (16).
  maxPoolSize: null
  # NetworkPolicy peers (NetworkPolicyPeer list) of the store; empty: global.networkPolicy.<engine>.to.
  networkPeers: []
"""

ENGINE_ANY = """  # Store:Engine: postgres or mongodb; empty: global.store.engine, else postgres.
  engine: ""
"""
ENGINE_PG = """  # Identity keeps its users and clients in PostgreSQL only (EF Core).
  engine: postgres
"""

MIGRATION = """
migration:
  # A pre-install/pre-upgrade hook Job runs the image with the `migrate` verb (ensure the schema, exit) before
  # the pods roll out.{migration_note}
  enabled: true
  # Retries of a failed migration.
  backoffLimit: 2
  # Seconds the migration may take.
  activeDeadlineSeconds: 600
"""

INT = {"type": "integer"}
STR = {"type": "string"}
NULL_INT = {"type": ["integer", "null"], "minimum": 1}


def obj(props, required=None, additional=False):
    schema = {"type": "object", "properties": props, "additionalProperties": additional}
    if required:
        schema["required"] = required
    return schema


def quantity():
    return {"type": ["string", "integer", "number"]}


def common_schema(name, has_store, engine_enum, has_migration):
    probe = obj({"periodSeconds": {"type": "integer", "minimum": 1}, "timeoutSeconds": {"type": "integer", "minimum": 1},
                 "failureThreshold": {"type": "integer", "minimum": 1}}, ["periodSeconds", "timeoutSeconds", "failureThreshold"])
    props = {
        "global": {"type": "object", "description": "Set by the umbrella chart casework (see its schema)."},
        "casework-lib": {"type": "object", "description": "Helm's entry for the library chart (no values)."},
        "enabled": {"type": "boolean", "description": "The umbrella chart's condition: install this component."},
        "image": obj({"registry": STR, "repository": {"type": "string", "minLength": 1}, "tag": {"type": ["string", "number"]},
                      "pullPolicy": {"type": "string", "enum": ["", "Always", "IfNotPresent", "Never"]}}, ["repository"]),
        "imagePullSecrets": {"type": "array", "items": STR},
        "replicaCount": {"type": "integer", "minimum": 1},
        "strategy": {"type": "object", "properties": {"type": {"type": "string", "enum": ["RollingUpdate", "Recreate"]}}, "required": ["type"]},
        "resources": obj({"requests": obj({"cpu": quantity(), "memory": quantity()}, ["cpu", "memory"]),
                          "limits": obj({"cpu": quantity(), "memory": quantity()}, ["cpu", "memory"])}, ["requests", "limits"]),
        "shutdown": obj({"timeoutSeconds": {"type": "integer", "minimum": 1}, "preStopSleepSeconds": {"type": "integer", "minimum": 0}},
                        ["timeoutSeconds", "preStopSleepSeconds"]),
        "probes": obj({"startup": probe, "liveness": probe, "readiness": probe}, ["startup", "liveness", "readiness"]),
        "podDisruptionBudget": obj({"enabled": {"type": "boolean"}, "maxUnavailable": {"type": ["integer", "string"]}}, ["enabled"]),
        "autoscaling": obj({"enabled": {"type": "boolean"}, "minReplicas": {"type": "integer", "minimum": 1},
                            "maxReplicas": {"type": "integer", "minimum": 1},
                            "targetCPUUtilizationPercentage": {"type": "integer", "minimum": 1, "maximum": 100}}, ["enabled"]),
        "forwardedHeaders": obj({"trustedNetworks": STR}),
        "tmpSizeLimit": quantity(),
        "podAnnotations": {"type": "object", "additionalProperties": STR},
        "nodeSelector": {"type": "object", "additionalProperties": STR},
        "tolerations": {"type": "array", "items": {"type": "object"}},
        "affinity": {"type": "object"},
    }
    required = ["image", "replicaCount", "resources", "shutdown", "probes"]
    if has_store:
        props["store"] = obj({"engine": {"type": "string", "enum": engine_enum}, "existingSecret": STR,
                              "secretKey": {"type": "string", "minLength": 1}, "maxPoolSize": NULL_INT,
                              "networkPeers": {"type": "array", "items": {"type": "object"}}}, ["secretKey"])
        required.append("store")
    if has_migration:
        props["migration"] = obj({"enabled": {"type": "boolean"}, "backoffLimit": {"type": "integer", "minimum": 0},
                                  "activeDeadlineSeconds": {"type": "integer", "minimum": 1}}, ["enabled"])
    return props, required


def string_list():
    return {"type": ["array", "null"], "items": STR}


def timespan():
    return {"type": ["string", "null"], "pattern": r"^(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d+)?$"}


def egress_rules():
    return {"type": "array", "items": {"type": "object"}}


COMPONENTS = {
    "intake": dict(
        description="Intake: people, referrals and partner submissions (HTTP API, gRPC queries, events).",
        store=True, engines=["", "postgres", "mongodb"], migration=True, replicas=2,
        extra="""
# Configuration of Intake, passed to the process as environment variables named by their path
# (Referrals:DecisionSla:WorkingDays -> Referrals__DecisionSla__WorkingDays; list items __0, __1, ...).
# null: the service's default. Services__Case__Grpc (the Case service) is set by the chart.
config:
  Referrals:
    DecisionSla:
      # Working days staff have to decide a referral after the day it arrives (service default 5).
      WorkingDays: 5
      # Weekdays that are not working days (bank holidays, closures), YYYY-MM-DD.
      NonWorkingDates: []
  Intake:
    EqualityMonitoring:
      # The region's answer lists for the equality monitoring questions; null keeps the built-in list.
      Gender: null
      Ethnicity: null
      Disability: null
  Webhooks:
    # Delivery attempts in all (service default 8).
    MaxAttempts: null
    # Backoff between attempts, base and cap (hh:mm:ss; defaults 00:00:30 and 01:00:00).
    BaseDelay: null
    MaxDelay: null
    # How long a partner has to answer one post (default 00:00:10).
    Timeout: null
    # How long a claimed delivery stays hidden from other replicas; longer than Timeout (default 00:01:00).
    Lease: null
    # How often each replica looks for due deliveries (default 00:00:01).
    PollInterval: null
    # Due deliveries taken per poll (default 20) and sent at once (default 4).
    BatchSize: null
    Concurrency: null
  Retention:
    # Finished webhook deliveries are kept this long (d.hh:mm:ss; default 30.00:00:00).
    WebhookDeliveries: null
    # Idempotency-Keys answer retries this long (default 30.00:00:00).
    IdempotencyKeys: null
    # How often the retention runs (default 01:00:00).
    Interval: null
  Grpc:
    # Deadline of each gRPC call to Case, in milliseconds (default 3000).
    DeadlineMs: null

networkPolicy:
  # Partner webhooks: egress rules (NetworkPolicyEgressRule list) for the https posts to partners' public
  # URLs. The default allows TCP 443 to public addresses only (Intake refuses private targets anyway).
  webhookEgress:
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
            except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, 100.64.0.0/10, 127.0.0.0/8]
        # Public IPv6 (clusters with IPv6 or dual-stack pods; harmless elsewhere).
        - ipBlock:
            cidr: ::/0
            except: ["::1/128", "::ffff:0:0/96", "fc00::/7", "fe80::/10"]
      ports:
        - port: 443
          protocol: TCP
""",
        schema={
            "config": obj({
                "Referrals": obj({"DecisionSla": obj({"WorkingDays": {"type": ["integer", "null"], "minimum": 1, "maximum": 365},
                                                      "NonWorkingDates": {"type": "array", "items": {"type": "string", "format": "date",
                                                                                                     "pattern": r"^\d{4}-\d{2}-\d{2}$"}}})}),
                "Intake": obj({"EqualityMonitoring": obj({"Gender": string_list(), "Ethnicity": string_list(), "Disability": string_list()})}),
                "Webhooks": obj({"MaxAttempts": {"type": ["integer", "null"], "minimum": 1, "maximum": 50}, "BaseDelay": timespan(),
                                 "MaxDelay": timespan(), "Timeout": timespan(), "Lease": timespan(), "PollInterval": timespan(),
                                 "BatchSize": {"type": ["integer", "null"], "minimum": 1, "maximum": 500},
                                 "Concurrency": {"type": ["integer", "null"], "minimum": 1, "maximum": 64}}),
                "Retention": obj({"WebhookDeliveries": timespan(), "IdempotencyKeys": timespan(), "Interval": timespan()}),
                "Grpc": obj({"DeadlineMs": NULL_INT}),
            }),
            "networkPolicy": obj({"webhookEgress": egress_rules()}),
        }),
    "case": dict(
        description="Case: cases, pathways, plans, reviews and outcomes (HTTP API, gRPC queries for Intake and Notes, events).",
        store=True, engines=["", "postgres", "mongodb"], migration=True, replicas=2, extra="", schema={}),
    "notes": dict(
        description="Notes: case notes and amendments, restricted notes (HTTP API, gRPC queries, events).",
        store=True, engines=["", "postgres", "mongodb"], migration=True, replicas=2,
        extra="""
# Configuration of Notes as environment variables named by their path (list items __0, __1, ...); null: the
# service's default. Services__Case__Grpc (the Case service) is set by the chart.
config:
  Notes:
    RestrictedNotes:
      # Roles that read restricted notes besides the assigned worker and supervisors (e.g. [manager]).
      ReaderRoles: []
  Grpc:
    # Deadline of each gRPC call to Case, in milliseconds (default 3000).
    DeadlineMs: null
""",
        schema={"config": obj({"Notes": obj({"RestrictedNotes": obj({"ReaderRoles": {"type": "array", "items": {
            "type": "string", "enum": ["caseworker", "supervisor", "manager", "admin", "auditor"]}}})}),
            "Grpc": obj({"DeadlineMs": NULL_INT})})}),
    "assignment": dict(
        description="Assignment: workers, teams, capacity and assignments (HTTP API, gRPC queries, events).",
        store=True, engines=["", "postgres", "mongodb"], migration=True, replicas=2,
        strategy_note="""
# Only for a region moving to these charts from an install older than worker hours (issue 5): run that one
# upgrade with strategy.type=Recreate (the new version upgrades stored assignments at start-up, and no old
# pod should write old ones meanwhile).""",
        extra="", schema={}),
    "reporting": dict(
        description="Reporting: read models built from every event, dashboards, impact reports, federation rollups.",
        store=True, engines=["", "postgres", "mongodb"], migration=True, replicas=2,
        extra="""
# Reporting:RegionName, printed on the region's reports; empty: global.region.name (else the service's
# default, "Casework").
regionName: ""

federation:
  # Reporting:Federation:RegionId, the region id its rollups are signed for; empty: global.region.id.
  regionId: ""
  # The region's private signing key (Reporting:Federation:SigningKeyPem, ECDSA P-256 PEM), from an existing
  # Secret; empty existingSecret: no signing key (the service runs, only the rollup endpoint refuses).
  signingKey:
    existingSecret: ""
    secretKey: signing-key.pem
  # Regions whose signed rollups this instance accepts (a national instance): region id -> public key PEM
  # (Reporting:Federation:TrustedRegions:<id>:PublicKeyPem). Public keys are not secrets.
  trustedRegions: {}

# Configuration of Reporting as environment variables named by their path; null: the service's default.
config:
  Reporting:
    # Counts from 1 to this minus one are suppressed on every report (at least 2; service default 5).
    SmallNumberThreshold: 5
""",
        schema={
            "regionName": STR,
            "federation": obj({"regionId": {"type": "string", "pattern": "^([a-z0-9-]{1,64})?$"},
                               "signingKey": obj({"existingSecret": STR, "secretKey": {"type": "string", "minLength": 1}}, ["secretKey"]),
                               "trustedRegions": {"type": "object", "propertyNames": {"pattern": "^[a-z0-9-]{1,64}$"},
                                                  "additionalProperties": {"type": "string", "pattern": "^-----BEGIN PUBLIC KEY-----"}}}),
            "config": obj({"Reporting": obj({"SmallNumberThreshold": {"type": ["integer", "null"], "minimum": 2}})}),
        }),
    "identity": dict(
        description="Identity: the OpenID Connect server (users, roles, clients, signing keys).",
        store=True, engines=["postgres"], migration=True, replicas=2,
        migration_note="""
  # Identity's `migrate` creates its tables when they do not exist (EF Core EnsureCreated, under a PostgreSQL
  # advisory lock) and its data-protection key; it does not alter existing tables (README, known limitations).""",
        extra="""
# Identity:SigningKeyPem and Identity:EncryptionKeyPem: two different RSA private keys (PEM, at least 2048
# bits) that sign tokens and encrypt codes and refresh tokens, from one existing Secret (required: the root
# filesystem is read-only, so no key is generated).
keys:
  existingSecret: ""
  signingKeyKey: signing.pem
  encryptionKeyKey: encryption.pem
""",
        schema={"keys": obj({"existingSecret": STR, "signingKeyKey": {"type": "string", "minLength": 1},
                             "encryptionKeyKey": {"type": "string", "minLength": 1}}, ["signingKeyKey", "encryptionKeyKey"])}),
    "gateway": dict(
        description="The gateway (YARP): the region's only public entry, token validation and rate limits at the edge.",
        store=False, engines=[], migration=False, replicas=2,
        forwarded_note="""
  # The gateway trusts no caller's forwarded headers ("none"); behind an ingress controller, set the network
  # of the controller's pods so the client address it forwards is kept.""",
        forwarded_default="none",
        extra="""
# Configuration of the gateway as environment variables named by their path; null: the gateway's default.
# The cluster addresses (ReverseProxy:Clusters:<name>:Destinations:primary:Address) are set by the chart.
config:
  RateLimiting:
    Partner:
      # Token bucket per partner client: tokens added each period, period length, bucket size
      # (defaults 100, 1, 200).
      TokensPerPeriod: null
      ReplenishmentPeriodSeconds: null
      TokenLimit: null
    Anonymous:
      # Requests per minute per IP address to /connect/token and /account/login (default 300).
      PermitsPerMinute: null

networkPolicy:
  # Who may reach the gateway (NetworkPolicyPeer list), on its HTTP port. Default: the pods of the
  # ingress-nginx namespace. The helm test pod and the release's services (token keys) are always allowed.
  ingressFrom:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ingress-nginx
""",
        schema={
            "config": obj({"RateLimiting": obj({
                "Partner": obj({"TokensPerPeriod": NULL_INT, "ReplenishmentPeriodSeconds": NULL_INT, "TokenLimit": NULL_INT}),
                "Anonymous": obj({"PermitsPerMinute": NULL_INT})})}),
            "networkPolicy": obj({"ingressFrom": {"type": "array", "items": {"type": "object"}}}),
        }),
}

GENERATED = "GENERATED by scripts/chart-values.py: edit the script, then run it (python3 scripts/chart-values.py)"

SIZES = {
    "gateway": ("100m", "128Mi", 1, "384Mi"),
    "identity": ("100m", "192Mi", 1, "512Mi"),
    "reporting": ("200m", "256Mi", 2, "768Mi"),
}


def write(name, spec):
    cpu_request, memory_request, cpu_limit, memory_limit = SIZES.get(name, ("100m", "256Mi", 1, "512Mi"))
    text = "# " + GENERATED + "\n# Values of the " + name + " chart. " + spec["description"] + "\n\n" + COMMON.format(
        name=name, replicas=spec["replicas"], replica_note=spec.get("replica_note", ""),
        strategy_note=spec.get("strategy_note", ""), cpu_request=cpu_request, memory_request=memory_request,
        cpu_limit=cpu_limit, memory_limit=memory_limit, forwarded_note=spec.get("forwarded_note", ""),
        forwarded_default=spec.get("forwarded_default", ""))
    if spec["store"]:
        text += STORE.format(name=name, engine_block=ENGINE_PG if spec["engines"] == ["postgres"] else ENGINE_ANY)
    if spec["migration"]:
        text += MIGRATION.format(migration_note=spec.get("migration_note", ""))
    text += spec["extra"]
    os.makedirs(os.path.join(CHARTS, name), exist_ok=True)
    with open(os.path.join(CHARTS, name, "values.yaml"), "w") as f:
        f.write(text)

    props, required = common_schema(name, spec["store"], spec["engines"], spec["migration"])
    props.update(spec["schema"])
    schema = {"$schema": "https://json-schema.org/draft-07/schema#", "$comment": GENERATED, "title": f"Values of the {name} chart",
              "type": "object", "properties": props, "required": required, "additionalProperties": False}
    with open(os.path.join(CHARTS, name, "values.schema.json"), "w") as f:
        json.dump(schema, f, indent=2)
        f.write("\n")


for component, description in COMPONENTS.items():
    write(component, description)
