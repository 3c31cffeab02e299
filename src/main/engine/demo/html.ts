/**
 * Fills the demo site's HTML templates. `{{name}}` placeholders are replaced in one pass
 * (inserted text is never re-scanned); values are inserted as given, so callers escape
 * text that did not come from the site itself.
 */
import type { DemoPage, DemoSite } from './site'

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => vars[name] ?? whole)
}

/** Values every rendering shows: who rendered it and when (so a cached copy is recognisable). */
export interface RenderStamp {
  port: number
  at: Date
}

export function stampVars(site: DemoSite, stamp: RenderStamp): Record<string, string> {
  return {
    siteName: escapeHtml(site.name),
    port: String(stamp.port),
    renderedAt: stamp.at.toISOString(),
    renderedAtText: stamp.at.toISOString().slice(11, 19) + ' UTC'
  }
}

function navHtml(site: DemoSite, current: DemoPage): string {
  return [...site.pages.values()]
    .filter((p) => p.nav)
    .map((p) => {
      const here = p.path === current.path ? ' aria-current="page"' : ''
      return `      <a href="${p.path}.html"${here}>${escapeHtml(p.navTitle)}</a>`
    })
    .join('\n')
}

/** A page in its normal (`.html`) or printer-friendly (`.print.html`) rendition. */
export function pageHtml(
  site: DemoSite,
  page: DemoPage,
  variant: 'page' | 'print',
  stamp: RenderStamp,
  bodyVars: Record<string, string> = {}
): string {
  const template = variant === 'print' ? site.templates.print : site.templates.page
  return fill(template, {
    ...stampVars(site, stamp),
    title: escapeHtml(page.title),
    description: escapeHtml(page.description),
    path: page.path,
    nav: navHtml(site, page),
    body: fill(page.body, bodyVars)
  })
}
