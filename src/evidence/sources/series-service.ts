// Which service a metric series belongs to, from the labels exporters actually put on it: a service
// label (ours, OTel's `service_name`, Kubernetes' `app`), the workload that reported a mesh series
// (Istio), the Deployment or StatefulSet a pod belongs to (cAdvisor, kube-state-metrics), and last the
// scrape job (which names a service with OTel's Prometheus exporter, but a scrape config elsewhere).
// The files source and the Prometheus source both name services here, so the same data gives the same
// services whichever holds it; the PromQL matchers below find a service's series by any of these labels.

/** Labels that name the service outright, most specific first. */
const NAMING = ['service', 'service_name', 'app_kubernetes_io_name', 'app', 'k8s_app', 'workload'] as const;

/** Labels holding a pod's name (cAdvisor and kube-state-metrics `pod`, OTel `k8s_pod_name`). */
const POD = ['pod', 'pod_name', 'k8s_pod_name', 'kubernetes_pod_name'] as const;

/** Characters of the suffixes Kubernetes generates (apimachinery's SafeEncodeString, plus digits). */
const SAFE = '[bcdfghjklmnpqrstvwxz0-9]';

/**
 * The workload a pod belongs to, from how Kubernetes names pods: a Deployment's `<name>-<template hash>-<5
 * chars>`, a DaemonSet's or Job's `<name>-<5 chars>`, a StatefulSet's `<name>-<ordinal>`. A name without
 * such a suffix is returned as it is.
 */
export function workloadOfPod(pod: string): string {
  // Kubernetes draws generated suffixes from an alphabet without vowels (so they never spell words).
  const deployment = new RegExp(`^(.+)-${SAFE}{6,10}-${SAFE}{5}$`).exec(pod);
  if (deployment) return deployment[1] as string;
  const statefulSet = /^(.+)-\d{1,4}$/.exec(pod);
  if (statefulSet) return statefulSet[1] as string;
  const generated = new RegExp(`^(.+)-${SAFE}{5}$`).exec(pod);
  // Five characters Kubernetes generated mix letters and digits; `auth-store` keeps its name.
  if (generated && /\d/.test(pod.slice(-5))) return generated[1] as string;
  return pod;
}

const isPod = (label: string): boolean => (POD as readonly string[]).includes(label);

/** The service a naming label's value names: a pod's workload, else the value itself. */
export function serviceOfLabel(label: string, value: string): string {
  return isPod(label) ? workloadOfPod(value) : value;
}

/** How a series is named: the service and the label it was read from. */
export interface Naming {
  service: string;
  label: string;
}

/** The service a series belongs to (see file comment) and the label that said so, or undefined when none says. */
export function namingOf(labels: Readonly<Record<string, string>>): Naming | undefined {
  for (const label of NAMING) if (labels[label]) return { service: labels[label], label };
  // Istio's telemetry names both ends; the series is the view of the end that reported it.
  const reporter = labels['reporter'];
  if (reporter === 'destination' && labels['destination_workload'])
    return { service: labels['destination_workload'], label: 'destination_workload' };
  if (reporter === 'source' && labels['source_workload'])
    return { service: labels['source_workload'], label: 'source_workload' };
  for (const label of POD) if (labels[label]) return { service: workloadOfPod(labels[label]), label };
  return labels['job'] ? { service: labels['job'], label: 'job' } : undefined;
}

/** The service a series belongs to (see file comment), or undefined when no label says. */
export function serviceOfSeries(labels: Readonly<Record<string, string>>): string | undefined {
  return namingOf(labels)?.service;
}

/** Every label namingOf reads a service from, in its order. */
export const NAMING_LABELS: readonly string[] = [...NAMING, 'destination_workload', 'source_workload', ...POD, 'job'];

/**
 * The PromQL label matcher (the text inside `{}`) for the series that `label` names as a service matching
 * `re` (a regex body, escaped for a PromQL string, e.g. from regexAlternation): a pod label matches the
 * workload with or without the suffix Kubernetes generated, an Istio workload label only where that end
 * reported. It may match more than namingOf gives the service (a `job` matches where `service` names
 * another service); callers keep the series whose naming is the one asked.
 */
export function serviceMatcher(label: string, re: string): string {
  const body = isPod(label) && re !== '.+' ? `(?:${re})(?:-.+)?` : re;
  // A literal (one plain name) reads better as an equality in a link a person opens.
  const m = /^[\w:-]+$/.test(body) ? `${label}="${body}"` : `${label}=~"${body}"`;
  if (label === 'destination_workload') return `reporter="destination",${m}`;
  if (label === 'source_workload') return `reporter="source",${m}`;
  return m;
}

/**
 * Selectors (each the text inside `{}`) whose union is exactly the series that namingOf names by `label`:
 * the label set, every label it reads first empty (PromQL: `=""` is also an absent label). Only labels
 * in `present` (the server's label names) need saying empty. An Istio series named by its reporter is
 * no pod's or job's, which takes three selectors (a selector cannot say "not both").
 */
export function namedBySelectors(label: string, present: ReadonlySet<string>): string[] {
  const at = NAMING_LABELS.indexOf(label);
  const empty = (labels: readonly string[]): string[] =>
    labels.filter((l) => present.has(l) && l !== label).map((l) => `${l}=""`);
  const naming = empty(NAMING);
  if ((NAMING as readonly string[]).includes(label))
    return [[`${label}!=""`, ...empty(NAMING_LABELS.slice(0, at))].join(',')];
  if (label === 'destination_workload') return [[`reporter="destination"`, `${label}!=""`, ...naming].join(',')];
  if (label === 'source_workload') return [[`reporter="source"`, `${label}!=""`, ...naming].join(',')];
  const before = [`${label}!=""`, ...naming, ...empty(POD.filter((l) => NAMING_LABELS.indexOf(l) < at))];
  if (!present.has('reporter')) return [before.join(',')];
  return [
    'reporter!~"destination|source"',
    'reporter="destination",destination_workload=""',
    'reporter="source",source_workload=""',
  ].map((istio) => [...before, istio].join(','));
}
