import { describe, expect, it } from 'vitest'
import { afterRun, parseHostPort, formatHostPort, statusExpected } from '../../core/checks.ts'

describe('check runs', () => {
  it('fire once on the Nth failure in a row and resolve on the first success after', () => {
    for (const n of [1, 2, 3, 5]) {
      let state = { failures: 0, down: false }
      const signals: (string | null)[] = []
      for (const up of [false, true, ...Array<boolean>(n + 2).fill(false), true, true]) {
        const next = afterRun(state, up, n)
        signals.push(next.signal)
        state = next.state
      }
      const fired = signals.flatMap((s, i) => (s ? [`${s}@${i}`] : []))
      // Failure 0 is undone by the success at 1 (unless N is 1); then N in a row from index 2.
      const firstFire = n === 1 ? ['firing@0', 'resolved@1'] : []
      expect(fired).toEqual([...firstFire, `firing@${n + 1}`, `resolved@${n + 4}`])
    }
  })

  it('reads expected statuses and host:port targets', () => {
    expect([199, 200, 399, 400].map((s) => statusExpected('200-399', s))).toEqual([
      false,
      true,
      true,
      false,
    ])
    expect([203, 204].map((s) => statusExpected('204', s))).toEqual([false, true])
    for (const [host, port] of [
      ['db.example.com', 5432],
      ['2001:db8::1', 443],
      ['192.0.2.7', 1],
    ] as const) {
      expect(parseHostPort(formatHostPort(host, port))).toEqual({ host, port })
    }
  })
})
