/**
 * Command-line entry: `dispatcher-workbench <command> …` (see README "Command line").
 */
import { checkCommand } from './check'
import { explainCommand } from './explain'
import { serveCommand } from './serve'
import { testCommand } from './test-cases'
import { UsageError } from './args'
import { commandUsage, isCommandName, USAGE } from './usage'
import { ConfigInputError } from '../main/engine/config/load'
import { errorCode } from '../main/engine/http/error-code'

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
    process.stdout.write(isCommandName(name) ? commandUsage(name) : USAGE)
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
