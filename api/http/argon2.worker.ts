import setupWasm from 'argon2id/lib/setup.js'
import simd from 'argon2id/dist/simd.wasm'
import noSimd from 'argon2id/dist/no-simd.wasm'

// Wrangler compiles imported .wasm files at upload: a Worker may instantiate a compiled module at
// any time, but may not compile WebAssembly from bytes inside a request.
const instantiate = (module: WebAssembly.Module) => async (imports: WebAssembly.Imports) => ({
  module,
  instance: await WebAssembly.instantiate(module, imports),
})

/** argon2id on Workers: the same WebAssembly as on Node, compiled by the platform. */
export const loadArgon2id = () => setupWasm(instantiate(simd), instantiate(noSimd))
