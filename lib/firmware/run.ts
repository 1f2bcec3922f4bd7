/** Runs an external program and returns its output, failing with its stderr on a bad exit. */

/** Output of a finished program. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `program` with `args`. When `check` is set (the default) a non-zero exit throws an
 * Error that quotes the command and its stderr.
 */
export async function run(
  program: string,
  args: string[],
  options: { cwd?: string; check?: boolean } = {},
): Promise<RunResult> {
  const output = await new Deno.Command(program, {
    args,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const result = {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
  if ((options.check ?? true) && result.code !== 0) {
    throw new Error(
      `${program} ${args.join(" ")} exited with ${result.code}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result;
}
