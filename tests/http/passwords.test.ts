import { argon2id as referenceArgon2id, argon2Verify } from 'hash-wasm'
import { describe, expect, it } from 'vitest'
import { hashPassword, passwordProblem, verifyPassword } from '../../api/http/passwords.ts'

describe('password hashing', () => {
  it('stores argon2id PHC strings that an independent implementation verifies, and back', async () => {
    const hash = await hashPassword('tangerine mountain 42')
    expect(hash).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    )
    expect(await argon2Verify({ password: 'tangerine mountain 42', hash })).toBe(true)
    expect(await argon2Verify({ password: 'tangerine mountain 43', hash })).toBe(false)
    // A hash made elsewhere with other parameters: verified with the parameters it carries.
    const foreign = await referenceArgon2id({
      password: 'written by another library',
      salt: new Uint8Array(16).fill(9),
      parallelism: 1,
      iterations: 3,
      memorySize: 8192,
      hashLength: 32,
      outputType: 'encoded',
    })
    expect(await verifyPassword('written by another library', foreign)).toBe(true)
    expect(await verifyPassword('written by another librarY', foreign)).toBe(false)
  })

  it('salts every hash, says no without a hash, and refuses a malformed stored hash', async () => {
    const [a, b] = [
      await hashPassword('same password twice'),
      await hashPassword('same password twice'),
    ]
    expect(a).not.toBe(b)
    expect(await verifyPassword('same password twice', a)).toBe(true)
    expect(await verifyPassword('anything at all', null)).toBe(false)
    await expect(verifyPassword('x', '$2b$10$notargon')).rejects.toThrow(/PHC/)
  })
})

describe('new password rules', () => {
  it('refuses short, common, repeated and personal passwords and nothing else', () => {
    const refused = [
      'short',
      'elevenchars',
      'password1234',
      'Password1234!',
      'PASSWORD12345',
      'qwertyuiop12',
      'aaaaaaaaaaaa',
      'abcabcabcabc',
      '121212121212',
      'dana.reyes.rocks',
      'Dana Reyes 2026!',
    ]
    for (const p of refused) {
      expect(
        passwordProblem(p, { email: 'dana.reyes@example.com', name: 'Dana Reyes' }),
        p,
      ).not.toBeNull()
    }
    // No composition rules: lower-case words with spaces are fine, as is any script.
    for (const p of [
      'correct horse battery staple',
      'tangerine mountain',
      '密码是很长的一句话啊啊啊吧',
      '🙂🙃🙂 lantern 🙃🙂🙃',
    ]) {
      expect(
        passwordProblem(p, { email: 'dana.reyes@example.com', name: 'Dana Reyes' }),
        p,
      ).toBeNull()
    }
    // Length counts characters, not UTF-16 units: 11 emoji are 22 units but 11 characters.
    expect(passwordProblem('🙂🙃😀😁😂🤣😃😄😅😆😉')).toMatch(/at least 12/)
  })
})
