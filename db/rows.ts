import type { Row } from '@libsql/client'

/** Typed readers for libSQL rows: fail loudly when the schema and the code disagree. */
export function str(row: Row, col: string): string {
  const v = row[col]
  if (typeof v !== 'string') throw new TypeError(`Column ${col}: expected text, got ${typeof v}`)
  return v
}

export function strOrNull(row: Row, col: string): string | null {
  const v = row[col]
  if (v === null || v === undefined) return null
  if (typeof v !== 'string') throw new TypeError(`Column ${col}: expected text, got ${typeof v}`)
  return v
}

export function num(row: Row, col: string): number {
  const v = row[col]
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  throw new TypeError(`Column ${col}: expected a number, got ${typeof v}`)
}

export function bool(row: Row, col: string): boolean {
  return num(row, col) !== 0
}

/** Narrow a text column to one of a known set of values. */
export function oneOf<T extends string>(row: Row, col: string, values: readonly T[]): T {
  const v = str(row, col)
  if (!(values as readonly string[]).includes(v))
    throw new TypeError(`Column ${col}: unexpected ${v}`)
  return v as T
}
