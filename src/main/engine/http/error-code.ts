/**
 * The code an error came with: node's (`ECONNRESET`, `ENOTFOUND`), llhttp's (`HPE_…`), undici's
 * (`UND_ERR_…`) or the workbench's own (`DW_…`). Errors are thrown and passed as plain `Error`,
 * whose type names no code: read here once instead of by a cast at every use.
 */

/** `err`'s code, '' when it has none. */
export function errorCode(err: unknown): string {
  return (err as { code?: string } | null)?.code ?? ''
}

/** Whether `err` is llhttp's refusal of what it parsed (node's and undici's parser alike). */
export function isParserError(err: unknown): boolean {
  return errorCode(err).startsWith('HPE_')
}
