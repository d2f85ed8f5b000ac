// External dependencies outside the topology: hosts that callers' error logs name (a DNS name, host:port,
// a URL), and TLS / certificate failures. A name that is a known service (see hosts.ts) is
// that service, not an external dependency.

import { redactSecrets } from '../../domain/redact';
import type { TemplateStat } from '../types';
import { hostReader } from './hosts';

export interface ExternalMention {
  /** The dependency as named (host, or the known service it resolves to). */
  name: string;
  /** True when it is a known service (the evidence then goes to that service). */
  known: boolean;
  /** Services whose rising errors name it. */
  callers: string[];
  /** Any of those errors is a TLS / certificate failure. */
  tls: boolean;
  /** Error lines naming it during the incident. */
  count: number;
  sample: string;
}

const TLS = /x509|certificat|\bssl|\btls\b|handshake|pkix/i;
// host.name(.tld)(:port), or a URL's host; the last label has letters and is not a file or code extension.
// Labels are at most 63 characters (RFC 1035), which also bounds the regex's backtracking on long tokens.
const HOST =
  /\b(?:[a-z][a-z0-9+.-]*:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9])(?::\d{2,5})?\b/gi;
const NOT_HOST =
  /\.(java|py|js|ts|go|rb|rs|cs|cpp|c|h|kt|scala|php|log|txt|json|yaml|yml|xml|html|conf|cfg|ini|so|dll|exe|jar|class|sh|md|csv|gz|zip|tmp|pid|sock|lock|properties)$/i;
const HOSTISH_WORD =
  /^(?:[a-z]+\.){1,}(?:com|net|org|io|dev|cloud|local|internal|svc|cluster|amazonaws|googleapis|azure|app|co|api|ai|example)$/i;

/** Host-like names in a text: DNS names and URL hosts (not file names, dotted code identifiers or versions). */
export function hostsIn(text: string): string[] {
  const out = new Set<string>();
  if (!text.includes('.')) return []; // every host name has a dot; most log lines are spared the regex
  for (const m of text.matchAll(HOST)) {
    const host = (m[1] as string).toLowerCase();
    // A name cut off at the end of a clipped sample is not a name.
    const next = text[(m.index ?? 0) + m[0].length];
    if (next === '…' || next === '<' || (next === '.' && text[(m.index ?? 0) + m[0].length + 1] === '<')) continue;
    if (NOT_HOST.test(host)) continue;
    const labels = host.split('.');
    // Dotted identifiers (java.lang.Exception, org.postgresql.Driver) look like hosts; keep names with a
    // port, a URL scheme, a hyphen or digits, or an internet-looking suffix.
    const explicit = /:\d/.test(m[0]) || /:\/\//.test(m[0]) || /[-\d]/.test(host) || HOSTISH_WORD.test(host);
    if (!explicit || labels.some((l) => /^[A-Z]/.test(l))) continue;
    if (
      /^(java|javax|org|com|net|io|sun|jdk|android|kotlin|scala|python|node)\.[a-z]+\.[a-z]/i.test(host) &&
      !/:\d|:\/\//.test(m[0])
    )
      continue;
    out.add(host);
  }
  return [...out];
}

/** A host named in a service's error events (full multi-line text), first seen at `firstSeen`. */
export interface HostMention {
  service: string;
  host: string;
  count: number;
  tls: boolean;
  firstSeen: number;
  sample: string;
}

