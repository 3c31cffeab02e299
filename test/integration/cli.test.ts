/**
 * The command line as users run it: `node bin/dispatcher-workbench.mjs check | explain |
 * test | serve`, spawned from the repository root. Exit codes and output formats are what
 * CI scripts depend on (README "Command line").
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatcherAny, embeddedConfigWithVhost, filterF, writeConfig, type TempConfig } from './support/config'
import { runCli, startCli, REPO_ROOT } from './support/cli'
import { send } from './support/http-client'
import { freePort } from './support/ports'
import { defaultDocroot } from '../../src/main/engine/runtime/cache-runtime'

const GOOD = dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port: 4503 }], filter: filterF() }])

/** The farm block is never closed: a syntax error. */
const BROKEN = '/farms {\n  /publish {\n    /renders { /r0 { /hostname "127.0.0.1" /port "4503" } }\n'

describe('dispatcher-workbench command line', () => {
  let good: TempConfig
  let broken: TempConfig

  beforeAll(async () => {
    good = writeConfig(GOOD)
    broken = writeConfig(BROKEN)
    // The first run may rebuild the bundle; do it once, up front, with time to spare.
    await runCli(['help'], 120_000)
  }, 130_000)
  afterAll(() => {
    good.remove()
    broken.remove()
  })

  describe('help', () => {
    it("`<command> --help` prints that command's usage alone and exits 0, naming every runtime option; after `--` it is an argument", async () => {
      for (const [args, command] of [
        [['serve', '--help'], 'serve [config] [--port 8080]'],
        [['check', '-h'], 'check <config> [--json] [--quiet]'],
        [['explain', 'cfg', 'GET', '/', '--help'], 'explain <config> <METHOD> <URL>']
      ] as const) {
        const r = await runCli([...args])
        expect([args.join(' '), r.code]).toEqual([args.join(' '), 0])
        expect(r.stdout.split('\n')[0].startsWith(`Usage: dispatcher-workbench ${command}`)).toBe(true)
        // No other command's usage.
        const others = ['check <config>', 'explain <config>', 'test <config>', 'serve [config]'].filter(
          (o) => !command.startsWith(o)
        )
        for (const o of others) expect(r.stdout).not.toContain(o)
        expect(r.stdout).toContain('--fallback-farm last|first')
      }
      const all = await runCli(['help'])
      expect(all.code).toBe(0)
      expect(all.stdout).toMatch(/^Usage: dispatcher-workbench <command> \[options\]$/m)
      for (const o of ['check <config>', 'explain <config>', 'test <config>', 'serve [config]']) {
        expect(all.stdout).toContain(o)
      }
      const literal = await runCli(['check', '--', '--help'])
      expect(literal.code).toBe(2)
      expect(literal.stderr).toContain('--help')
    })
  })

  describe('check', () => {
    it('exits 0 on a good configuration and prints an OK summary naming the farms', async () => {
      const r = await runCli(['check', good.dir])
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(
        /^OK: .*dispatcher\.any \(any-file\) — 0 error\(s\), \d+ warning\(s\), 1 file\(s\), farms: publish$/m
      )
    })

    it('--no-sdk-rules, a runtime option of every command: a configuration only the SDK validator refuses is checked, explained and served', async () => {
      // LogLevel is not on the validator's allow-list; httpd itself takes it.
      const dir = embeddedConfigWithVhost('LogLevel debug')
      const sdk = await runCli(['check', dir])
      expect(sdk.code).toBe(1)
      expect(sdk.stdout).toMatch(/: error SDK_APACHE_DIRECTIVE directive 'LogLevel' is not allowed/)
      expect((await runCli(['check', dir, '--no-sdk-rules'])).code).toBe(0)
      expect((await runCli(['explain', dir, 'GET', '/content/demo/us/en.html'])).code).toBe(1)
      const explained = await runCli(['explain', dir, 'GET', '/content/demo/us/en.html', '--no-sdk-rules'])
      expect(explained.code).toBe(0)
      expect(explained.stdout).toMatch(/^→ /m)
      const served = startCli(['serve', dir, '--port', '0', '--no-ui', '--no-watch', '--no-sdk-rules'])
      try {
        const proxy = (await served.waitFor(/^Proxy: (http:\/\/\S+)$/m))[1]
        expect((await send(proxy, '/bin/querybuilder.json')).status).toBe(404)
      } finally {
        served.child.kill('SIGTERM')
      }
      expect(await served.exited).toBe(0)
    })

    it('exits 1 on a broken configuration, one `file:line:col: error CODE message` line per error', async () => {
      const r = await runCli(['check', broken.dir])
      expect(r.code).toBe(1)
      const errors = r.stdout.split('\n').filter((l) => / error /.test(l))
      expect(errors.length).toBeGreaterThan(0)
      for (const line of errors) expect(line).toMatch(/^(.+):(\d+):(\d+): error ([A-Z][A-Z0-9_]+) \S.*$/)
      expect(errors[0].startsWith(`${broken.anyFile}:`)).toBe(true)
      expect(r.stdout).toMatch(/^FAILED: /m)
    })

    it('--quiet prints the error lines alone, no summary: nothing for a good configuration; the exit code says which', async () => {
      const ok = await runCli(['check', '--quiet', good.dir])
      expect([ok.code, ok.stdout]).toEqual([0, ''])
      const bad = await runCli(['check', '-q', broken.dir])
      expect(bad.code).toBe(1)
      const lines = bad.stdout.trimEnd().split('\n')
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) expect(line).toMatch(/^(.+):(\d+):(\d+): error ([A-Z][A-Z0-9_]+) \S.*$/)
    })

    it('a project root holding its configuration deeper is refused naming the folder to pass, which check takes', async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-project-'))
      try {
        fs.mkdirSync(path.join(root, 'httpd_conf', 'conf'), { recursive: true })
        fs.writeFileSync(path.join(root, 'httpd_conf', 'conf', 'httpd.conf'), `DispatcherConfig ${good.anyFile}\n`)
        const r = await runCli(['check', root])
        expect(r.code).toBe(2)
        expect(r.stderr.trim()).toBe(
          `dispatcher-workbench check: ${root}: found neither conf.dispatcher.d/dispatcher.any (AEMaaCS or AMS layout) nor dispatcher.any; pass this instead: ${path.join(root, 'httpd_conf')}`
        )
        const taken = await runCli(['check', path.join(root, 'httpd_conf')])
        expect(taken.stderr).not.toContain('found neither')
      } finally {
        fs.rmSync(root, { recursive: true, force: true })
      }
    })

    it('--json prints { ok, errors, warnings, infos, farms } for a good and a broken configuration', async () => {
      const ok = await runCli(['check', good.dir, '--json'])
      expect(ok.code).toBe(0)
      const j = JSON.parse(ok.stdout)
      expect(j).toMatchObject({ ok: true, errors: [], warnings: expect.any(Array) })
      // The info lines the text output prints, the same ones (the embedded configuration has one).
      const embedded = path.join(REPO_ROOT, 'resources', 'default-config')
      const infoLines = (await runCli(['check', embedded])).stdout.split('\n').filter((l) => / info /.test(l))
      expect(infoLines.length).toBeGreaterThan(0)
      const infos = JSON.parse((await runCli(['check', embedded, '--json'])).stdout).infos
      expect(infos.map((d: { code: string }) => d.code)).toEqual(infoLines.map((l) => / info (\S+) /.exec(l)![1]))
      expect(j.farms).toEqual([
        expect.objectContaining({ name: 'publish', virtualhosts: ['*'], renders: ['127.0.0.1:4503'], filterRules: 6 })
      ])

      const bad = await runCli(['check', broken.dir, '--json'])
      expect(bad.code).toBe(1)
      const b = JSON.parse(bad.stdout)
      expect(b.ok).toBe(false)
      expect(b.errors.length).toBeGreaterThan(0)
      expect(b.errors[0]).toMatchObject({
        severity: 'error',
        code: expect.stringMatching(/^[A-Z][A-Z0-9_]+$/),
        pos: { file: broken.anyFile, line: expect.any(Number), column: expect.any(Number) }
      })
      expect(Array.isArray(b.warnings)).toBe(true)
      expect(Array.isArray(b.farms)).toBe(true)
    })
  })

  describe('explain --json', () => {
    /** The documented keys; more may follow. */
    function expectShape(j: Record<string, unknown>): void {
      for (const key of ['farm', 'url', 'status', 'location', 'filter', 'cache', 'stages'])
        expect(j).toHaveProperty(key)
      expect(Array.isArray(j.stages)).toBe(true)
      const filter = j.filter as { decision: string; rule: Record<string, unknown> | null }
      expect(Object.keys(filter).sort()).toEqual(['decision', 'rule'])
      if (filter.rule) expect(Object.keys(filter.rule).sort()).toEqual(['file', 'label', 'line'])
    }

    it('an allowed request: decision allow, the deciding rule with its file and line, no status (nothing was sent)', async () => {
      const r = await runCli(['explain', good.dir, 'GET', '/content/site/en.html', '--json'])
      expect(r.code).toBe(0)
      const j = JSON.parse(r.stdout)
      expectShape(j)
      expect(j).toMatchObject({
        farm: 'publish',
        url: '/content/site/en.html',
        status: null,
        location: null,
        filter: { decision: 'allow', rule: { label: '0010', file: good.anyFile, line: good.lineOf('/0010 {') } }
      })
    })

    it('the outcome of a forwarded request is the one the request log would show for a 200, in its words too', async () => {
      const dir = path.join(REPO_ROOT, 'resources', 'default-config')
      const outcomeOf = async (url: string): Promise<unknown> => {
        const r = await runCli(['explain', dir, 'GET', url, '--json'])
        expect(r.code).toBe(0)
        const j = JSON.parse(r.stdout)
        return [j.cache?.cacheable, j.outcome, j.outcomeLabel]
      }
      expect(await outcomeOf('/content/demo/us/en.html')).toEqual([true, 'miss-stored', 'miss · stored'])
      expect(await outcomeOf('/content/demo/us/en.html?q=1')).toEqual([false, 'miss-uncacheable', 'not cacheable'])
      expect(await outcomeOf('/content/demo/us/en.infinity.json')).toEqual([undefined, 'blocked', 'blocked'])
    })

    it("a denied request: decision deny, Apache's 404, the deny rule with its file and line", async () => {
      const r = await runCli(['explain', good.dir, 'GET', '/content/site/en.infinity.json', '--json'])
      expect(r.code).toBe(0)
      const j = JSON.parse(r.stdout)
      expectShape(j)
      expect(j).toMatchObject({
        farm: 'publish',
        url: '/content/site/en.infinity.json',
        status: 404,
        location: null,
        filter: { decision: 'deny', rule: { label: '0011', file: good.anyFile, line: good.lineOf('/0011 {') } }
      })
    })

    it('the embedded default configuration explains a denied request with the rule in default_filters.any', async () => {
      // The default configuration has no redirect ([R]) rule; `/` is rewritten internally ([PT]).
      const dir = path.join(REPO_ROOT, 'resources', 'default-config')
      const r = await runCli(['explain', dir, 'GET', '/libs/granite/core/content/login.html', '--json'])
      expect(r.code).toBe(0)
      const j = JSON.parse(r.stdout)
      expectShape(j)
      const filters = path.join(dir, 'conf.dispatcher.d', 'filters', 'default_filters.any')
      const line =
        fs
          .readFileSync(filters, 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('/0001 {')) + 1
      expect(j).toMatchObject({
        farm: 'publishfarm',
        status: 404,
        location: null,
        filter: { decision: 'deny', rule: { label: '0001', file: filters, line } }
      })
    })
  })

  describe('explain --json of a flush', () => {
    it('gives the status `serve` answers the same invalidation request with (§7.2, §7.3 step 6)', async () => {
      const dir = path.join(REPO_ROOT, 'resources', 'default-config')
      const docroot = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-flush-'))
      const cases: [string, Record<string, string>, number][] = [
        ['POST', { 'CQ-Action': 'Activate', 'CQ-Handle': '/content/demo/us/en' }, 200],
        ['GET', { 'CQ-Action': 'Delete', 'CQ-Handle': '/content/demo/us/en' }, 200],
        ['POST', { 'CQ-Action': 'Test' }, 200],
        // No CQ-Handle: refused.
        ['POST', { 'CQ-Action': 'Activate' }, 400]
      ]
      const serving = startCli(['serve', dir, '--port', '0', '--no-ui', '--no-watch', '--docroot', docroot])
      try {
        const proxy = (await serving.waitFor(/^Proxy: (http:\/\/\S+)$/m))[1]
        for (const [method, headers, status] of cases) {
          const header = Object.entries(headers).flatMap(([k, v]) => ['--header', `${k}: ${v}`])
          const explained = await runCli([
            'explain',
            dir,
            method,
            '/dispatcher/invalidate.cache',
            ...header,
            '--docroot',
            docroot,
            '--json'
          ])
          expect(explained.code).toBe(0)
          const served = await send(proxy, '/dispatcher/invalidate.cache', { method, headers, body: '' })
          const what = `${method} ${JSON.stringify(headers)}`
          expect([what, served.status]).toEqual([what, status])
          expect([what, JSON.parse(explained.stdout).status]).toEqual([what, served.status])
        }
      } finally {
        serving.child.kill('SIGTERM')
        fs.rmSync(docroot, { recursive: true, force: true })
      }
      expect(await serving.exited).toBe(0)
    })
  })

  describe('explain (text)', () => {
    const dir = path.join(REPO_ROOT, 'resources', 'default-config')
    const lastLine = async (url: string): Promise<string> => {
      const r = await runCli(['explain', dir, 'GET', url])
      expect(r.code).toBe(0)
      return r.stdout.trimEnd().split('\n').at(-1)!
    }

    it('a forwarded cacheable request is not called uncacheable: the last line says what the cache would do', async () => {
      expect(await lastLine('/content/demo/us/en.html')).toBe(
        "→ forwarded; the answer would be cached (caching) unless the render's status or headers forbid it"
      )
    })

    it('a forwarded request that is not cacheable says why, in the X-Cache-Info words', async () => {
      expect(await lastLine('/content/demo/us/en.html?x=1')).toBe(
        '→ miss-uncacheable, forwarded (not cacheable: request contained a query string)'
      )
    })

    it('a flush is not called forwarded: explain gives the 200 it would be answered and says it performed nothing', async () => {
      const r = await runCli([
        'explain',
        dir,
        'POST',
        '/dispatcher/invalidate.cache',
        '--header',
        'CQ-Action: Activate',
        '--header',
        'CQ-Handle: /content/demo/us/en'
      ])
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(
        /^ {2}flush +stop +would invalidate \/content\/demo\/us\/en \(Activate\): touch \/\.stat\b.*; delete .+$/m
      )
      expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
        '→ flush, 200, not performed (explain changes nothing in the cache)'
      )
    })

    it('a request answered without a render keeps its outcome and status', async () => {
      expect(await lastLine('/content/demo/us/en.infinity.json')).toBe('→ blocked, 404')
    })

    /** Rows of stages: the stage in 8 columns, the verdict in 7, one space each side, then the summary. */
    const expectAligned = (stdout: string): string[] => {
      const rows = stdout.split('\n').filter((l) => /^ {2}[a-z]+ +(pass|changed|stop|error|skip) /.test(l))
      expect(rows.length).toBeGreaterThan(2)
      for (const row of rows) {
        const [stage, verdict] = row.trim().split(/ +/)
        const columns = [row.slice(2, 10).trimEnd(), row[10], row.slice(11, 18).trimEnd(), row[18], row[19] !== ' ']
        expect([row, ...columns]).toEqual([row, stage, ' ', verdict, ' ', true])
      }
      return rows
    }

    it('the response rows line up with the others, and each file is named once, relative to the configuration folder', async () => {
      const r = await runCli(['explain', dir, 'GET', '/content/demo/us/en.json'])
      expect(r.code).toBe(0)
      expect(r.stdout.split('\n')[1]).toBe(`configuration: ${dir} (the files below are relative to it)`)
      const rows = expectAligned(r.stdout)
      expect(rows.some((l) => l.startsWith('  response '))).toBe(true)
      for (const row of rows) expect(row).not.toContain(`[${dir}`)
      // The vhost's summary names its file:line already: no second path after it.
      expect(rows.find((l) => l.startsWith('  vhost '))).toMatch(/\(enabled_vhosts\/default\.vhost:\d+\)$/)
      expect(rows.find((l) => l.startsWith('  filter '))).toMatch(
        /'GET \/content\/demo\/us\/en\.json HTTP\/1\.1'.* {2}\[conf\.dispatcher\.d\/filters\/default_filters\.any:\d+\]$/
      )
    })

    it('a denied request lists under the filter row the allow a later deny overrode, then the allows one property away', async () => {
      const r = await runCli(['explain', good.dir, 'GET', '/content/site/en.form.html?debug=1'])
      expect(r.code).toBe(0)
      expectAligned(r.stdout)
      const lines = r.stdout.split('\n')
      const at = lines.findIndex((l) => l.startsWith('  filter '))
      const indent = ' '.repeat(19)
      expect(lines.slice(at, at + 5)).toEqual([
        `  filter   stop    Filter rule entry /0013 blocked 'GET /content/site/en.form.html?debug=1 HTTP/1.1'  [dispatcher.any:${good.lineOf('/0013')}]`,
        `${indent}Allowed, then overridden by a later deny:`,
        `${indent}  /0010 allows it (/path "/content/*" /extension '(html|json|css|js|png)'), but deny /0013, written after it, matches too: the last match wins  [dispatcher.any:${good.lineOf('/0010')}]`,
        `${indent}Almost allowed by (one property missed, closest first):`,
        `${indent}  /0014 — the same URL with another method: /method "POST" does not match 'GET'  [dispatcher.any:${good.lineOf('/0014')}]`
      ])
    })
  })

  describe('test', () => {
    it('passing cases: exit 0 and the line `N passed, 0 failed`', async () => {
      const cases = writeConfig(GOOD, {
        'cases.yaml': [
          '- name: pages are allowed',
          '  request: GET /content/site/en.html',
          '  expect: { farm: publish, decision: allow, rule: "0010" }',
          '- name: greedy selectors are denied',
          '  request: /content/site/en.infinity.json',
          '  expect: { decision: deny, rule: /0011, status: 404 }',
          '- request: POST /content/site/contact.form.html',
          '  expect: { decision: allow, rule: "0014" }',
          ''
        ].join('\n')
      })
      try {
        const r = await runCli(['test', cases.dir, path.join(cases.dir, 'cases.yaml')])
        expect(r.code).toBe(0)
        expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('3 passed, 0 failed')
      } finally {
        cases.remove()
      }
    })

    it("does not depend on what a serve of the same configuration cached: a page in the default cache folder is still 'forwarded'", async () => {
      const cfg = writeConfig(
        dispatcherAny([
          {
            name: 'publish',
            renders: [{ host: '127.0.0.1', port: 4503 }],
            filter: filterF(),
            extra: '    /cache { /docroot "${PUBLISH_DOCROOT}" /rules { /0 { /glob "*" /type "allow" } } }'
          }
        ]),
        {
          'cases.yaml': [
            '- request: GET /content/site/en.html',
            '  expect: { status: null, cacheable: true, outcome: miss-stored }',
            ''
          ].join('\n')
        }
      )
      // What `serve` of this configuration would have stored after one visit.
      const shared = path.join(defaultDocroot(cfg.dir), 'html')
      fs.mkdirSync(path.join(shared, 'content', 'site'), { recursive: true })
      fs.writeFileSync(path.join(shared, 'content', 'site', 'en.html'), '<html>cached</html>')
      try {
        const r = await runCli(['test', cfg.dir, path.join(cfg.dir, 'cases.yaml')])
        expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed')
        expect(r.code).toBe(0)
        expect(fs.existsSync(path.join(shared, 'content', 'site', 'en.html'))).toBe(true)
      } finally {
        cfg.remove()
        fs.rmSync(path.dirname(path.dirname(shared)), { recursive: true, force: true })
      }
    })

    it('an outcome is written as the request log shows it or by its id; an unknown one is refused with the list (exit 2)', async () => {
      const cases = writeConfig(GOOD, {
        'cases.yaml': [
          '- request: GET /content/site/en.html?x=1',
          '  expect: { outcome: not cacheable }',
          '- request: GET /content/site/en.html?x=1',
          '  expect: { outcome: miss-uncacheable }',
          '- request: GET /libs/x.html',
          '  expect: { outcome: blocked }',
          ''
        ].join('\n'),
        'bad.yaml': '- request: GET /content/site/en.html\n  expect: { outcome: cached }\n'
      })
      try {
        const ok = await runCli(['test', cases.dir, path.join(cases.dir, 'cases.yaml')])
        expect(ok.stdout.trimEnd().split('\n').at(-1)).toBe('3 passed, 0 failed')
        const bad = await runCli(['test', cases.dir, path.join(cases.dir, 'bad.yaml')])
        expect(bad.code).toBe(2)
        expect(bad.stderr).toContain(
          'case 1: unknown outcome "cached" (known: hit ("hit"), miss-stored ("miss · stored"), miss-uncacheable ("not cacheable"),'
        )
      } finally {
        cases.remove()
      }
    })

    it('a status written in quotes is the number; a bare rule label YAML reads as a number, or a value of the wrong type, is refused when the file is read (exit 2)', async () => {
      const cases = writeConfig(GOOD, {
        'cases.yaml': ['- request: GET /libs/x.html', '  expect: { status: "404", rule: "0001" }', ''].join('\n'),
        'bare-rule.yaml': ['- request: GET /libs/x.html', '  expect: { rule: 0001 }', ''].join('\n'),
        'bad-type.yaml': ['- request: GET /libs/x.html', '  expect: { cacheable: "no" }', ''].join('\n')
      })
      try {
        const ok = await runCli(['test', cases.dir, path.join(cases.dir, 'cases.yaml')])
        expect(ok.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed')
        const bare = await runCli(['test', cases.dir, path.join(cases.dir, 'bare-rule.yaml')])
        expect(bare.code).toBe(2)
        expect(bare.stderr).toContain(
          'case 1: "rule" is the number 1 here (YAML drops leading zeros): write the label in quotes, e.g. rule: "0010"'
        )
        const type = await runCli(['test', cases.dir, path.join(cases.dir, 'bad-type.yaml')])
        expect(type.code).toBe(2)
        expect(type.stderr).toContain('case 1: "cacheable" expects true or false, got "no"')
      } finally {
        cases.remove()
      }
    })

    it('a wrong expectation: exit 1 and a FAIL line naming what differed and the rule that decided, with its file:line', async () => {
      const cases = writeConfig(GOOD, {
        'cases.yaml': [
          '- name: wrongly expected',
          '  request: GET /libs/x.html',
          '  expect: { decision: allow }',
          '- name: another rule',
          '  request: GET /content/site/en.infinity.json',
          '  expect: { rule: "0001" }',
          ''
        ].join('\n')
      })
      try {
        const r = await runCli(['test', cases.dir, path.join(cases.dir, 'cases.yaml')])
        expect(r.code).toBe(1)
        const at = (label: string) => `${cases.anyFile}:${cases.lineOf(`/${label} {`)}`
        expect(r.stdout.split('\n')).toContain(
          `FAIL  wrongly expected  decision: expected "allow", got "deny" (rule /0001 at ${at('0001')})`
        )
        expect(r.stdout.split('\n')).toContain(
          `FAIL  another rule      rule: expected "0001", got "0011" (rule /0011 at ${at('0011')})`
        )
        expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 2 failed')
      } finally {
        cases.remove()
      }
    })
  })

  describe('serve', () => {
    it('--demo serves the demo home page through the proxy and exits 0 on SIGTERM', async () => {
      const port = await freePort()
      const cli = startCli(['serve', '--port', String(port), '--demo'])
      try {
        const m = await cli.waitFor(/^Proxy: (http:\/\/\S+)$/m)
        expect(m[1]).toBe(`http://127.0.0.1:${port}`)
        const a = await send(m[1], '/content/demo/us/en.html')
        expect(a.status).toBe(200)
        expect(a.headers['content-type']).toMatch(/^text\/html/)
        expect(a.body.toString('utf8')).toContain('<h1>')
      } finally {
        cli.child.kill('SIGTERM')
      }
      expect(await cli.exited).toBe(0)
    })

    it("--demo with a configuration whose home page is not the demo site's warns that its pages will be 404s, and names the demo home", async () => {
      const dir = embeddedConfigWithVhost('', (t) =>
        t.replace('"^/$" "/content/demo/us/en.html" [PT,L]', '"^/$" "/content/mysite/us/en.html" [PT,L]')
      )
      const cli = startCli(['serve', dir, '--port', '0', '--no-ui', '--no-watch', '--demo'])
      try {
        const proxy = (await cli.waitFor(/^Proxy: (http:\/\/\S+)$/m))[1]
        const warning = await cli.waitFor(/^Warning: --demo.*$/m)
        expect(warning[0]).toBe(
          `Warning: --demo's render is the built-in demo site (pages under /content/demo/), but this configuration takes / to /content/mysite/us/en.html, which the demo site does not have: your site's pages will be 404s. Browse ${proxy}/content/demo/us/en.html for the demo site, or restart with --aem host:port to serve your own AEM instead.`
        )
        expect((await send(proxy, '/')).status).toBe(404)
      } finally {
        cli.child.kill('SIGTERM')
      }
      expect(await cli.exited).toBe(0)
    })

    it('--demo keeps serving when its start-up check meets a redirect whose Location is no URL (it crashed on the rejection)', async () => {
      const dir = embeddedConfigWithVhost('', (t) =>
        t.replace('"^/$" "/content/demo/us/en.html" [PT,L]', '"^/$" "http://[bad/x" [R=302,L]')
      )
      const cli = startCli(['serve', dir, '--port', '0', '--no-ui', '--no-watch', '--demo'])
      try {
        const proxy = (await cli.waitFor(/^Proxy: (http:\/\/\S+)$/m))[1]
        // The check runs right after this line; a crash from it comes within milliseconds.
        const ended = await Promise.race([cli.exited, new Promise((r) => setTimeout(() => r('running'), 1500))])
        expect(ended).toBe('running')
        expect((await send(proxy, '/content/demo/us/en.html')).status).toBe(200)
      } finally {
        cli.child.kill('SIGTERM')
      }
      expect(await cli.exited).toBe(0)
    })

    it("a SIGTERM while it is still starting (on the demo render's line) stops it cleanly: exit 0, not killed", async () => {
      const cli = startCli(['serve', '--port', '0', '--demo'])
      await cli.waitFor(/^Demo render: /m)
      cli.child.kill('SIGTERM')
      expect(await cli.exited).toBe(0)
      expect(cli.child.signalCode).toBeNull()
    })

    it('warns at start about a farm whose /docroot does not exist, naming it, and caches into --docroot DIR/html under an AMS-style ${PUBLISH_DOCROOT}', async () => {
      const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-docroot-'))
      const cfg = writeConfig(
        dispatcherAny([
          {
            name: 'publish',
            renders: [{ host: '127.0.0.1', port: 4503 }],
            filter: filterF(),
            extra: `    /cache { /docroot "\${PUBLISH_DOCROOT}" /rules { /0 { /glob "*" /type "allow" } } }`
          }
        ])
      )
      try {
        const missing = path.join(parent, 'missing')
        const warned = startCli(['serve', cfg.dir, '--port', '0', '--no-ui', '--no-watch', '--docroot', missing])
        try {
          const proxy = await warned.waitFor(/^Proxy: (http:\/\/\S+)$/m)
          expect((await send(proxy[1], '/denied')).status).toBe(404)
          expect(warned.output()).toContain(
            `Warning: farm /publish caches nothing: its /docroot ${path.join(missing, 'html')} does not exist ("not cacheable: document root non-existent").`
          )
        } finally {
          warned.child.kill('SIGTERM')
        }
        expect(await warned.exited).toBe(0)

        const given = startCli(['serve', cfg.dir, '--port', '0', '--no-ui', '--no-watch', '--docroot', parent])
        try {
          const proxy = await given.waitFor(/^Proxy: (http:\/\/\S+)$/m)
          expect((await send(proxy[1], '/denied')).status).toBe(404)
          expect(given.output()).not.toContain('Warning: farm')
          expect(fs.statSync(path.join(parent, 'html')).isDirectory()).toBe(true)
        } finally {
          given.child.kill('SIGTERM')
        }
        expect(await given.exited).toBe(0)
      } finally {
        cfg.remove()
        fs.rmSync(parent, { recursive: true, force: true })
      }
    })

    it('says at start which render does not answer and what to do, naming only renders a request can reach (no AEM running: every page would be a 503)', async () => {
      const live = net.createServer((socket) => socket.destroy())
      await new Promise<void>((resolve) => live.listen(0, '127.0.0.1', resolve))
      const livePort = (live.address() as net.AddressInfo).port
      const deadPort = await freePort()
      const aemPort = await freePort()
      const cfg = writeConfig(
        dispatcherAny([
          // AMS's catch-all farm: its filter allows nothing, so its render (Apache itself on :80 there) is never asked.
          {
            name: 'catchall',
            renders: [{ host: '127.0.0.1', port: deadPort }],
            filter: '      /0001 { /type "deny" /url "*" }'
          },
          // An allow the deny written after it overrides on every request it matches lets nothing through either.
          {
            name: 'overridden',
            virtualhosts: ['overridden.example'],
            renders: [{ host: '127.0.0.1', port: deadPort }],
            filter: '      /0001 { /type "allow" /extension "json" }\n      /0002 { /type "deny" /url "*" }'
          },
          {
            name: 'publish',
            renders: [
              { host: '127.0.0.1', port: deadPort },
              { host: '127.0.0.1', port: livePort }
            ],
            filter: filterF()
          },
          { name: 'sdk', virtualhosts: ['sdk.example'], renders: [{ host: '${AEM_HOST}', port: 0 }], extra: '' }
        ]).replace('/port "0"', '/port "${AEM_PORT}"')
      )
      const cli = startCli(['serve', cfg.dir, '--port', '0', '--no-ui', '--no-watch', '--aem', `127.0.0.1:${aemPort}`])
      try {
        await cli.waitFor(/^Warning: render \/sdk\/r0 /m)
        const lines = cli
          .output()
          .split('\n')
          .filter((l) => l.includes('does not answer'))
        const refused = (port: number) =>
          `(Unable to connect socket to 127.0.0.1:${port}: Connection refused): requests for it end in a 503 after the retries until it does.`
        expect(lines).toEqual([
          // Written with its address: --aem (given here) cannot move it.
          expect.stringMatching(
            new RegExp(
              `^Warning: render /publish/r0 does not answer ${escapeRe(refused(deadPort))} Start AEM there, or change the address where it is written \\(.*dispatcher\\.any:\\d+\\): --aem and --demo set \\$\\{AEM_HOST\\}/\\$\\{AEM_PORT\\}, which this render does not use\\.$`
            )
          ),
          `Warning: render /sdk/r0 does not answer ${refused(aemPort)} Start AEM there, or restart with --aem host:port for another address, or --demo for the built-in demo site.`
        ])
      } finally {
        cli.child.kill('SIGTERM')
        cfg.remove()
        live.close()
      }
      expect(await cli.exited).toBe(0)
    })

    it('says at start how many warnings the configuration has, as a reload does, and which check command lists them', async () => {
      const cfg = writeConfig(
        dispatcherAny([
          {
            name: 'publish',
            renders: [{ host: '127.0.0.1', port: 4503 }],
            filter: filterF(['/0020 { /type "allow" /extension "css" }'])
          }
        ])
      )
      const cli = startCli(['serve', cfg.dir, '--port', '0', '--no-ui', '--no-watch', '--run-mode', 'dev'])
      try {
        const m = await cli.waitFor(/^(\d+) warning\(s\): run `(.+)` to see them$/m)
        await cli.waitFor(/^Proxy: /m)
        const command = m[2].split(' ')
        expect(command).toEqual(['dispatcher-workbench', 'check', path.resolve(cfg.dir), '--run-mode', 'dev'])
        const listed = await runCli(command.slice(1))
        const warned = listed.stdout.split('\n').filter((l) => / warning [A-Z_]+ /.test(l))
        expect(warned.length).toBeGreaterThan(0)
        expect(Number(m[1])).toBe(warned.length)
        expect(listed.stdout).toContain(`${warned.length} warning(s)`)
      } finally {
        cli.child.kill('SIGTERM')
        await cli.exited
        cfg.remove()
      }
    })

    it('a reload prints the warnings the edit added, not only their count', async () => {
      const farm = (extra: string[]) =>
        dispatcherAny([{ name: 'publish', renders: [{ host: '127.0.0.1', port: 4503 }], filter: filterF(extra) }])
      const cfg = writeConfig(farm([]))
      const cli = startCli(['serve', cfg.dir, '--port', '0', '--no-ui'])
      try {
        await cli.waitFor(/^Proxy: /m)
        fs.writeFileSync(cfg.anyFile, farm(['/0020 { /type "allow" /extension "css" }']))
        const m = await cli.waitFor(
          /^Configuration reloaded \(generation 2, (\d+) warning\(s\)\), new:\n((?: {2}.*\n)+)/m
        )
        const added = m[2].trimEnd().split('\n')
        expect(added).toHaveLength(1)
        expect(added[0]).toMatch(
          new RegExp(
            `^ {2}${cfg.anyFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: warning PITFALL_EXTENSION_WITHOUT_PATH filter rule /0020 `
          )
        )
        // An edit that adds no warning says only the count.
        fs.writeFileSync(cfg.anyFile, `# unchanged rules\n${farm(['/0020 { /type "allow" /extension "css" }'])}`)
        const again = await cli.waitFor(/^Configuration reloaded \(generation 3, \d+ warning\(s\)\)(.*)$/m)
        expect(again[1]).toBe('')
      } finally {
        cli.child.kill('SIGTERM')
        await cli.exited
        cfg.remove()
      }
    })

    it('prints the UI address, whose API answers; --no-ui prints none and still proxies', async () => {
      const withUi = startCli(['serve', '--port', '0', '--demo'])
      try {
        const ui = await withUi.waitFor(/^UI: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)$/m)
        // The UI's API answers there (the page itself needs the renderer built, which npm test does not do).
        const config = await send(ui[1], '/api/config', { headers: { authorization: `Bearer ${ui[2]}` } })
        expect(config.status).toBe(200)
        expect(config.headers['content-type']).toMatch(/^application\/json/)
      } finally {
        withUi.child.kill('SIGTERM')
      }
      expect(await withUi.exited).toBe(0)

      const headless = startCli(['serve', '--port', '0', '--demo', '--no-ui'])
      try {
        const m = await headless.waitFor(/^Proxy: (http:\/\/\S+)$/m)
        expect((await send(m[1], '/content/demo/us/en.html')).status).toBe(200)
        expect(headless.output()).not.toMatch(/^UI:/m)
      } finally {
        headless.child.kill('SIGTERM')
      }
      expect(await headless.exited).toBe(0)
      expect(headless.output()).not.toMatch(/^UI:/m)
    })
  })
})

describe('check reports what only compiling shows', () => {
  it('an invalid filter regex is an error with its file:line:col', async () => {
    const { writeConfig } = await import('./support/config')
    const { runCli } = await import('./support/cli')
    const cfg = writeConfig(
      `/farms { /f {\n  /virtualhosts { "*" }\n  /renders { /0 { /hostname "localhost" /port "4503" } }\n  /filter { /0001 { /type "allow" /url '(unclosed' } }\n} }\n`
    )
    const r = await runCli(['check', cfg.anyFile], 60_000)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/dispatcher\.any:4:\d+: error PATTERN_INVALID_REGEX filter rule \/0001 \/url/)
  })
})

/** `s` as a regular expression matching it literally. */
function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
