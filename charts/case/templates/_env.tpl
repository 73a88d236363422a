{{/* Case's configuration: the domain service settings only. */}}
{{- define "case.env" -}}
{{ include "casework-lib.env.domainService" . }}
{{- end -}}

{{/* In: the gateway (API); Intake and Notes over gRPC (case queries, access checks). */}}
{{- define "case.ingress" -}}
{{ include "casework-lib.np.fromPeer" (dict "ctx" . "name" "gateway" "port" (include "casework-lib.httpPort" .)) }}
{{ include "casework-lib.np.fromPeer" (dict "ctx" . "name" "intake" "port" (include "casework-lib.grpcPort" .)) }}
{{ include "casework-lib.np.fromPeer" (dict "ctx" . "name" "notes" "port" (include "casework-lib.grpcPort" .)) }}
{{- end -}}

{{/* Out: its store, the broker, the token issuer. */}}
{{- define "case.egress" -}}
{{ include "casework-lib.np.store" . }}
{{ include "casework-lib.np.broker" . }}
{{ include "casework-lib.np.issuer" . }}
{{- end -}}
