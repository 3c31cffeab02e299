/**
 * The checks on arguments the renderer sends, shared by both ways it reaches the engine: the
 * IPC bridge (ipc.ts, in the Electron app) and the headless HTTP API (headless/routes.ts, in a
 * browser). A bad argument is refused before it reaches the engine, with one message either way.
 */
import type { FlushAction } from '../shared/cache-types'
import { errorCode } from './engine/http/error-code'

/** Refused arguments: the headless API answers them with a 400, the IPC bridge with this code. */
export class BadArgument extends Error {
  readonly code = 'BAD_REQUEST'
}

/** What either way reports for a call that threw: its message and code (`ENGINE_ERROR` when it has none). */
export function callFailure(e: unknown): { error: string; code: string } {
  return { error: e instanceof Error ? e.message : String(e), code: errorCode(e) || 'ENGINE_ERROR' }
}

export const FLUSH_ACTIONS: readonly FlushAction[] = ['Activate', 'Deactivate', 'Delete', 'Test']

export function nonEmptyString(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new BadArgument(`${name} must be a non-empty string`)
  return v
}

export function flushAction(v: unknown): FlushAction {
  if (!FLUSH_ACTIONS.includes(v as FlushAction))
    throw new BadArgument(`action must be one of ${FLUSH_ACTIONS.join(', ')}`)
  return v as FlushAction
}

/** `CQ-Action-Scope: ResourceOnly` asked for; absent means the hierarchical flush. */
export function resourceOnly(v: unknown): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new BadArgument('resourceOnly must be true or false')
  return v === true
}
