import { dictionary } from '@zxcvbn-ts/language-common'
import { loadArgon2id } from '#argon2'
import { sameBytes } from '../../core/same-bytes.ts'
import { PASSWORD_MIN } from '../../core/schemas/user.ts'

// argon2id (RFC 9106) at OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane. About
// 50 ms per check on one core here: affordable per sign-in, costly for anyone guessing offline.
// Stored in the PHC string format that argon2 libraries everywhere read.
const PARAMS = { memorySize: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const

// The runtime's loader is chosen by package.json "imports" (#argon2): WebAssembly read from
// disk on Node, compiled by the platform on Workers. One instance per process, made on first use.
let kdf: ReturnType<typeof loadArgon2id> | undefined
const argon2id = () => (kdf ??= loadArgon2id())

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, '')
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))
const utf8 = (s: string) => new TextEncoder().encode(s)

/** An encoded argon2id hash, `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (salt inside). */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const tag = (await argon2id())({ ...PARAMS, password: utf8(password), salt })
  const { memorySize: m, passes: t, parallelism: p } = PARAMS
  return `$argon2id$v=19$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(tag)}`
}

const PHC =
  /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{22,})$/

// Verified when an address is unknown or has no password, so the answer takes as long as for a
// real account and timing tells nobody which addresses exist.
let decoy: Promise<string> | undefined

/**
 * Whether `password` matches `hash` (with the parameters stored in it, so raising PARAMS later
 * keeps old hashes working). With no hash, spends the same time and says no. A malformed stored
 * hash is a fault, not a wrong password: it throws.
 */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash) {
    decoy ??= hashPassword(crypto.randomUUID())
    await verifyPassword(password, await decoy)
    return false
  }
  const m = PHC.exec(hash)
  if (!m) throw new Error('Stored password hash is not an argon2id PHC string')
  const expected = unb64(m[5]!)
  const tag = (await argon2id())({
    password: utf8(password),
    salt: unb64(m[4]!),
    memorySize: Number(m[1]),
    passes: Number(m[2]),
    parallelism: Number(m[3]),
    tagLength: expected.length,
  })
  return sameBytes(tag, expected)
}

// zxcvbn's list of the ~49,000 most common passwords (from breach corpora), compared lower-cased.
const COMMON = new Set(dictionary['passwords-common'])

/**
 * What is wrong with a new password, or null. NIST SP 800-63B: a minimum length and a blocklist,
 * no composition rules. Also refused: a common password with digits or symbols tacked on, the
 * person's own address or name, and one character or a short run repeated ("abcabcabcabc"),
 * which no blocklist lists at every length.
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
