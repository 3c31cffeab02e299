/**
 * The SDK validator's rule on immutable files (§11.2): the Cloud deploys its own copy of
 * `conf.d/dispatcher_vhost.conf`, the `default_*` files and the like, so an edited copy in the
 * project is not what runs. A file is unchanged when its hash is one of the SDK revisions the
 * workbench knows (resources/sdk-immutable-hashes.json: hashes only, the files are Adobe's).
 *
 * How an edit is reported depends on which SDK script the caller stands for. validate.sh's phase
 * 3 fails on it ("** error: immutable file '…' has been changed!", Experience League "Set up
 * Dispatcher Tools"): `check` makes it an error. docker_run.sh does not stop: its
 * import_sdk_config.sh logs "Immutable file … has been changed and will be overwritten!" and copies
 * the image's own versions over the project's. The workbench ships hashes, not Adobe's files, so
 * `serve` cannot do that: it serves the edited file and warns that the SDK and the Cloud do not.
 *
 * The workbench's embedded default configuration has its own versions of these files, written
 * for this project. A project started as a copy of it would get one warning per file, eleven
 * lines saying the same thing; those files are reported together, as what they are.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { DiagnosticSink } from '../../../../shared/diagnostics'
import { CONTENT_CACHE_SIZE, ContentCache } from '../content-cache'
import type { FsMemo } from '../fs-memo'
import { resourcesDir } from '../../resources'

let knownHashes: Record<string, string[]> | undefined

/** The SDK's immutable files (src-relative, `/`-separated) with the hashes of their known revisions. */
function immutableFiles(): Record<string, string[]> {
  knownHashes ??= (
    JSON.parse(fs.readFileSync(path.join(resourcesDir(), 'sdk-immutable-hashes.json'), 'utf8')) as {
      files: Record<string, string[]>
    }
  ).files
  return knownHashes
}

/** Whether `file` is one of the files the Cloud keeps as the SDK ships them (§11.2). */
export function isImmutableSdkFile(srcDir: string, file: string): boolean {
  // Asked for every diagnostic: a file outside the folder is told by its prefix, without
  // path.relative's normalising.
  const dir = srcDir.endsWith(path.sep) ? srcDir : srcDir + path.sep
  if (!file.startsWith(dir)) return false
  // Both are absolute, normalised paths (the loaders make them so): the rest is the relative path.
  const rel = path.sep === '/' ? file.slice(dir.length) : file.slice(dir.length).split(path.sep).join('/')
  return Object.hasOwn(immutableFiles(), rel)
}

let embeddedHashes: Map<string, string> | undefined

/** The hash of the embedded default's version of each immutable file it has (read once: they ship with the app). */
function embeddedDefaultHashes(): Map<string, string> {
  if (embeddedHashes === undefined) {
    embeddedHashes = new Map()
    const dir = path.join(resourcesDir(), 'default-config')
    for (const rel of Object.keys(immutableFiles())) {
      const file = path.join(dir, rel)
      if (fs.existsSync(file)) embeddedHashes.set(rel, sha256(file, fs.readFileSync(file)))
    }
  }
  return embeddedHashes
}

/** `failEdits`: report as validate.sh does (an error), not as docker_run.sh runs them (a warning). */
export function checkImmutableFiles(srcDir: string, sink: DiagnosticSink, memo: FsMemo, failEdits = false): void {
  const report = failEdits ? sink.error.bind(sink) : sink.warn.bind(sink)
  const asEmbedded: { rel: string; file: string }[] = []
  for (const [rel, hashes] of Object.entries(immutableFiles())) {
    const file = path.join(srcDir, rel)
    // Mostly bytes the loaders already read in this load; a file the project lacks is skipped
    // on `access` alone, without the exception a failed read builds.
    if (memo.probe(file) === 'none') continue
    const got = memo.bytes(file)
    if (!got.ok) continue
    const sha = sha256(file, got.bytes)
    if (hashes.includes(sha)) continue
    if (embeddedDefaultHashes().get(rel) === sha) asEmbedded.push({ rel, file })
    else
      report(
        'SDK_IMMUTABLE_CHANGED',
        'sdk',
        `immutable file '${rel}' has been changed: it differs from every SDK revision the workbench knows. ${failEdits ? "The SDK's validate.sh fails on it (phase 3), and" : "Served here as edited, but the SDK's docker_run.sh overwrites it with its own version, the SDK's validate.sh fails on it (phase 3), and"} the Cloud deploys the SDK's version instead; run the SDK's bin/update_maven.sh to restore it and make the change in a customer file`,
        { file, line: 1, column: 1 }
      )
  }
  if (asEmbedded.length > 0) {
    const [first, ...others] = asEmbedded
    const which =
      others.length === 0
        ? `${first.rel} is the workbench's embedded default's own version`
        : `${first.rel} and ${others.length} other immutable files are the workbench's embedded default's own versions`
    const list = others.length === 0 ? '' : `: ${asEmbedded.map((f) => f.rel).join(', ')}`
    report(
      'SDK_IMMUTABLE_CHANGED',
      'sdk',
      `${which} (written for this project, not the SDK's), and the Cloud deploys the SDK's instead; replace them with the SDK's before deploying (its bin/update_maven.sh)${list}`,
      { file: first.file, line: 1, column: 1 }
    )
  }
}

/** Hashes of files whose bytes have not changed since an earlier load (content-cache.ts). */
const fileHashes = new ContentCache<Buffer, string>(CONTENT_CACHE_SIZE)

function sha256(file: string, bytes: Buffer): string {
  let sha = fileHashes.get(file, bytes)
  if (sha === undefined) {
    // One-shot hashing: a Hash object per small file costs more than the digest itself.
    sha = crypto.hash('sha256', bytes, 'hex')
    fileHashes.set(file, bytes, sha)
  }
  return sha
}
