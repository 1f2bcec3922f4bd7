import assert from "node:assert/strict";
import {
  type CommandSpec,
  helpText,
  intOption,
  numberOption,
  parseCommand,
  requireString,
  UsageError,
} from "../../lib/cli/args.ts";

const command: CommandSpec = {
  usage: "deno task demo --data PATH",
  summary: "A demo command.",
  options: {
    data: { type: "string", value: "PATH", description: "Where the data is." },
    epochs: { type: "string", value: "N", description: "Epochs.", default: "20" },
    quick: { type: "boolean", short: "q", description: "Be quick." },
  },
};

Deno.test("parseCommand() fills defaults and reads flags", () => {
  const args = parseCommand(command, ["--data", "x.tar.gz", "-q"]);
  assert.deepEqual([args.data, args.epochs, args.quick], ["x.tar.gz", "20", true]);
  assert.equal(requireString(args, "data"), "x.tar.gz");
});

Deno.test("parseCommand() refuses unknown options and stray arguments with a UsageError", () => {
  assert.throws(() => parseCommand(command, ["--bogus"]), UsageError);
  assert.throws(() => parseCommand(command, ["stray"]), UsageError);
  assert.throws(() => parseCommand(command, ["--data"]), UsageError);
});

Deno.test("helpText() lists every option with its default and --help", () => {
  const text = helpText(command);
  assert.match(text, /^Usage: deno task demo --data PATH/);
  assert.match(text, /--data PATH\s+Where the data is\./);
  assert.match(text, /--epochs N\s+Epochs\. \(default: 20\)/);
  assert.match(text, /-q, --quick\s+Be quick\./);
  assert.match(text, /-h, --help/);
});

Deno.test("intOption() and numberOption() check type and range", () => {
  assert.equal(intOption({ n: "4" }, "n", 0, 9), 4);
  assert.equal(intOption({}, "n"), undefined);
  for (const bad of ["4.5", "", "x", "10", "-1"]) {
    assert.throws(() => intOption({ n: bad }, "n", 0, 9), /--n must be an integer in \[0, 9\]/);
  }
  assert.equal(numberOption({ r: "0.25" }, "r", 0, 1), 0.25);
  for (const bad of ["", " ", "NaN", "Infinity", "2"]) {
    assert.throws(() => numberOption({ r: bad }, "r", 0, 1), /--r must be a number/);
  }
  assert.throws(() => requireString({}, "data"), /--data is required/);
});
