// Types of corpus.mjs, for the test that imports it.
export interface Case {
  id: string;
  family: string;
  name: string;
  files: Record<string, string | { latin1: string } | { utf16le: string } | { utf16be: string }>;
  args: string[];
  env: Record<string, string>;
}
export interface Run {
  code: number | 'timeout';
  stdout: string;
  stderr: string;
  timedOut: boolean;
}
export interface Key {
  rc: number | 'timeout';
  message: string;
  location: string;
}
export const HERE: string;
export const EXPECTED_FILE: string;
export const RUN_ENV: Record<string, string>;
export function loadCases(): Case[];
export function writeCase(c: Case): string;
export function runIn(
  dir: string,
  command: string[],
  opts?: { env?: Record<string, string>; timeoutMs?: number },
): Promise<Run>;
export function keyOf(run: Run): Key;