/** Collects the hosts error events name, per service (a streaming pass feeds it one event at a time). */
export class HostMentions {
  private readonly by = new Map<string, HostMention>();
  add(service: string, ts: number, raw: string): void {
    if (!hostsIn(raw).length) return;
    // Hosts and the sample come from the redacted event: a dotted token (a JWT) is not read as a host and
    // lower-cased into a service name the redactor no longer recognises, and a URL's password is not quoted.
    const text = redactSecrets(raw).text;
    const hosts = hostsIn(text);
    if (!hosts.length) return;
    const tls = TLS.test(text);
    for (const host of hosts.slice(0, 3)) {
      const k = `${service}\u0000${host}`;
      const lines = text.split('\n');
      // The line naming the host, and the TLS failure when another line of the event states it.
      const sample = [
        lines.find((l) => l.toLowerCase().includes(host)),
        tls ? lines.find((l) => TLS.test(l)) : undefined,
      ]
        .filter((l, i, all): l is string => l !== undefined && all.indexOf(l) === i)
        .map((l) => l.slice(0, 300))
        .join('\n');
      const m = this.by.get(k) ?? { service, host, count: 0, tls: false, firstSeen: ts, sample };
      m.count++;
      m.tls = m.tls || tls;
      m.firstSeen = Math.min(m.firstSeen, ts);
      this.by.set(k, m);
      if (this.by.size > 2000) return; // bounded: a log full of distinct hosts is not a dependency signal
    }
  }
  list(): HostMention[] {
    return [...this.by.values()];
  }
}

/** Rising error templates' text, plus hosts new since `since` in full error events, as pseudo-templates. */
export function withHostMentions(
  rising: readonly TemplateStat[],
  hosts: readonly HostMention[],
  since: number,
): TemplateStat[] {
  const extra: TemplateStat[] = hosts
    .filter((h) => h.firstSeen >= since && h.count >= 3)
    .map((h) => ({
      id: `host:${h.service}:${h.host}`,
      template: h.sample,
      service: h.service,
      level: 'error',
      baselineCount: 0,
      incidentCount: h.count,
      ratio: Infinity,
      firstSeen: h.firstSeen,
      label: 'new',
      samples: [h.sample],
    }));
  return [...rising, ...extra];
}

// A name lookup that failed: the resolver answered badly or not at all (Go, glibc, Node, Java, DNS rcodes).
const LOOKUP_FAILED =
  /\blookup \S+ on \S+: (?:server misbehaving|no such host|i\/o timeout)|\bEAI_AGAIN\b|\bENOTFOUND\b|UnknownHostException|temporary failure in name resolution|\bSERVFAIL\b/i;
// A service that is the estate's resolver says so in its name (coredns, kube-dns, dnsmasq, node-local-dns).
const RESOLVER = /(?:^|[^a-z])(?:core|kube-?)?dns(?:masq)?(?:$|[^a-z])|^coredns|^unbound$/i;

/** The estate's DNS service among the known services, if it has one. */
function resolverOf(known: ReadonlySet<string>): string | null {
  return [...known].find((n) => RESOLVER.test(n)) ?? null;
}

/**
 * Dependencies named by rising error templates of `known` services, strongest first. A failed name lookup
 * says nothing about the host looked up: it is the resolver's failure, so it names the estate's DNS service
 * when there is one; and the names in a DNS service's own errors are queries it failed, not its callees.
 */
export function externalMentions(rising: readonly TemplateStat[], known: ReadonlySet<string>): ExternalMention[] {
  const by = new Map<string, ExternalMention>();
  const resolver = resolverOf(known);
  const texts = rising.map((t) => [t.template, ...t.samples.slice(0, 3)].join('\n'));
  const serviceOf = hostReader(texts.flatMap(hostsIn), (n) => (known.has(n) ? n : undefined));
  for (const [i, t] of rising.entries()) {
    const text = texts[i] as string;
    const tls = TLS.test(text);
    if (resolver && t.service === resolver) continue;
    const lookup = resolver !== null && LOOKUP_FAILED.test(text);
    for (const host of lookup ? [resolver] : hostsIn(text)) {
      const service = serviceOf(host) ?? null;
      if (service === t.service) continue;
      const name = service ?? host;
      const m = by.get(name) ?? {
        name,
        known: service !== null,
        callers: [],
        tls: false,
        count: 0,
        sample: t.samples[0] ?? t.template,
      };
      if (!m.callers.includes(t.service)) m.callers.push(t.service);
      m.tls = m.tls || tls;
      m.count += t.incidentCount;
      by.set(name, m);
    }
  }
  return [...by.values()].sort(
    (a, b) => b.callers.length - a.callers.length || b.count - a.count || a.name.localeCompare(b.name),
  );
}
