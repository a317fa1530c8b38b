/**
 * CHANNEL_ALLOWED_HOSTS: the upstream hosts a channel may send its key to. Entries are
 * separated by commas:
 *   - `api.openai.com`        that host exactly, on any port;
 *   - `*.openai.azure.com`    any host below openai.azure.com (not openai.azure.com itself);
 *   - `10.0.0.5:8443`, `[fd00::1]:443`, `*.corp.example:8443`  only on that port (the URL's
 *     own port, or 443 for https and 80 for http when it names none).
 * Hosts compare as URLs spell them (lower case, punycode, IPv4 in dotted decimal), and a
 * trailing dot is ignored, so another spelling of a host is the same host.
 */
export interface AllowedHost {
  /** The host, or for a `*.` entry the domain below which hosts are allowed. */
  host: string;
  wildcard: boolean;
  /** undefined: any port. */
  port: string | undefined;
}

const ENTRY = /^(\*\.)?(\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]*]+)(?::(\d{1,5}))?$/;

/** A host as the URL parser writes it, without a trailing dot; undefined when it is none. */
function normalHost(host: string): string | undefined {
  try {
    const url = new URL(`http://${host}/`);
    return url.hostname === '' ? undefined : url.hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** The entries of CHANNEL_ALLOWED_HOSTS, or the problem with the first that does not parse. */
export function parseAllowedHosts(text: string): AllowedHost[] | string {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) return 'names no host (leave it unset for no restriction)';
  const hosts: AllowedHost[] = [];
  for (const entry of entries) {
    const match = ENTRY.exec(entry);
    const port = match?.[3];
    const host = match && normalHost(match[2]!);
    const wildcard = match?.[1] !== undefined;
    if (!match || !host || (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) || (wildcard && (host.startsWith('[') || !host.includes('.')))) {
      return `"${entry}" is not a host, *.domain or host:port (no scheme or path; wildcards only as a leading "*.")`;
    }
    hosts.push({ host, wildcard, port });
  }
  return hosts;
}

/** Whether a channel's base URL may receive its key; an unset list allows every host. */
export function isHostAllowed(allowed: readonly AllowedHost[] | undefined, baseUrl: string): boolean {
  if (!allowed) return true;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false;
  }
  const host = url.hostname.replace(/\.$/, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowed.some((a) => (a.wildcard ? host.endsWith(`.${a.host}`) : host === a.host) && (a.port === undefined || a.port === port));
}

/** The host part of a base URL, for messages. */
export function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl.slice(0, 100);
  }
}
