/**
 * Runs the command line as users do: `node bin/dispatcher-workbench.mjs …` from the
 * repository root (the launcher rebuilds its bundle first when sources changed).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const BIN = path.join(REPO_ROOT, 'bin', 'dispatcher-workbench.mjs')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runCli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`dispatcher-workbench ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`)
      )
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** A long-running command (serve), its output so far, and a way to wait for a line. */
export interface RunningCli {
  child: ChildProcess
  output(): string
  /** Resolves with the first match of `pattern` in stdout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** Resolves with the exit code. */
  exited: Promise<number | null>
}

export function startCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const waiters = new Set<() => void>()
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString('utf8')
    for (const w of waiters) w()
  })
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return {
    child,
    exited,
    output: () => stdout + stderr,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = stdout.match(pattern)
          if (!m) return
          done()
          resolve(m)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`))
        }, timeoutMs)
        const done = (): void => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        void exited.then(() => {
          if (waiters.has(check)) {
            done()
            reject(new Error(`the command exited before printing ${pattern}:\n${stdout}\n${stderr}`))
          }
        })
        check()
      })
    }
  }
}
