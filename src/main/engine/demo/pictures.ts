/**
 * The demo site's pictures, drawn in code: a sunny surf beach, two mountains and a logo.
 * Deterministic, so the same URL always returns the same bytes (a cached copy and a fresh
 * one can be compared byte for byte).
 */
import { encodePng } from './png'

type Rgb = readonly [number, number, number]
/** Colour of the pixel at (x, y) of a `w`×`h` picture. */
type Painter = (x: number, y: number, w: number, h: number) => Rgb

export const PICTURES = ['surf', 'mountains', 'logo'] as const
export type PictureName = (typeof PICTURES)[number]

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  const k = Math.min(1, Math.max(0, t))
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k]
}

const surf: Painter = (x, y, w, h) => {
  const u = x / w
  const v = y / h
  const sunDistance = Math.hypot(x - 0.78 * w, y - 0.22 * h)
  if (sunDistance < 0.1 * h) return [244, 196, 98]
  const shore = 0.84 + 0.025 * Math.sin(u * Math.PI * 4)
  if (v > shore) return [226, 205, 160]
  if (v > 0.5) {
    const swell = v * 14 + 0.35 * Math.sin(u * Math.PI * 6 + v * 9)
    const foam = v > 0.56 && swell - Math.floor(swell) < 0.12 && Math.sin(u * Math.PI * 3 + v * 20) > -0.2
    return foam ? [236, 244, 246] : mix([52, 140, 168], [22, 86, 110], (v - 0.5) / 0.35)
  }
  return mix([118, 182, 222], [214, 234, 242], v / 0.5)
}

const mountains: Painter = (x, y, w, h) => {
  const u = x / w
  const v = y / h
  if (v > 0.8 + 0.02 * Math.sin(u * Math.PI * 3)) return mix([92, 142, 84], [60, 104, 62], (v - 0.8) / 0.2)
  const front = 0.25 + Math.abs(u - 0.32) * 1.3
  if (v > front) return v < 0.25 + 0.09 ? [246, 248, 250] : [88, 98, 118]
  const back = 0.35 + Math.abs(u - 0.7) * 1.1
  if (v > back) return v < 0.35 + 0.07 ? [236, 240, 244] : [118, 128, 146]
  return mix([112, 164, 206], [232, 226, 212], v / 0.8)
}

const logo: Painter = (x, y, w, h) => {
  const cx = (x + 0.5) / w - 0.5
  const cy = (y + 0.5) / h - 0.5
  if (Math.hypot(cx, cy) > 0.46) return [29, 43, 54]
  // A white peak inside an orange sun.
  if (cy > -0.18 + Math.abs(cx) * 1.2 && cy < 0.3) return [255, 255, 255]
  return [232, 131, 58]
}

const PAINTERS: Record<PictureName, Painter> = { surf, mountains, logo }

const drawn = new Map<string, Buffer>()

export function isPictureName(name: string): name is PictureName {
  return (PICTURES as readonly string[]).includes(name)
}

/** The PNG bytes of a picture at a size; drawn once, then reused. */
export function picturePng(name: PictureName, width: number, height: number): Buffer {
  const key = `${name}@${width}x${height}`
  const done = drawn.get(key)
  if (done) return done
  const paint = PAINTERS[name]
  const rgb = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = paint(x, y, width, height)
      const i = (y * width + x) * 3
      rgb[i] = Math.round(r)
      rgb[i + 1] = Math.round(g)
      rgb[i + 2] = Math.round(b)
    }
  }
  const png = encodePng(width, height, rgb)
  drawn.set(key, png)
  return png
}
