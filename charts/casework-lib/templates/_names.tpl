{{/*
Names and labels. Every Casework object is named <release>-<chart> (casework-intake, casework-gateway, ...), so
a component finds its siblings of the same release by name alone (casework-lib.peerName).
*/}}

{{- define "casework-lib.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "casework-lib.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of a sibling component of the same release: (dict "ctx" . "name" "case"). */}}
{{- define "casework-lib.peerName" -}}
{{- printf "%s-%s" .ctx.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "casework-lib.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The global values (set by the umbrella chart; empty when a chart is installed on its own). */}}
{{- define "casework-lib.global" -}}
{{- toYaml (.Values.global | default dict) -}}
{{- end -}}

{{/*
Selector labels of a component's server pods: (dict "ctx" . "name" "case"); "component" is "server" for the
Deployment and "migration" for the hook Job, so a Service never selects a migration pod.
*/}}
{{- define "casework-lib.componentSelectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component | default "server" }}
{{- end -}}

{{- define "casework-lib.selectorLabels" -}}
{{ include "casework-lib.componentSelectorLabels" (dict "ctx" . "name" (include "casework-lib.name" .)) }}
{{- end -}}

{{/* Labels every object carries, without app.kubernetes.io/component (objects add their own). */}}
{{- define "casework-lib.commonLabels" -}}
helm.sh/chart: {{ include "casework-lib.chart" . }}
app.kubernetes.io/name: {{ include "casework-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ include "casework-lib.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: casework
{{- end -}}

{{- define "casework-lib.labels" -}}
{{ include "casework-lib.commonLabels" . }}
app.kubernetes.io/component: server
{{- end -}}

{{/* Image: the chart's registry or the global one; the chart's tag, the global one, or the chart's appVersion. */}}
{{- define "casework-lib.imageTag" -}}
{{- $g := .Values.global | default dict -}}
{{- $gi := $g.image | default dict -}}
{{- (.Values.image | default dict).tag | default $gi.tag | default .Chart.AppVersion | toString | trunc 63 -}}
{{- end -}}

{{- define "casework-lib.image" -}}
{{- $g := .Values.global | default dict -}}
{{- $gi := $g.image | default dict -}}
{{- $registry := .Values.image.registry | default $gi.registry -}}
{{- $tag := include "casework-lib.imageTag" . -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .Values.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "casework-lib.imagePullPolicy" -}}
{{- $g := .Values.global | default dict -}}
{{- $gi := $g.image | default dict -}}
{{- .Values.image.pullPolicy | default $gi.pullPolicy | default "IfNotPresent" -}}
{{- end -}}

{{- define "casework-lib.imagePullSecrets" -}}
{{- $g := .Values.global | default dict -}}
{{- $gi := $g.image | default dict -}}
{{- $secrets := concat (.Values.imagePullSecrets | default list) ($gi.pullSecrets | default list) | uniq -}}
{{- if $secrets }}
imagePullSecrets:
{{- range $secrets }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}
