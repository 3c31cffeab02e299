/**
 * Command-line entry: `dispatcher-workbench <command> …` (see README "Command line").
 */
import { checkCommand } from './check'
import { explainCommand } from './explain'
import { serveCommand } from './serve'
import { testCommand } from './test-cases'
import { UsageError } from './args'
import { ConfigInputError } from '../main/engine/config/load'
import { errorCode } from '../main/engine/http/error-code'

const USAGE = `Usage: dispatcher-workbench <command> [options]

Commands:
  check <config> [--json] [--quiet] [--no-sdk-rules] [runtime options]
      Load and validate a configuration (a dispatcher/src folder, a folder with dispatcher.any, or an .any file).
  explain <config> <METHOD> <URL> [--host H] [--header "Name: value"]... [--client IP] [--https] [--json] [runtime options]
      Show the full trace of one request without sending it to any render.
  test <config> <cases.yaml|cases.json> [--json] [runtime options]
      Run request cases with expected decisions; exit 1 if any fails.
  serve [config] [--port 8080] [--host 127.0.0.1] [--demo] [--no-watch] [--ui-port N | --no-ui] [--allow-self-signed] [runtime options]
      Run the proxy (embedded default configuration when no config is given).
  help, <command> --help
      Show this text.

Runtime options: --env NAME=VALUE (repeatable), --aem host:port, --docroot DIR, --run-mode dev|stage|prod,
  --fallback-farm last|first
`

type Command = (argv: string[], out: (s: string) => void) => number | Promise<number>

const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  explain: explainCommand,
  serve: serveCommand,
  test: testCommand
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE)
    return name ? 0 : 2
  }
  const command = COMMANDS[name]
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${USAGE}`)
    return 2
  }
  if (asksForHelp(rest)) {
    process.stdout.write(USAGE)
    return 0
  }
  try {
    return await command(rest, (s) => process.stdout.write(s + '\n'))
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigInputError || errorCode(e).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`dispatcher-workbench ${name}: ${(e as Error).message}\n`)
      return 2
    }
    throw e
  }
}

/** `serve --help`: an option no command takes, asked for before any `--` (after it, `--help` is an argument). */
function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h')
}
