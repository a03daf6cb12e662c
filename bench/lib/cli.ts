/**
 * A numeric option of a bench script: the flag, else the environment variable, else the default;
 * anything that is not a positive number stops the script with its help text.
 */
export function numberOption(help: string) {
  return function num(flag: string | undefined, env: string, fallback: number): number {
    const raw = flag ?? process.env[env]
    if (raw === undefined || raw === '') return fallback
    const n = Number(raw)
    if (!Number.isFinite(n) || n <= 0) {
      console.error(`Invalid value for ${env}: ${raw}\n${help}`)
      process.exit(2)
    }
    return n
  }
}
