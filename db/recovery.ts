import { placeholders, type Db } from './client.ts'

/** Confirmed subscribers who hear about these components (all-components subscribers included). */
export async function countAffectedSubscribers(
  db: Db,
  componentIds: readonly string[],
): Promise<number> {
  const rs = await db.execute({
    sql: `SELECT COUNT(*) AS n FROM subscribers s WHERE s.status = 'confirmed' AND (s.all_components = 1${
      componentIds.length
        ? ` OR EXISTS (SELECT 1 FROM subscriber_components sc WHERE sc.subscriber_id = s.id AND sc.component_id IN (${placeholders(componentIds.length)}))`
        : ''
    })`,
    args: [...componentIds],
  })
  return Number(rs.rows[0]!.n)
}
