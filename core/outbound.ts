import ipaddr from 'ipaddr.js'

/**
 * Where Amends may send a request to a URL someone typed (a webhook, a chat hook, an SMS
 * provider): the rules, without I/O. Checked when the URL is given and again at connect time
 * against every address the name resolves to (api/http/outbound.node.ts), so a name that later
 * resolves to 127.0.0.1 (DNS rebinding) is refused too.
 */

// ipaddr.js range names that are not the public internet: loopback, RFC 1918, link-local (which
// holds the cloud metadata address 169.254.169.254), CGNAT, ULA, multicast, reserved and the rest.
const PUBLIC_RANGES = new Set(['unicast'])

/** Why an IP address may not be called (null: it is a public unicast address). */
export function refusedAddress(ip: string): string | null {
  let addr: ipaddr.IPv4 | ipaddr.IPv6
  try {
    addr = ipaddr.parse(ip.replace(/^\[|\]$/g, ''))
  } catch {
    return 'not an IP address'
  }
  // ::ffff:127.0.0.1 and friends are judged as the IPv4 address they carry.
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address()
  const range = addr.range()
  return PUBLIC_RANGES.has(range) ? null : `${range} address`
}

// Names that never mean a public host, whatever DNS says.
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string }

/**
 * The shape of an outbound URL: https (http only with `allowPrivate`), no user:password, no
 * local names, and an IP literal must be public unless `allowPrivate`. Names are resolved and
 * their addresses checked separately.
 */
export function checkOutboundUrl(raw: string, allowPrivate: boolean): UrlCheck {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return { ok: false, reason: 'Must be a URL' }
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
    return { ok: false, reason: 'Must be an https:// URL' }
  if (url.username || url.password)
    return { ok: false, reason: 'Must not carry a user name or password' }
  if (allowPrivate) return { ok: true, url }
  // "localhost." is localhost: a fully qualified name's trailing dot must not dodge the rules.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '')
  if (ipaddr.isValid(host)) {
    const refused = refusedAddress(host)
    if (refused) return { ok: false, reason: `Must be a public address (this is a ${refused})` }
    return { ok: true, url }
  }
  if (LOCAL_NAMES.test(host) || !host.includes('.'))
    return { ok: false, reason: 'Must be a public host name' }
  return { ok: true, url }
}
