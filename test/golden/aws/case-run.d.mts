// Types of case-run.mjs, for the test that imports it.
export function writeCasePlaybook(work: string, c: { id: string; module: string; args: unknown }): string;
export function caseEnvironment(
  c: { env?: Record<string, string> },
  connection: Record<string, string>,
): NodeJS.ProcessEnv;
