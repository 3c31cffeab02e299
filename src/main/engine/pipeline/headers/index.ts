/** mod_headers and mod_setenvif: request environment and header changes, evaluated per request. */
export type { HeaderRunOptions } from './fixups'
export { applyRequestHeaders, type RequestHeadersResult } from './request-headers'
export { applyResponseHeaders, type ResponseHeadersInput, type ResponseHeadersResult } from './response-headers'
export { compileHeaders, type CompiledHeader, type CompiledHeaders, type HeaderAction } from './compile-headers'
export { compileSetEnv, type CompiledSetEnv } from './compile-setenv'
export { applySetEnv, type SetEnvOptions, type SetEnvResult } from './setenvif'
export { HeaderTable, requestHeaderEntries, type HeaderEntry } from './table'
