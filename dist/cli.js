#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/errors.ts
function formatProblem(p) {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}
function exitCodeOf(error) {
  if (error instanceof PolicyError || error instanceof InputError) return EXIT_INVALID;
  if (error instanceof RefusedError) return EXIT_REFUSED;
  return EXIT_RUNTIME;
}
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
var EXIT_OK, EXIT_RUNTIME, EXIT_INVALID, EXIT_REFUSED, PolicyError, InputError, RefusedError;
var init_errors = __esm({
  "src/errors.ts"() {
    "use strict";
    EXIT_OK = 0;
    EXIT_RUNTIME = 1;
    EXIT_INVALID = 2;
    EXIT_REFUSED = 3;
    PolicyError = class extends Error {
      exitCode = EXIT_INVALID;
      problems;
      constructor(problems) {
        const sorted = [...problems].sort(
          (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column
        );
        super(sorted.map(formatProblem).join("\n"));
        this.name = "PolicyError";
        this.problems = sorted;
      }
    };
    InputError = class extends Error {
      exitCode = EXIT_INVALID;
      constructor(message) {
        super(message);
        this.name = "InputError";
      }
    };
    RefusedError = class extends Error {
      exitCode = EXIT_REFUSED;
      /** Machine-readable reason: `digest-mismatch`, `expired`, `org-mismatch`, `older-than-last-applied`, `blocked`, `merge-check`, ... */
      reason;
      constructor(reason, message) {
        super(message);
        this.name = "RefusedError";
        this.reason = reason;
      }
    };
  }
});

// src/commands/validate.ts
var validate_exports = {};
__export(validate_exports, {
  validateCommand: () => validateCommand
});
var validateCommand;
var init_validate = __esm({
  "src/commands/validate.ts"() {
    "use strict";
    init_errors();
    validateCommand = async (_argv, io) => {
      io.stderr("license-policy validate: not built yet\n");
      return Promise.resolve(EXIT_RUNTIME);
    };
  }
});

// src/commands/plan.ts
var plan_exports = {};
__export(plan_exports, {
  planCommand: () => planCommand
});
var planCommand;
var init_plan = __esm({
  "src/commands/plan.ts"() {
    "use strict";
    init_errors();
    planCommand = async (_argv, io) => {
      io.stderr("license-policy plan: not built yet\n");
      return Promise.resolve(EXIT_RUNTIME);
    };
  }
});

// src/commands/apply.ts
var apply_exports = {};
__export(apply_exports, {
  applyCommand: () => applyCommand
});
var applyCommand;
var init_apply = __esm({
  "src/commands/apply.ts"() {
    "use strict";
    init_errors();
    applyCommand = async (_argv, io) => {
      io.stderr("license-policy apply: not built yet\n");
      return Promise.resolve(EXIT_RUNTIME);
    };
  }
});

// src/commands/restore.ts
var restore_exports = {};
__export(restore_exports, {
  restoreCommand: () => restoreCommand
});
var restoreCommand;
var init_restore = __esm({
  "src/commands/restore.ts"() {
    "use strict";
    init_errors();
    restoreCommand = async (_argv, io) => {
      io.stderr("license-policy restore: not built yet\n");
      return Promise.resolve(EXIT_RUNTIME);
    };
  }
});

// src/commands/init.ts
var init_exports = {};
__export(init_exports, {
  initCommand: () => initCommand
});
var initCommand;
var init_init = __esm({
  "src/commands/init.ts"() {
    "use strict";
    init_errors();
    initCommand = async (_argv, io) => {
      io.stderr("license-policy init: not built yet\n");
      return Promise.resolve(EXIT_RUNTIME);
    };
  }
});

// src/commands/sandbox.ts
var sandbox_exports = {};
__export(sandbox_exports, {
  sandboxCommand: () => sandboxCommand
});
var sandboxCommand;
var init_sandbox = __esm({
  "src/commands/sandbox.ts"() {
    "use strict";
    init_errors();
    sandboxCommand = async (_argv, io) => {
      io.stderr("license-policy sandbox: not built yet\n");
      return Promise.resolve(EXIT_RUNTIME);
    };
  }
});

// src/commands/demo.ts
var demo_exports = {};
__export(demo_exports, {
  demoCommand: () => demoCommand
});
var demoCommand;
var init_demo = __esm({
  "src/commands/demo.ts"() {
    "use strict";
    init_errors();
    demoCommand = async (_argv, io) => {
      io.stderr("license-policy demo: not built yet\n");
      return Promise.resolve(EXIT_RUNTIME);
    };
  }
});

// src/commands/io.ts
var processIo = () => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd()
});

// src/cli.ts
init_errors();
var commands = {
  validate: {
    summary: "Check the policy files (never touches the network)",
    load: async () => (await Promise.resolve().then(() => (init_validate(), validate_exports))).validateCommand
  },
  plan: {
    summary: "Read the organisation, evaluate the policy and write a plan",
    load: async () => (await Promise.resolve().then(() => (init_plan(), plan_exports))).planCommand
  },
  apply: {
    summary: "Apply a reviewed plan (re-evaluated against fresh data)",
    load: async () => (await Promise.resolve().then(() => (init_apply(), apply_exports))).applyCommand
  },
  restore: {
    summary: "Build a plan that gives back what an apply removed",
    load: async () => (await Promise.resolve().then(() => (init_restore(), restore_exports))).restoreCommand
  },
  init: {
    summary: "Write a starter policy from the live organisation",
    load: async () => (await Promise.resolve().then(() => (init_init(), init_exports))).initCommand
  },
  sandbox: {
    summary: "Serve the Atlassian API emulator with a synthetic organisation",
    load: async () => (await Promise.resolve().then(() => (init_sandbox(), sandbox_exports))).sandboxCommand
  },
  demo: {
    summary: "Run the whole job against the built-in sandbox",
    load: async () => (await Promise.resolve().then(() => (init_demo(), demo_exports))).demoCommand
  }
};
var usage = () => [
  "Usage: license-policy <command> [options]",
  "",
  "Commands:",
  ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`),
  "",
  "Run 'license-policy <command> --help' for a command's options.",
  ""
].join("\n");
async function main(argv, io) {
  const [name, ...rest] = argv;
  if (name === void 0 || name === "--help" || name === "-h" || name === "help") {
    io.stdout(usage());
    return name === void 0 ? EXIT_INVALID : EXIT_OK;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`license-policy: unknown command "${name}"

${usage()}`);
    return EXIT_INVALID;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    io.stderr(`license-policy ${name}: ${messageOf(error)}
`);
    return exitCodeOf(error);
  }
}
process.exitCode = await main(process.argv.slice(2), processIo());
export {
  main
};
