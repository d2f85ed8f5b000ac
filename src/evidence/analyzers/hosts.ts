// Which known service a host name is. Inside a cluster a service is reached by its own name or a name
// under it (`payments`, `payments.prod`, `payments.prod.svc.cluster.local`), so the first DNS label names
// it. A name under someone's internet domain is that company's host, whatever its first label says:
// `api.stripe.com` is not our `api`, `auth.idprovider.com` not our `auth`. The public suffix list
// (tldts) tells the two apart; `.local`, `.internal`, `.svc` and a bare namespace are not on it.

import { parse } from 'tldts';

/**
 * The known service `host` names, or undefined: `find` looks a name up (exact or case-insensitive, as
 * the caller knows services); the host itself first, then its first label where the host is not a
 * subdomain of a registered internet domain. An IP address names no service by its first octet.
 */
export function serviceOfHost(host: string, find: (name: string) => string | undefined): string | undefined {
  const exact = find(host);
  if (exact !== undefined || !host.includes('.') || /^[\d.]+$/.test(host)) return exact;
  const p = parse(host);
  if (p.isIcann && p.subdomain) return undefined;
  return find(host.slice(0, host.indexOf('.')));
}
