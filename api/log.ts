export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/** One JSON line per event on stderr, so logs stay machine-readable and off the console output. */
export const jsonLogger: Logger = {
  info: (msg, fields) => write('info', msg, fields),
  warn: (msg, fields) => write('warn', msg, fields),
  error: (msg, fields) => write('error', msg, fields),
}

function write(level: string, msg: string, fields?: Record<string, unknown>) {
  console.error(JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields }))
}

/** Keeps what was logged, for tests that assert on it. */
export function memoryLogger(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = []
  const push = (level: string) => (msg: string) => {
    lines.push({ level, msg })
  }
  return { lines, info: push('info'), warn: push('warn'), error: push('error') }
}
