import { fileURLToPath } from "node:url";

/** Runs `pipeline/<script>` with `args`; returns its exit code and stderr. */
export async function runPipelineScript(
  script: string,
  args: string[],
): Promise<{ code: number; stderr: string }> {
  const path = fileURLToPath(new URL(`../../pipeline/${script}`, import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}
