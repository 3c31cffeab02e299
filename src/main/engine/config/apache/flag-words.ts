/**
 * The words the Dispatcher's On/Off directives (`DispatcherUseProcessedURL`,
 * `DispatcherUseForwardedHost`, …) take for each state. Anything else is not a flag: for
 * `DispatcherUseForwardedHost` it names an edge-key file.
 */
const FLAG_ON = /^(on|1|true|yes)$/i
const FLAG_OFF = /^(off|0|false|no)$/i

export function isFlagOn(value: string): boolean {
  return FLAG_ON.test(value.trim())
}

export function isFlagWord(value: string): boolean {
  const v = value.trim()
  return FLAG_ON.test(v) || FLAG_OFF.test(v)
}
