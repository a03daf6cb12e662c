/**
 * Values that will never change again: frozen all the way down, and remembered as such, so that
 * whoever serialises or hashes them (the publisher's input keys) can do it once per object rather
 * than at every publish. Freezing is the guarantee: a later write to a settled value throws
 * instead of silently making a remembered hash wrong.
 */
const settledValues = new WeakSet<object>()

export function settle<T extends object>(value: T): T {
  freezeDeep(value)
  settledValues.add(value)
  return value
}

export function isSettled(value: unknown): value is object {
  return typeof value === 'object' && value !== null && settledValues.has(value)
}

function freezeDeep(value: object): void {
  if (Object.isFrozen(value)) return
  Object.freeze(value)
  for (const v of Object.values(value) as unknown[]) {
    if (typeof v === 'object' && v !== null) freezeDeep(v)
  }
}
