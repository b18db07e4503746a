// `npm run --silent smsp -- <command> …`: one command line for the project's tools.
// Each command lives with what it owns and exports `run(args): Promise<number>` (the exit code).
const commands: Readonly<Record<string, { module: string; summary: string }>> = {
  hl7: { module: '../../main/cli/hl7', summary: 'hl7 parse FILE — print a Spine message as JSON' },
  audit: { module: '../../main/cli/audit', summary: 'audit export|verify|seed — the audit trail offline' },
  sandbox: { module: '../spine-sandbox/cli', summary: 'sandbox --port N — run the local Spine' },
  card: { module: '../smartcard/cli', summary: 'card create — provision a virtual NHS smartcard' },
  launch: {
    module: '../../main/cli/launch',
    summary: 'launch URL [--data-dir DIR] — ask the running app to open a patient (in-context launch)',
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(
      `usage: smsp <command> …\n${Object.values(commands)
        .map((c) => `  ${c.summary}`)
        .join('\n')}\n`,
    );
    return 2;
  }
  const module = (await import(command.module)) as { run(args: string[]): Promise<number> };
  return module.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`smsp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
