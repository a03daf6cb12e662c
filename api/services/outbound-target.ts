import { DomainError } from '../../core/errors.ts'
import { checkOutboundUrl, refusedAddress } from '../../core/outbound.ts'
import type { Deps } from '../deps.ts'

/**
 * Checks a URL someone gives Amends to call (a webhook, a chat hook) when it is given: the shape
 * (core/outbound.ts) and, where this process can resolve names (`deps.resolveHost`, the Node
 * entry), every address the name has now. Returns the URL as stored; throws a 422 naming `path`.
 * The notifier checks again at connect time (api/http/outbound.node.ts): a name may resolve
 * differently tomorrow.
 */
export async function checkOutboundTarget(deps: Deps, raw: string, path: string): Promise<string> {
  const allowPrivate = deps.config.outbound.allowPrivate
  const shape = checkOutboundUrl(raw, allowPrivate)
  if (!shape.ok) throw refused(path, shape.reason)
  const host = shape.url.hostname.replace(/^\[|\]$/g, '')
  if (!allowPrivate && deps.resolveHost && refusedAddress(host) === 'not an IP address') {
    let addresses: string[]
    try {
      addresses = await deps.resolveHost(host)
    } catch {
      throw refused(path, 'Host name does not resolve')
    }
    if (addresses.length === 0) throw refused(path, 'Host name does not resolve')
    for (const a of addresses) {
      const why = refusedAddress(a)
      if (why) throw refused(path, `Must be a public address (the name resolves to a ${why})`)
    }
  }
  return shape.url.toString()
}

const refused = (path: string, message: string) =>
  new DomainError('unprocessable', 'refused_url', message, [{ path, message }])
