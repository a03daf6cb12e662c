import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import setupWasm from 'argon2id/lib/setup.js'

const require = createRequire(import.meta.url)
const instantiate = (file: string) => (imports: WebAssembly.Imports) =>
  WebAssembly.instantiate(readFileSync(require.resolve(`argon2id/dist/${file}`)), imports)

/** argon2id on Node: the package's WebAssembly (SIMD when the CPU has it), read from disk. */
export const loadArgon2id = () => setupWasm(instantiate('simd.wasm'), instantiate('no-simd.wasm'))
