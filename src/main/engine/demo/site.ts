/**
 * The demo site's content, read once from `resources/demo-site/`: `site.json` lists the
 * pages (with their body fragments under `pages/`), the DAM pictures and the clientlibs.
 */
import fs from 'node:fs'
import path from 'node:path'
import { isPictureName, type PictureName } from './pictures'

/** What makes a page special for the Dispatcher (see resources/demo-site/README.md). */
export type PageBehaviour = 'dispatcher-no-cache' | 'visitor-cookie' | 'slow' | 'broken'
const BEHAVIOURS: readonly PageBehaviour[] = ['dispatcher-no-cache', 'visitor-cookie', 'slow', 'broken']

export interface DemoPage {
  /** Repository path without extension, e.g. `/content/demo/us/en/about`. */
  path: string
  title: string
  navTitle: string
  description: string
  /** HTML fragment placed inside `<main>`; empty for a page that never renders. */
  body: string
  nav: boolean
  behaviour?: PageBehaviour
  vanityPath?: string
  /** Accepts `POST <path>.form.html`. */
  acceptsPost: boolean
}

export interface DemoAsset {
  path: string
  picture: PictureName
  width: number
  height: number
}

export interface DemoClientlib {
  url: string
  body: Buffer
  contentType: string
}

export interface DemoTemplates {
  page: string
  print: string
  notFound: string
  error: string
  formReceived: string
}

export interface DemoSite {
  name: string
  lastModified: Date
  /** Keyed by page path, in the order of `site.json` (the navigation order). */
  pages: Map<string, DemoPage>
  assets: Map<string, DemoAsset>
  clientlibs: Map<string, DemoClientlib>
  /** Vanity path → page path. */
  vanity: Map<string, string>
  templates: DemoTemplates
}

export class DemoSiteError extends Error {
  readonly code = 'DW_DEMO_SITE_INVALID'
}

const CLIENTLIB_TYPES: Record<string, string> = {
  '.css': 'text/css;charset=utf-8',
  '.js': 'application/javascript;charset=utf-8'
}

type Json = Record<string, unknown>

function str(obj: Json, key: string, where: string, fallback?: string): string {
  const v = obj[key]
  if (typeof v === 'string' && v.length > 0) return v
  if (fallback !== undefined && v === undefined) return fallback
  throw new DemoSiteError(`${where}: "${key}" must be a non-empty string`)
}

function int(obj: Json, key: string, where: string): number {
  const v = obj[key]
  if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 2048) return v
  throw new DemoSiteError(`${where}: "${key}" must be an integer between 1 and 2048`)
}

function list(obj: Json, key: string, where: string): Json[] {
  const v = obj[key]
  if (Array.isArray(v) && v.every((e) => typeof e === 'object' && e !== null)) return v as Json[]
  throw new DemoSiteError(`${where}: "${key}" must be a list of objects`)
}

export function loadDemoSite(siteDir: string): DemoSite {
  const read = (rel: string): Buffer => {
    try {
      return fs.readFileSync(path.join(siteDir, rel))
    } catch (e) {
      throw new DemoSiteError(`cannot read ${path.join(siteDir, rel)}: ${(e as Error).message}`)
    }
  }
  const text = (rel: string): string => read(rel).toString('utf8')
  const where = path.join(siteDir, 'site.json')
  let json: Json
  try {
    json = JSON.parse(text('site.json')) as Json
  } catch (e) {
    throw e instanceof DemoSiteError ? e : new DemoSiteError(`${where}: ${(e as Error).message}`)
  }
  const lastModified = new Date(str(json, 'lastModified', where))
  if (Number.isNaN(lastModified.getTime())) throw new DemoSiteError(`${where}: "lastModified" is not a date`)

  const pages = new Map<string, DemoPage>()
  const vanity = new Map<string, string>()
  for (const p of list(json, 'pages', where)) {
    const at = `${where} page ${JSON.stringify(p.path)}`
    const behaviour = p.behaviour
    if (behaviour !== undefined && !BEHAVIOURS.includes(behaviour as PageBehaviour))
      throw new DemoSiteError(`${at}: unknown behaviour ${JSON.stringify(behaviour)}`)
    const page: DemoPage = {
      path: str(p, 'path', at),
      title: str(p, 'title', at),
      navTitle: str(p, 'navTitle', at, str(p, 'title', at)),
      description: str(p, 'description', at),
      body: p.body === undefined ? '' : text(str(p, 'body', at)).trimEnd(),
      nav: p.nav === true,
      behaviour: behaviour as PageBehaviour | undefined,
      vanityPath: p.vanityPath === undefined ? undefined : str(p, 'vanityPath', at),
      acceptsPost: p.acceptsPost === true
    }
    pages.set(page.path, page)
    if (page.vanityPath) vanity.set(page.vanityPath, page.path)
  }

  const assets = new Map<string, DemoAsset>()
  for (const a of list(json, 'assets', where)) {
    const at = `${where} asset ${JSON.stringify(a.path)}`
    const picture = str(a, 'picture', at)
    if (!isPictureName(picture)) throw new DemoSiteError(`${at}: unknown picture "${picture}"`)
    const asset = { path: str(a, 'path', at), picture, width: int(a, 'width', at), height: int(a, 'height', at) }
    assets.set(asset.path, asset)
  }

  const clientlibs = new Map<string, DemoClientlib>()
  for (const c of list(json, 'clientlibs', where)) {
    const at = `${where} clientlib ${JSON.stringify(c.url)}`
    const url = str(c, 'url', at)
    const file = str(c, 'file', at)
    const contentType = CLIENTLIB_TYPES[path.extname(file)]
    if (!contentType) throw new DemoSiteError(`${at}: only .css and .js clientlibs are served`)
    clientlibs.set(url, { url, body: read(file), contentType })
  }

  return {
    name: str(json, 'name', where),
    lastModified,
    pages,
    assets,
    clientlibs,
    vanity,
    templates: {
      page: text('templates/page.html'),
      print: text('templates/print.html'),
      notFound: text('templates/not-found.html'),
      error: text('templates/error.html'),
      formReceived: text('templates/form-received.html')
    }
  }
}
