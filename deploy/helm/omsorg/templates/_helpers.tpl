{{/* The release's prefix of every object's name. */}}
{{- define "omsorg.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "omsorg.baseLabels" -}}
app.kubernetes.io/part-of: omsorg
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "omsorg.labels" -}}
{{ include "omsorg.baseLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one process: (dict "root" $ "name" "registry") */}}
{{- define "omsorg.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "omsorg.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* One process's values: the defaults, overridden by its entry under `services`. */}}
{{- define "omsorg.process" -}}
{{- $given := index .root.Values.services .name -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy $given)) -}}
{{- end -}}

{{- define "omsorg.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "omsorg.fullname" .)) -}}
{{- end -}}

{{- define "omsorg.sasl" -}}
{{- if hasPrefix "SASL_" .Values.config.kafka.securityProtocol -}}true{{- end -}}
{{- end -}}

{{- define "omsorg.tls" -}}
{{- if hasSuffix "SSL" .Values.config.kafka.securityProtocol -}}true{{- end -}}
{{- end -}}

{{/* Where the broker's CA comes from: "inline", "configMap", "secret" or "". */}}
{{- define "omsorg.kafkaCa" -}}
{{- $k := .Values.config.kafka -}}
{{- if $k.caCert -}}inline{{- else if $k.caFrom.configMap -}}configMap{{- else if $k.caFrom.secret -}}secret{{- end -}}
{{- end -}}

{{/* The Kafka TLS files' volumes and mounts, for the five services and the migration Job. */}}
{{- define "omsorg.kafkaVolumes" -}}
{{- $ca := include "omsorg.kafkaCa" . -}}
{{- if and (include "omsorg.tls" .) (eq $ca "inline") }}
- name: kafka-ca
  configMap:
    name: {{ include "omsorg.fullname" . }}-kafka-ca
{{- else if and (include "omsorg.tls" .) (eq $ca "configMap") }}
- name: kafka-ca
  configMap:
    name: {{ .Values.config.kafka.caFrom.configMap }}
    items:
      - key: {{ .Values.config.kafka.caFrom.key }}
        path: ca.crt
{{- else if and (include "omsorg.tls" .) (eq $ca "secret") }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.config.kafka.caFrom.secret }}
    items:
      - key: {{ .Values.config.kafka.caFrom.key }}
        path: ca.crt
{{- end }}
{{- if and (include "omsorg.tls" .) .Values.config.kafka.clientCertSecret }}
- name: kafka-client
  secret:
    secretName: {{ .Values.config.kafka.clientCertSecret }}
{{- end }}
{{- end -}}

{{- define "omsorg.kafkaMounts" -}}
{{- if and (include "omsorg.tls" .) (include "omsorg.kafkaCa" .) }}
- name: kafka-ca
  mountPath: /etc/omsorg/kafka-ca
  readOnly: true
{{- end }}
{{- if and (include "omsorg.tls" .) .Values.config.kafka.clientCertSecret }}
- name: kafka-client
  mountPath: /etc/omsorg/kafka-client
  readOnly: true
{{- end }}
{{- end -}}

{{/* A production secret given in the values: long enough (shared/settings.py: secret_problem). */}}
{{- define "omsorg.checkSecret" -}}
{{- if lt (len .value) 32 -}}
{{- fail (printf "secrets.%s must be at least 32 random characters (e.g. `openssl rand -hex 32`)" .name) -}}
{{- end -}}
{{- end -}}
