{{/* Intake's configuration: the domain service settings, the Case gRPC address and config (values.yaml). */}}
{{- define "intake.env" -}}
{{ include "casework-lib.env.domainService" . }}
- name: Services__Case__Grpc
  value: "http://{{ include "casework-lib.peerName" (dict "ctx" . "name" "case") }}:{{ include "casework-lib.grpcPort" . }}"
{{ include "casework-lib.env.flatten" (dict "prefix" "" "value" .Values.config) }}
{{- end -}}

{{/* In: the gateway (API). */}}
{{- define "intake.ingress" -}}
{{ include "casework-lib.np.fromPeer" (dict "ctx" . "name" "gateway" "port" (include "casework-lib.httpPort" .)) }}
{{- end -}}

{{/* Out: Case over gRPC (access checks, pathways), its store, the broker, the token issuer, partners' webhooks. */}}
{{- define "intake.egress" -}}
{{ include "casework-lib.np.toPeer" (dict "ctx" . "name" "case" "port" (include "casework-lib.grpcPort" .)) }}
{{ include "casework-lib.np.store" . }}
{{ include "casework-lib.np.broker" . }}
{{ include "casework-lib.np.issuer" . }}
{{- with .Values.networkPolicy.webhookEgress }}
{{ toYaml . }}
{{- end }}
{{- end -}}
