// Which known service a host name is. Inside a cluster a service is reached by its own name or a name
// under it (`payments`, `payments.prod`, `payments.prod.svc.cluster.local`), so the first DNS label names
// it. A name under someone's internet domain is that company's host, whatever its first label says:
// `api.stripe.com` is not our `api`, `auth.idprovider.com` not our `auth`. The public suffix list
// (tldts) tells the two apart; `.local`, `.internal`, `.svc` and a bare namespace are not on it.
// Our own company's domain is the exception: where the hosts seen under one registered domain name two or
// more of our services by their first label (`payments.prod.acme.io`, `ledger.prod.acme.io`), that domain
// is ours and its hosts are our services. One such name alone is not enough: `api.stripe.com` stays Stripe's.

import { parse } from 'tldts';

/** Looks a name up as the caller knows services (exact or case-insensitive). */
type Find = (name: string) => string | undefined;

/** The registered domain under which `host` is a subdomain (`acme.io` of `a.b.acme.io`), else undefined. */
function companyDomain(host: string): string | undefined {
  if (!host.includes('.') || /^[\d.]+$/.test(host)) return undefined;
  const p = parse(host);
  return p.isIcann && p.subdomain && p.domain ? p.domain : undefined;
}

const firstLabel = (host: string): string => host.slice(0, host.indexOf('.'));

/**
 * A reader of host names among `hosts` (every destination one analysis sees, so that our own domain is
 * recognised from its several services): the known service a host names, or undefined. The host itself
 * first, then its first label unless the host is under another company's internet domain. An IP address
 * names no service by its first octet.
 */
export function hostReader(hosts: Iterable<string>, find: Find): (host: string) => string | undefined {
  const named = new Map<string, Set<string>>();
  for (const host of hosts) {
    const domain = companyDomain(host);
    const service = domain && find(firstLabel(host));
    if (!domain || service === undefined) continue;
    const set = named.get(domain) ?? new Set<string>();
    set.add(service);
    named.set(domain, set);
  }
  const ours = new Set([...named].filter(([, services]) => services.size >= 2).map(([domain]) => domain));
  return (host) => {
    const exact = find(host);
    if (exact !== undefined || !host.includes('.') || /^[\d.]+$/.test(host)) return exact;
    const domain = companyDomain(host);
    if (domain && !ours.has(domain)) return undefined;
    return find(firstLabel(host));
  };
}
