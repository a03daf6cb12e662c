import { dictionary } from '@zxcvbn-ts/language-common'
import { argon2id, argon2Verify } from 'hash-wasm'
import { PASSWORD_MIN } from '../../core/schemas/user.ts'

// argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 90 ms on one
// core here, affordable per sign-in and per Worker request, and memory-hard against GPUs.
const PARAMS = { parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32 } as const

/** An encoded argon2id hash (`$argon2id$v=19$m=…`), salt included. */
export function hashPassword(password: string): Promise<string> {
  return argon2id({
    ...PARAMS,
    password,
    salt: crypto.getRandomValues(new Uint8Array(16)),
    outputType: 'encoded',
  })
}

// Verified when an address is unknown or has no password, so the answer takes as long as for a
// real account and timing tells nobody which addresses exist.
let decoy: Promise<string> | undefined

/** Whether `password` matches `hash`; with no hash, spends the same time and says no. */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash) {
    decoy ??= hashPassword(crypto.randomUUID())
    await argon2Verify({ password, hash: await decoy })
    return false
  }
  try {
    return await argon2Verify({ password, hash })
  } catch {
    return false
  }
}

/**
 * Compiles the WebAssembly now: a Worker may only compile it while the isolate starts, not
 * inside a request (call this at the top level of the Worker entry).
 */
export function warmPasswordHashing(): Promise<unknown> {
  return verifyPassword('', null)
}

// zxcvbn's list of the ~49,000 most common passwords (from breach corpora), compared lower-cased.
const COMMON = new Set(dictionary['passwords-common'])

/**
 * What is wrong with a new password, or null. NIST SP 800-63B: a minimum length and a blocklist,
 * no composition rules. Also refused: the person's own address or name, and one character or a
 * short run repeated ("abcabcabcabc"), which no blocklist lists at every length.
 */
export function passwordProblem(
  password: string,
  who: { email?: string; name?: string | null } = {},
): string | null {
  if ([...password].length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters`
  const lower = password.toLowerCase()
  if (COMMON.has(lower) || (COMMON.has(lower.replace(/[\d\W_]+$/, '')) && lower.length < 16)) {
    return 'This is one of the most common passwords; choose another'
  }
  if (/^(.{1,4})\1+$/s.test(password)) return 'Repeats a few characters; choose another'
  const own = [who.email, who.email?.split('@')[0], who.name].filter(
    (s): s is string => !!s && s.length >= 4,
  )
  if (own.some((s) => lower.includes(s.toLowerCase()))) {
    return 'Contains your address or name; choose another'
  }
  return null
}
