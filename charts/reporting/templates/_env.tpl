{{/*
Reporting's configuration: the domain service settings, the region's name and federation (region id, signing key
from a Secret, trusted regions' public keys) and config (values.yaml).
*/}}
{{- define "reporting.env" -}}
{{- $g := .Values.global | default dict -}}
{{- $region := $g.region | default dict -}}
{{ include "casework-lib.env.domainService" . }}
{{- with .Values.regionName | default $region.name }}
- name: Reporting__RegionName
  value: {{ . | quote }}
{{- end }}
{{- with .Values.federation.regionId | default $region.id }}
- name: Reporting__Federation__RegionId
  value: {{ . | quote }}
{{- end }}
{{- with .Values.federation.signingKey.existingSecret }}
{{ include "casework-lib.env.fromSecret" (dict "name" "Reporting__Federation__SigningKeyPem" "secret" . "key" $.Values.federation.signingKey.secretKey) }}
{{- end }}
{{- range $id, $pem := .Values.federation.trustedRegions }}
- name: Reporting__Federation__TrustedRegions__{{ $id }}__PublicKeyPem
  value: {{ $pem | quote }}
{{- end }}
{{ include "casework-lib.env.flatten" (dict "prefix" "" "value" .Values.config) }}
{{- end -}}

{{/* In: the gateway (API). */}}
{{- define "reporting.ingress" -}}
{{ include "casework-lib.np.fromPeer" (dict "ctx" . "name" "gateway" "port" (include "casework-lib.httpPort" .)) }}
{{- end -}}

{{/* Out: its store, the broker, the token issuer. */}}
{{- define "reporting.egress" -}}
{{ include "casework-lib.np.store" . }}
{{ include "casework-lib.np.broker" . }}
{{ include "casework-lib.np.issuer" . }}
{{- end -}}
