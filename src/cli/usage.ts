/**
 * The help texts: `help` lists every command, `<command> --help` shows that command alone. Both
 * are built from the one entry per command below, so they cannot drift apart (README "Command
 * line" documents the same).
 */

interface CommandHelp {
  synopsis: string
  summary: string
  /** `[option, what it does]`, shown by `<command> --help` only. */
  options: [string, string][]
}

export const COMMAND_HELP: Record<'check' | 'explain' | 'test' | 'serve', CommandHelp> = {
  check: {
    synopsis: 'check <config> [--json] [--quiet] [runtime options]',
    summary:
      'Load and validate a configuration (a dispatcher/src folder, a folder with dispatcher.any, or an .any file).',
    options: [
      ['--json', '{ ok, layout, anyFile, errors, warnings, infos, farms } instead of lines'],
      ['--quiet, -q', 'the error lines only, no summary (the exit code gives the verdict)']
    ]
  },
  explain: {
    synopsis:
      'explain <config> <METHOD> <URL> [--host H] [--header "Name: value"]... [--client IP] [--https] [--json] [runtime options]',
    summary: 'Show the full trace of one request without sending it to any render.',
    options: [
      ['--host H', 'the Host header (default localhost; an absolute URL gives its own)'],
      ['--header, -H "Name: value"', 'a request header (repeatable)'],
      ['--client IP', "the connection's address (what /allowedClients and mod_remoteip see; default 127.0.0.1)"],
      ['--https', 'the request came over TLS'],
      ['--json', 'the trace as JSON (README "explain --json")']
    ]
  },
  test: {
    synopsis: 'test <config> <cases.yaml|cases.json> [--json] [runtime options]',
    summary: 'Run request cases with expected decisions; exit 1 if any fails.',
    options: [['--json', 'the results as JSON']]
  },
  serve: {
    synopsis:
      'serve [config] [--port 8080] [--host 127.0.0.1] [--demo] [--no-watch] [--ui-port N | --no-ui] [--allow-self-signed] [runtime options]',
    summary: 'Run the proxy (embedded default configuration when no config is given).',
    options: [
      ['--port, -p N', 'the proxy port (default 8080)'],
      ['--host H', 'the address it listens on (default 127.0.0.1)'],
      ['--demo', 'start the built-in demo publish site and use it as the render'],
      ['--no-watch', 'do not reload the configuration when its files change'],
      ['--ui-port N', 'the UI on this loopback port (default: a random one)'],
      ['--no-ui', 'no UI (and no traces kept)'],
      ['--allow-self-signed', 'accept self-signed certificates from renders with /secure "1"']
    ]
  }
}

const RUNTIME = `Runtime options: --env NAME=VALUE (repeatable), --aem host:port, --docroot DIR, --run-mode dev|stage|prod,
  --fallback-farm last|first, --no-sdk-rules (skip the AEMaaCS SDK validator rules)
`

export function isCommandName(name: string): name is keyof typeof COMMAND_HELP {
  return Object.hasOwn(COMMAND_HELP, name)
}

export const USAGE = `Usage: dispatcher-workbench <command> [options]

Commands:
${Object.values(COMMAND_HELP)
  .map((c) => `  ${c.synopsis}\n      ${c.summary}\n`)
  .join('')}  help, <command> --help
      Show this text, or one command's usage.

${RUNTIME}`

/** `serve --help`: that command's synopsis, its options, and the runtime options every command takes. */
export function commandUsage(name: keyof typeof COMMAND_HELP): string {
  const c = COMMAND_HELP[name]
  return `Usage: dispatcher-workbench ${c.synopsis}

${c.summary}

Options:
${optionLines(c.options)}
${RUNTIME}`
}

/** The options in two columns. */
function optionLines(options: [string, string][]): string {
  const width = Math.max(...options.map(([o]) => o.length))
  return options.map(([o, what]) => `  ${o.padEnd(width)}  ${what}\n`).join('')
}
