import type { Client, InStatement } from '@libsql/client'

/** The database handle every db/ function takes as a parameter (never a global). */
export type Db = Client
export type Statement = InStatement

/** Placeholders for an `IN (...)` list. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ')
}
