import type { IncidentRecord } from './records.ts'

/** Public page of an incident or maintenance window on the status site. */
export function incidentUrl(siteUrl: string, r: Pick<IncidentRecord, 'id' | 'kind'>): string {
  const base = siteUrl.replace(/\/+$/, '')
  return r.kind === 'maintenance' ? `${base}/maintenance/${r.id}/` : `${base}/incidents/${r.id}/`
}

/**
 * Plain http to this machine (localhost, 127.0.0.0/8, [::1]): the one case where an identity
 * provider without TLS is acceptable (a laptop, a test), since nothing crosses a network.
 */
export function isLoopbackHttp(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol !== 'http:') return false
  return (
    u.hostname === 'localhost' || u.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(u.hostname)
  )
}
