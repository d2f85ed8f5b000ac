{{/* Chart name, truncated to the 63 characters Kubernetes allows. */}}
{{- define "incident-scout.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart unless overridden. */}}
{{- define "incident-scout.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "incident-scout.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "incident-scout.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "incident-scout.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels the Deployment selects its pods by. */}}
{{- define "incident-scout.selectorLabels" -}}
app.kubernetes.io/name: {{ include "incident-scout.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The ServiceAccount name. */}}
{{- define "incident-scout.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "incident-scout.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret with the tokens. */}}
{{- define "incident-scout.secretName" -}}
{{- default (include "incident-scout.fullname" .) .Values.slack.existingSecret }}
{{- end }}

{{/* The ConfigMap with the manifests. */}}
{{- define "incident-scout.configMapName" -}}
{{- if .Values.manifests.create }}
{{- include "incident-scout.fullname" . }}
{{- else }}
{{- .Values.manifests.existingConfigMap }}
{{- end }}
{{- end }}
