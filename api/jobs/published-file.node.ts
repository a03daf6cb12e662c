// How the publisher puts a file into the published folder: atomically, and compressed once here
// (on the publisher's thread) so the server's request loop only reads the `.gz` sibling.
import { rmSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { GZIP_LEVEL, isCompressible } from '../static.node.ts'

let tmpCounter = 0

/** Write to a temp file beside the target, then rename: a reader sees the old file or the new one. */
export function writeAtomic(file: string, content: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}-${++tmpCounter}`
  try {
    writeFileSync(tmp, content)
  } catch (err) {
    // The folder is made only when it is missing: asking every time was a tenth of a full build.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(tmp, content)
  }
  renameSync(tmp, file)
}

/**
 * From this size on a page is compressed here. Below it the server's first request compresses it
 * (~0.1 ms for an incident page), which costs less than a second file at every publish: a full
 * build of 10,000 incident pages spent more on creating `.gz` files than on rendering.
 */
export const PRECOMPRESS_FROM = 32 * 1024

/**
 * Writes a published file and, when it is worth compressing (api/static.node.ts isCompressible)
 * and large (PRECOMPRESS_FROM: the home page, uptime, history), its gzip as `<file>.gz`, each
 * atomically. The `.gz` goes first, so the server finds it as soon
 * as it sees the new file; it takes a `.gz` only when its CRC-32 and length are the file's, so a
 * reader between the two renames (or after a crash) compresses for itself instead.
 */
export function writePublishedFile(file: string, content: string | Uint8Array): void {
  const body = typeof content === 'string' ? Buffer.from(content) : content
  if (body.length >= PRECOMPRESS_FROM && isCompressible(file, body.length)) {
    writeAtomic(`${file}.gz`, gzipSync(body, { level: GZIP_LEVEL }))
  } else {
    // A file that shrank below the thresholds leaves no gzip of what it was (never served, as it
    // does not match, but the folder should hold only what is published).
    rmSync(`${file}.gz`, { force: true })
  }
  writeAtomic(file, body)
}

/**
 * Copies a folder's files into the published folder (the site's scripts and styles) through
 * writePublishedFile: each file swapped in atomically, with its `.gz`.
 */
export function copyPublishedTree(from: string, to: string): number {
  let files = 0
  for (const entry of readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const source = join(entry.parentPath, entry.name)
    writePublishedFile(join(to, relative(from, source)), readFileSync(source))
    files++
  }
  return files
}
