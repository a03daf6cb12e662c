import type { IncidentRecord } from './records.ts'

/** Public page of an incident or maintenance window on the status site. */
export function incidentUrl(siteUrl: string, r: Pick<IncidentRecord, 'id' | 'kind'>): string {
  const base = siteUrl.replace(/\/+$/, '')
  return r.kind === 'maintenance' ? `${base}/maintenance/${r.id}/` : `${base}/incidents/${r.id}/`
}
