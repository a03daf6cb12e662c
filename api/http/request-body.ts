import type { MiddlewareHandler } from 'hono'
import { DomainError } from '../../core/errors.ts'

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i
const URLENCODED_TYPE = /^application\/x-www-form-urlencoded\b/i

/** Keys that name an object's prototype machinery: parsers drop or misread them, so refuse them. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

const invalidEncoding = (where: string) =>
  new DomainError('invalid', 'invalid_encoding', `The ${where} is not valid UTF-8`)

/** Bytes to text, refusing invalid UTF-8 (the default decoder would store U+FFFD silently). */
export function decodeUtf8(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw invalidEncoding('request body')
  }
}

/** The path of the first `__proto__` / `constructor` / `prototype` key in parsed JSON, or null. */
export function prototypeKeyPath(value: unknown): string | null {
  // Iterative: a deeply nested body must not overflow the stack.
  const stack: [unknown, string][] = [[value, '']]
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, path] = item
    if (typeof v !== 'object' || v === null) continue
    for (const key of Object.keys(v)) {
      const at = path ? `${path}.${key}` : key
      if (PROTOTYPE_KEYS.has(key)) return at
      stack.push([(v as Record<string, unknown>)[key], at])
    }
  }
  return null
}

/**
 * Every JSON value, as the API reads it: valid UTF-8, valid JSON, and no prototype keys anywhere
 * (zod's records silently drop `__proto__`, so `{"components": {"__proto__": ...}}` would
 * otherwise be a 201 that changed nothing).
 */
export function parseStrictJson(text: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new DomainError('invalid', 'invalid_json', 'The request body is not valid JSON')
  }
  const path = prototypeKeyPath(value)
  if (path !== null) {
    throw new DomainError('invalid', 'invalid_input', 'Invalid request body', [
      { path, message: `"${path.split('.').at(-1)}" is not allowed as a key` },
    ])
  }
  return value
}

/**
 * Reads the body once (after the size limit), decodes it strictly and, for JSON, checks it with
 * `parseStrictJson`. Hono caches the bytes, so the route's validator parses the same bytes,
 * now known to be valid UTF-8. URL-encoded forms are ASCII on the wire: their
 * percent-escapes are checked to decode to valid UTF-8 too. The one place bodies are decoded.
 */
export function strictBody(): MiddlewareHandler {
  return async (c, next) => {
    if (!c.req.raw.body) return next()
    const text = decodeUtf8(await c.req.arrayBuffer())
    const type = c.req.header('content-type') ?? ''
    if (JSON_TYPE.test(type) && text.trim() !== '') parseStrictJson(text)
    if (URLENCODED_TYPE.test(type)) {
      for (const part of text.split('&')) {
        try {
          decodeURIComponent(part.replace(/\+/g, ' '))
        } catch {
          throw invalidEncoding('form')
        }
      }
    }
    return next()
  }
}
