/**
 * Whether two byte strings are equal, in time that depends only on their length: comparing a
 * secret someone sent with ours must not tell them how many leading bytes they got right.
 */
export function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
