/**
 * mod_env's directives as httpd reads them (mod_env.c's command table): how many words each
 * takes, and `apache2 -t`'s words when a line has the wrong number. What they do is the
 * runtime's (runtime/mod-env.ts).
 */

const USAGE: Record<string, { min: number; max: number; usage: string }> = {
  SetEnv: { min: 1, max: 2, usage: 'an environment variable name and optional value to pass to CGI.' },
  UnsetEnv: { min: 1, max: Infinity, usage: 'a list of variables to remove from the CGI environment.' },
  PassEnv: { min: 1, max: Infinity, usage: 'a list of environment variables to pass to CGI.' }
}

/** Why httpd refuses this mod_env line, undefined when it takes it (or `name` is not mod_env's). */
export function envDirectiveError(name: string, args: readonly string[]): string | undefined {
  const shape = USAGE[name]
  // TAKE12 and ITERATE stop at an empty first word ("" counts as none).
  if (!shape || (args.length >= shape.min && args.length <= shape.max && args[0] !== '')) return undefined
  return shape.max === 2
    ? `${name} takes 1-2 arguments, ${shape.usage}`
    : `${name} requires at least one argument, ${shape.usage}`
}
