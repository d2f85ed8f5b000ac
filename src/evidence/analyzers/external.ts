// External dependencies outside the topology: hosts that callers' error logs name (a DNS name, host:port,
// a URL), and TLS / certificate failures. A name that is a known service (or whose first label is one) is
// that service, not an external dependency.

import type { TemplateStat } from '../types';

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

const TLS = /\b(x509|certificate|cert(ificate)? (has )?expired|tls|ssl|handshake)\b/i;
// host.name(.tld)(:port), or a URL's host; the last label has letters and is not a file or code extension.
const HOST = /\b(?:[a-z][a-z0-9+.-]*:\/\/)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9])(?::\d{2,5})?\b/gi;
const NOT_HOST = /\.(java|py|js|ts|go|rb|rs|cs|cpp|c|h|kt|scala|php|log|txt|json|yaml|yml|xml|html|conf|cfg|ini|so|dll|exe|jar|class|sh|md|csv|gz|zip|tmp|pid|sock|lock|properties)$/i;
const HOSTISH_WORD = /^(?:[a-z]+\.){1,}(?:com|net|org|io|dev|cloud|local|internal|svc|cluster|amazonaws|googleapis|azure|app|co|api|ai|example)$/i;

/** Host-like names in a text: DNS names and URL hosts (not file names, dotted code identifiers or versions). */
export function hostsIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(HOST)) {
    const host = (m[1] as string).toLowerCase();
    if (NOT_HOST.test(host)) continue;
    const labels = host.split('.');
    // Dotted identifiers (java.lang.Exception, org.postgresql.Driver) look like hosts; keep names with a
    // port, a URL scheme, a hyphen or digits, or an internet-looking suffix.
    const explicit = /:\d/.test(m[0]) || /:\/\//.test(m[0]) || /[-\d]/.test(host) || HOSTISH_WORD.test(host);
    if (!explicit || labels.some((l) => /^[A-Z]/.test(l))) continue;
    if (/^(java|javax|org|com|net|io|sun|jdk|android|kotlin|scala|python|node)\.[a-z]+\.[a-z]/i.test(host) && !/:\d|:\/\//.test(m[0])) continue;
    out.add(host);
  }
  return [...out];
}

/** Resolves a host to a known service: exact name, or its first DNS label (payments.prod.svc -> payments). */
function resolve(host: string, known: ReadonlySet<string>): string | null {
  if (known.has(host)) return host;
  const first = host.split('.')[0] ?? '';
  return known.has(first) ? first : null;
}

/** Dependencies named by rising error templates of `known` services, strongest first. */
export function externalMentions(rising: readonly TemplateStat[], known: ReadonlySet<string>): ExternalMention[] {
  const by = new Map<string, ExternalMention>();
  for (const t of rising) {
    const text = [t.template, ...t.samples.slice(0, 3)].join('\n');
    const tls = TLS.test(text);
    for (const host of hostsIn(text)) {
      const service = resolve(host, known);
      if (service === t.service) continue;
      const name = service ?? host;
      const m = by.get(name) ?? { name, known: service !== null, callers: [], tls: false, count: 0, sample: t.samples[0] ?? t.template };
      if (!m.callers.includes(t.service)) m.callers.push(t.service);
      m.tls = m.tls || tls;
      m.count += t.incidentCount;
      by.set(name, m);
    }
  }
  return [...by.values()].sort((a, b) => b.callers.length - a.callers.length || b.count - a.count || a.name.localeCompare(b.name));
}
