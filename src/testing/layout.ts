// The temporary tree ansible-test runs a target in: an integration folder holding the inventory it writes and the
// targets (the one under test copied, so that a runme.sh's `../../inventory` and its own writes stay in the tree;
// the others linked, so `needs/target/X` roles are found), and an output_dir of its own.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { controllerPython } from '../inventory/inventory.js';

export interface TargetLayout {
  /** The temporary root, removed by the caller. */
  readonly root: string;
  /** ansible-test's integration folder: the role targets' playbook and working directory. */
  readonly integrationDir: string;
  readonly targetsDir: string;
  /** The copy of the target under test: a runme.sh's working directory. */
  readonly targetDir: string;
  readonly inventory: string;
  readonly outputDir: string;
  /** integration_config.yml of the source tree, when it has one (ansible-test's vars file). */
  readonly varsFile?: string;
}

/** The inventory ansible-test writes for targets that run on the controller. */
const inventoryText = (): string =>
  `[testgroup]\ntesthost ansible_connection=local ansible_pipelining=yes ansible_python_interpreter=${controllerPython()}\n`;

export function targetLayout(dir: string, name: string): TargetLayout {
  const source = path.resolve(dir);
  const root = mkdtempSync(path.join(tmpdir(), `tsible-target-${name}-`));
  const integrationDir = path.join(root, 'integration');
  const targetsDir = path.join(integrationDir, 'targets');
  mkdirSync(targetsDir, { recursive: true });
  const siblings = path.dirname(source);
  for (const other of readdirSync(siblings))
    if (other !== name) symlinkSync(path.join(siblings, other), path.join(targetsDir, other));
  const targetDir = path.join(targetsDir, name);
  cpSync(source, targetDir, { recursive: true, verbatimSymlinks: true });
  // role targets are found beside the playbook, as ansible-test's ANSIBLE_ROLES_PATH finds them
  symlinkSync(targetsDir, path.join(integrationDir, 'roles'));
  const inventory = path.join(integrationDir, 'inventory');
  writeFileSync(inventory, inventoryText());
  const outputDir = path.join(root, 'output_dir');
  mkdirSync(outputDir);
  const sourceVars = path.join(path.dirname(siblings), 'integration_config.yml');
  let varsFile: string | undefined;
  if (existsSync(sourceVars)) cpSync(sourceVars, (varsFile = path.join(integrationDir, 'integration_config.yml')));
  return { root, integrationDir, targetsDir, targetDir, inventory, outputDir, varsFile };
}
