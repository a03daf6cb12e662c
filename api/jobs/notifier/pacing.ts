/** Retry timing and send pacing for the notifier. Pure: time and randomness are passed in. */

export interface BackoffOptions {
  baseMs: number
  capMs: number
}

/** Exponential backoff's ceiling for the `attempt`-th retry: min(cap, base·2^(attempt-1)). */
export function backoffCeiling(attempt: number, o: BackoffOptions): number {
  return Math.min(o.capMs, o.baseMs * 2 ** Math.max(0, attempt - 1))
}

/**
 * Exponential backoff with full jitter: a random delay in [0, backoffCeiling).
 * Jitter spreads the retries of a burst that failed together, so they do not return together.
 */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number): number {
  return Math.floor(random() * backoffCeiling(attempt, o))
}

export interface PacerOptions {
  /** Sends in flight at full speed (the SMTP pool's connections and a little queue). */
  max: number
  /** A reply slower than this (and than 4× the usual) counts as the server slowing down. */
  slowMs: number
  /** The longest gap between two sends when the server keeps pushing back. */
  maxSpacingMs: number
}

/**
 * Adaptive pacing (AIMD, as in TCP): each success adds a little concurrency back; a push-back
 * (421/451, a dropped connection, a reply much slower than usual) halves it, and once down to
 * one message at a time spaces sends out, doubling the gap each time. Mail is sent more slowly,
 * never dropped: the pushed-back message is simply retried later.
 */
export function createPacer(o: PacerOptions, now: () => number) {
  let window = o.max
  let spacing = 0
  let nextSendAt = 0
  let lastCut = Number.NEGATIVE_INFINITY
  let usual: number | null = null
  let pushBacks = 0

  function pushBack(): void {
    const t = now()
    // One burst of failures is one signal: messages already in flight fail together.
    if (t - lastCut < Math.max(250, spacing)) return
    lastCut = t
    pushBacks++
    if (window > 1) window = Math.max(1, window / 2)
    else spacing = Math.min(o.maxSpacingMs, Math.max(100, spacing * 2))
    nextSendAt = Math.max(nextSendAt, t + spacing)
  }

  return {
    /** How many sends may be in flight now. */
    get limit(): number {
      return Math.max(1, Math.floor(window))
    },
    /** How many times it slowed down. */
    get pushBacks(): number {
      return pushBacks
    },
    /** The gap kept between sends (0 at full speed). */
    get spacing(): number {
      return spacing
    },
    /** Milliseconds to wait before the next send may start. */
    wait(): number {
      return Math.max(0, nextSendAt - now())
    },
    /** Call as a send starts. */
    started(): void {
      if (spacing > 0) nextSendAt = Math.max(now(), nextSendAt) + spacing
    },
    success(latencyMs: number): void {
      const slow = usual !== null && latencyMs > Math.max(o.slowMs, usual * 4)
      usual = usual === null ? latencyMs : usual * 0.9 + Math.min(latencyMs, usual * 4) * 0.1
      if (slow) return pushBack()
      if (spacing > 0) {
        spacing = spacing < 50 ? 0 : spacing / 2
        return
      }
      window = Math.min(o.max, window + 1 / window)
    },
    pushBack,
  }
}

export type Pacer = ReturnType<typeof createPacer>
