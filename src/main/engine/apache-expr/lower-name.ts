/**
 * `name.toLowerCase()` / `toUpperCase()` for header and variable names, remembered: the same few
 * names are case-folded on every request, and a key string that was used before is found faster
 * in an object than a fresh copy of it.
 */
import { textMemo } from '../text-memo'

export const lowerName = textMemo((name) => name.toLowerCase())
export const upperName = textMemo((name) => name.toUpperCase())
