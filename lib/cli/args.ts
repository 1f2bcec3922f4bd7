/**
 * Command-line parsing for every task: `parseArgs` behind the `#parse-args` import-map entry
 * (node:util today; JSR's @std/cli is unreachable from our machines), plus generated `--help`
 * and one error path for all commands.
 */
import { parseArgs } from "#parse-args";

export interface OptionSpec {
  type: "string" | "boolean";
  description: string;
  /** Placeholder shown in --help, e.g. "DIR". */
  value?: string;
  short?: string;
  default?: string | boolean;
}

export interface CommandSpec {
  /** As typed by users, e.g. "deno task data". */
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
}

export type ParsedArgs = Record<string, string | boolean | undefined>;

/** A mistake in how a command was called; exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The --help text of `command`. */
export function helpText(command: CommandSpec): string {
  const rows = Object.entries(command.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ""}--${name}${o.value ? ` ${o.value}` : ""}`;
    const dflt = o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : "";
    return [flag, o.description + dflt];
  });
  rows.push(["-h, --help", "Show this help and exit."]);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return [
    `Usage: ${command.usage}`,
    "",
    command.summary,
    "",
    "Options:",
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
  ].join("\n");
}

/**
 * Parses `argv` for `command`. Prints help and exits 0 on --help; throws UsageError on an
 * unknown option, a missing value or a stray positional argument.
 */
export function parseCommand(command: CommandSpec, argv: string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, o] of Object.entries(command.options)) {
    options[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  }
  let values: ParsedArgs;
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    values = parsed.values as ParsedArgs;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nRun with --help to see the options.`);
  }
  if (values.help) {
    console.log(helpText(command));
    Deno.exit(0);
  }
  for (const [name, o] of Object.entries(command.options)) {
    if (values[name] === undefined && o.default !== undefined) values[name] = o.default;
  }
  return values;
}

/** The string option `name`, or a UsageError if it is missing. */
export function requireString(args: ParsedArgs, name: string): string {
  const value = args[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** The integer option `name` within [min, max], or a UsageError; undefined when absent. */
export function intOption(
  args: ParsedArgs,
  name: string,
  min = -Infinity,
  max = Infinity,
): number | undefined {
  return numeric(args, name, min, max, "an integer", Number.isInteger);
}

/** The number option `name` within [min, max], or a UsageError; undefined when absent. */
export function numberOption(
  args: ParsedArgs,
  name: string,
  min = -Infinity,
  max = Infinity,
): number | undefined {
  return numeric(args, name, min, max, "a number", Number.isFinite);
}

function numeric(
  args: ParsedArgs,
  name: string,
  min: number,
  max: number,
  kind: string,
  valid: (n: number) => boolean,
): number | undefined {
  const value = args[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !valid(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be ${kind} in [${min}, ${max}], got "${value}"`);
  }
  return n;
}

/**
 * Runs a command's main function: an error prints "error: <message>" on stderr and exits
 * non-zero (2 for usage errors, 1 otherwise), so every task fails the same way.
 */
export async function runMain(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${message}`);
    if (Deno.env.get("DEBUG") && error instanceof Error) console.error(error.stack);
    Deno.exit(error instanceof UsageError ? 2 : 1);
  }
}
