{{/*
Environment helpers. Every setting a process reads reaches it as one environment variable in its container's env,
named exactly as .NET configuration reads it (Section__Key, list items Section__Key__0). Secrets only by
reference (secretKeyRef) to Secrets that exist before the install.
*/}}

{{/* The ports every image listens on (Directory.Build.props: ContainerPort 8080 and, for the services, 8081). */}}
{{- define "casework-lib.httpPort" -}}8080{{- end -}}
{{- define "casework-lib.grpcPort" -}}8081{{- end -}}

{{/*
Flattens a values map into configuration variables: (dict "prefix" "" "value" .Values.config).
{Referrals: {DecisionSla: {WorkingDays: 5}}} -> Referrals__DecisionSla__WorkingDays=5; lists get __0, __1, ...
Null values are left out (the service keeps its default).
*/}}
{{- define "casework-lib.env.flatten" -}}
{{- $prefix := .prefix -}}
{{- if kindIs "map" .value -}}
{{- range $key, $value := .value }}
{{- include "casework-lib.env.flatten" (dict "prefix" (ternary $key (printf "%s__%s" $prefix $key) (eq $prefix "")) "value" $value) }}
{{- end }}
{{- else if kindIs "slice" .value -}}
{{- range $index, $value := .value }}
{{- include "casework-lib.env.flatten" (dict "prefix" (printf "%s__%d" $prefix $index) "value" $value) }}
{{- end }}
{{- else if not (kindIs "invalid" .value) }}
- name: {{ $prefix }}
  value: {{ .value | toString | quote }}
{{- end }}
{{- end -}}

{{/* One variable from a key of an existing Secret: (dict "name" "ConnectionStrings__Store" "secret" "x" "key" "y"). */}}
{{- define "casework-lib.env.fromSecret" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end -}}

{{/* The region's public base URL (the issuer of its tokens): global.publicUrl, else the gateway's in-cluster URL. */}}
{{- define "casework-lib.issuer" -}}
{{- $g := .Values.global | default dict -}}
{{- if $g.publicUrl -}}
{{- printf "%s/" (trimSuffix "/" $g.publicUrl) -}}
{{- else -}}
{{- printf "http://%s.%s.svc:%s/" (include "casework-lib.peerName" (dict "ctx" . "name" "gateway")) .Release.Namespace (include "casework-lib.httpPort" .) -}}
{{- end -}}
{{- end -}}

{{/* What every process reads: its HTTP endpoint, the drain time, forwarded headers, traces. */}}
{{- define "casework-lib.env.host" -}}
{{- $g := .Values.global | default dict -}}
- name: Kestrel__Endpoints__Http__Url
  value: "http://+:{{ include "casework-lib.httpPort" . }}"
- name: Shutdown__TimeoutSeconds
  value: {{ .Values.shutdown.timeoutSeconds | quote }}
{{- with .Values.forwardedHeaders.trustedNetworks }}
- name: ForwardedHeaders__TrustedNetworks
  value: {{ . | quote }}
{{- end }}
{{- with $g.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* The gRPC endpoint of a service (h2c on its own port). */}}
{{- define "casework-lib.env.grpcServer" -}}
- name: Kestrel__Endpoints__Grpc__Url
  value: "http://+:{{ include "casework-lib.grpcPort" . }}"
- name: Kestrel__Endpoints__Grpc__Protocols
  value: Http2
{{- end -}}

{{/*
Token validation (services and gateway): the issuer as authority. With global.publicUrl the discovery document and
the signing keys are read where the issuer publishes them, under the public URL (through the ingress): an https
issuer's Identity answers only requests the gateway marks as https, so not a plain call to its Service. Without it
(an in-cluster, plain-HTTP issuer, hence RequireHttpsMetadata false) discovery is read from the identity Service
directly, the keys from its jwks_uri (the gateway's Service).
*/}}
{{- define "casework-lib.env.auth" -}}
{{- $g := .Values.global | default dict -}}
- name: Auth__Authority
  value: {{ include "casework-lib.issuer" . | quote }}
{{- if not $g.publicUrl }}
- name: Auth__MetadataAddress
  value: "http://{{ include "casework-lib.peerName" (dict "ctx" . "name" "identity") }}:{{ include "casework-lib.httpPort" . }}/.well-known/openid-configuration"
{{- end }}
- name: Auth__RequireHttpsMetadata
  value: "false"
{{- end -}}

{{/* The region's calendar, shared by every domain service. */}}
{{- define "casework-lib.env.region" -}}
{{- $g := .Values.global | default dict -}}
{{- $region := $g.region | default dict -}}
- name: Region__TimeZone
  value: {{ $region.timeZone | default "UTC" | quote }}
{{- end -}}

{{/* The store engine of this chart: its own store.engine, else global.store.engine, else postgres. */}}
{{- define "casework-lib.storeEngine" -}}
{{- $g := .Values.global | default dict -}}
{{- $gs := $g.store | default dict -}}
{{- .Values.store.engine | default $gs.engine | default "postgres" -}}
{{- end -}}

{{- define "casework-lib.storeSecret" -}}
{{- .Values.store.existingSecret | default (printf "%s-store" (include "casework-lib.fullname" .)) -}}
{{- end -}}

{{/* The store: engine (unless the service has only one, "withEngine" false), connection string from a Secret, pool size. */}}
{{- define "casework-lib.env.store" -}}
{{- $ctx := .ctx -}}
{{- if .withEngine }}
- name: Store__Engine
  value: {{ include "casework-lib.storeEngine" $ctx | quote }}
{{- end }}
{{ include "casework-lib.env.fromSecret" (dict "name" "ConnectionStrings__Store" "secret" (include "casework-lib.storeSecret" $ctx) "key" ($ctx.Values.store.secretKey | default "connection-string")) }}
{{- with $ctx.Values.store.maxPoolSize }}
- name: Store__MaxPoolSize
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{- define "casework-lib.brokerSecret" -}}
{{- $g := .Values.global | default dict -}}
{{- $gb := $g.broker | default dict -}}
{{- $gb.existingSecret | default (printf "%s-broker" .Release.Name) -}}
{{- end -}}

{{/* The broker's AMQP URI (credentials, host, vhost) from a Secret. */}}
{{- define "casework-lib.env.broker" -}}
{{- $g := .Values.global | default dict -}}
{{- $gb := $g.broker | default dict -}}
{{ include "casework-lib.env.fromSecret" (dict "name" "ConnectionStrings__Broker" "secret" (include "casework-lib.brokerSecret" .) "key" ($gb.secretKey | default "connection-string")) }}
{{- end -}}

{{/*
Everything the five domain services (Intake, Case, Notes, Assignment, Reporting) read alike: host, gRPC server,
tokens, calendar, store, broker. Each chart adds its own settings after it.
*/}}
{{- define "casework-lib.env.domainService" -}}
{{ include "casework-lib.env.host" . }}
{{ include "casework-lib.env.grpcServer" . }}
{{ include "casework-lib.env.auth" . }}
{{ include "casework-lib.env.region" . }}
{{ include "casework-lib.env.store" (dict "ctx" . "withEngine" true) }}
{{ include "casework-lib.env.broker" . }}
{{- end -}}
