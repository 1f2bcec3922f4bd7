import assert from "node:assert/strict";
import { requireTool, ToolchainError } from "../../lib/firmware/mod.ts";

Deno.test("requireTool() names the Debian package to install when a tool is missing", async () => {
  const path = Deno.env.get("PATH") ?? "";
  Deno.env.set("PATH", "/nonexistent");
  try {
    await assert.rejects(
      () => requireTool("qemu-system-arm"),
      (error: Error) =>
        error instanceof ToolchainError &&
        error.message ===
          "qemu-system-arm is not installed; install it with: apt-get install -y qemu-system-arm",
    );
    await assert.rejects(
      () => requireTool("arm-none-eabi-gcc"),
      /apt-get install -y gcc-arm-none-eabi/,
    );
  } finally {
    Deno.env.set("PATH", path);
  }
});

Deno.test("requireTool() returns the version line of an installed tool", async () => {
  assert.match(await requireTool("gcc"), /gcc/);
});
