{{/*
Names, labels and the image, shared by every template.

Namespaced objects have fixed names (sidelane-controller, sidelane-injector, sidelane-gateway):
proxies reach the controller as sidelane-controller.<ns>.svc, the injector's serving certificate is
for sidelane-injector.<ns>.svc, and the Lease and TLS Secret names are the commands' defaults. So
one release per namespace. Cluster-scoped objects (ClusterRoles, their bindings) carry the fullname,
so releases in different namespaces do not overwrite each other's.
*/}}

{{- define "sidelane.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-sidelane, or just the release name when it already says sidelane. */}}
{{- define "sidelane.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "sidelane.controllerName" -}}sidelane-controller{{- end -}}
{{- define "sidelane.injectorName" -}}sidelane-injector{{- end -}}
{{- define "sidelane.gatewayName" -}}sidelane-gateway{{- end -}}
{{- define "sidelane.injectorTlsSecret" -}}sidelane-injector-tls{{- end -}}
{{- define "sidelane.leaseName" -}}sidelane-controller{{- end -}}

{{/* A cluster-scoped name for one component: <fullname>-<component>. */}}
{{- define "sidelane.clusterName" -}}
{{- printf "%s-%s" (include "sidelane.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sidelane.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{- define "sidelane.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "sidelane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sidelane
{{- end -}}

{{/* Selector labels of one component: call with (dict "root" $ "component" "controller"). */}}
{{- define "sidelane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sidelane.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "sidelane.componentLabels" -}}
{{ include "sidelane.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The container securityContext of the controller, the injector and the gateway: nothing but the process, as the image's USER. */}}
{{- define "sidelane.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1337
runAsGroup: 1337
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Pod-level scheduling shared by the Deployments; the default affinity spreads replicas over nodes. */}}
{{- define "sidelane.scheduling" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
affinity:
{{- if .root.Values.affinity }}
  {{- toYaml .root.Values.affinity | nindent 2 }}
{{- else }}
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "sidelane.selectorLabels" . | nindent 14 }}
{{- end }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "sidelane.selectorLabels" . | nindent 8 }}
{{- end -}}
