{{/* The chart's name, or nameOverride. */}}
{{- define "yatagarasu.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The name of the operator's objects: fullnameOverride, else <release>-<chart> (just <release> when it already holds the chart's name). */}}
{{- define "yatagarasu.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels on every object of the chart. */}}
{{- define "yatagarasu.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "yatagarasu.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: yatagarasu
{{- end }}

{{/* Labels that select the operator's pods; never change them, Deployment selectors are immutable. */}}
{{- define "yatagarasu.selectorLabels" -}}
app.kubernetes.io/name: {{ include "yatagarasu.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* The operator's ServiceAccount. */}}
{{- define "yatagarasu.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "yatagarasu.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The namespaces the operator watches: empty in cluster mode (every namespace). */}}
{{- define "yatagarasu.watchNamespaces" -}}
{{- if eq .Values.scope "namespaced" }}
{{- if .Values.watchNamespaces }}
{{- join "," .Values.watchNamespaces }}
{{- else }}
{{- .Release.Namespace }}
{{- end }}
{{- end }}
{{- end }}

{{/* The operator image reference. */}}
{{- define "yatagarasu.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The default proxy image of fleets that set no spec.image. */}}
{{- define "yatagarasu.proxyImage" -}}
{{- $tag := default .Chart.AppVersion .Values.proxyImage.tag }}
{{- if .Values.proxyImage.digest }}
{{- printf "%s@%s" .Values.proxyImage.repository .Values.proxyImage.digest }}
{{- else }}
{{- printf "%s:%s" .Values.proxyImage.repository $tag }}
{{- end }}
{{- end }}
