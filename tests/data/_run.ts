import { fileURLToPath } from "node:url";

const DATA_COMMAND = fileURLToPath(new URL("../../pipeline/data.ts", import.meta.url));

/** Runs `deno task data` (the script itself) with `args`; returns exit code and output. */
export async function runDataCommand(args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DATA_COMMAND, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
