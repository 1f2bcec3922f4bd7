/**
 * Toolchain detection: every external program the firmware step runs, and the Debian package
 * that provides it, so a missing tool stops the step with one actionable line instead of a
 * compiler's error cascade.
 */

/** The programs the firmware step runs, each with the Debian package that installs it. */
export const TOOLS = {
  "gcc": "gcc",
  "arm-none-eabi-gcc": "gcc-arm-none-eabi",
  "arm-none-eabi-size": "binutils-arm-none-eabi",
  "arm-none-eabi-nm": "binutils-arm-none-eabi",
  "arm-none-eabi-objdump": "binutils-arm-none-eabi",
  "qemu-system-arm": "qemu-system-arm",
} as const;

export type Tool = keyof typeof TOOLS;

/** A required program is not installed; the message names the package to install. */
export class ToolchainError extends Error {
  override name = "ToolchainError";
}

const found = new Map<Tool, string>();

/**
 * Checks that `tool` runs (`tool --version`) and returns its first version line; throws a
 * ToolchainError naming the Debian package otherwise. Results are remembered per process.
 */
export async function requireTool(tool: Tool): Promise<string> {
  const known = found.get(tool);
  if (known !== undefined) return known;
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(tool, { args: ["--version"], stdout: "piped", stderr: "null" })
      .output();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new ToolchainError(
      `${tool} is not installed; install it with: apt-get install -y ${TOOLS[tool]}`,
    );
  }
  if (!output.success) {
    throw new ToolchainError(
      `${tool} --version failed (exit ${output.code}); reinstall with: apt-get install -y ${
        TOOLS[tool]
      }`,
    );
  }
  const version = new TextDecoder().decode(output.stdout).split("\n")[0].trim();
  found.set(tool, version);
  return version;
}

/** Checks every tool the given target needs (see requireTool). */
export async function requireToolsFor(target: "host" | "m4"): Promise<void> {
  const tools: Tool[] = target === "host" ? ["gcc"] : [
    "arm-none-eabi-gcc",
    "arm-none-eabi-size",
    "arm-none-eabi-nm",
    "qemu-system-arm",
  ];
  for (const tool of tools) await requireTool(tool);
}
