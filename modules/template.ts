// template: a Jinja2 file from templates/ rendered with the task's variables and put in place the way Ansible's
// template action does it: it renders, then hands the text to the copy action (changed content: the copy module;
// same content: the file module for the attributes), whose result keys it returns.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ModuleFailure,
  defineModule,
  type FileTemplateSettings,
  type ModuleContext,
  type TaskResult,
} from '../src/module.js';
import { PyDatetime } from '../src/python/datetime.js';
import { PyException } from '../src/python/python.js';
import { UndefinedError } from '../src/errors.js';
import { FILE_COMMON_SPEC, actionFail, addPathInfo, backupLocal, expandPath, fail, userName } from './file_common.js';
import { nodeEncoding, setFileAttributes, writeChanges } from './file_edit.js';

/** The newline_sequence option: the escaped spellings people write are accepted too. */
function newlineSequence(value: string): string {
  const spelled = ['\\n', '\\r', '\\r\\n'].indexOf(value);
  const seq = spelled === -1 ? value : ['\n', '\r', '\r\n'][spelled]!;
  if (!['\n', '\r', '\r\n'].includes(seq)) actionFail('newline_sequence needs to be one of: \n, \r or \r\n');
  return seq;
}

/** _find_needle('templates', src): each search directory's templates/ first, then the directory itself. */
function findTemplate(src: string, ctx: ModuleContext): string {
  const file = expandPath(src, ctx.env);
  const tried = path.isAbsolute(file)
    ? [file]
    : (ctx.templates?.searchDirs ?? [ctx.basedir]).flatMap((d) => [
        path.join(d, 'templates', file),
        path.join(d, file),
      ]);
  const found = tried.find((f) => existsSync(f));
  if (found) return found;
  const msg = `Could not find or access '${src}'\nSearched in:\n\t${tried.join('\n\t')} on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option`;
  return fail({ msg, exception: msg });
}

/** generate_ansible_template_vars: what a template knows about itself. */
function templateVars(src: string, source: string, dest: string, ctx: ModuleContext): Record<string, unknown> {
  const st = statSync(source);
  return {
    template_host: hostname(),
    template_path: src,
    template_mtime: PyDatetime.now(false, st.mtimeMs),
    template_uid: userName(st.uid),
    template_run_date: PyDatetime.now(false, ctx.clock.now()),
    template_destpath: dest,
    template_fullpath: source,
    ansible_managed: 'Ansible managed',
  };
}

/** Where the template's includes are found: the task's search path, the playbook's directory and the template's
 * own, each one's templates/ first. */
function includeSearchPath(source: string, ctx: ModuleContext): string[] {
  const dirs = [...(ctx.templates?.searchPath ?? []), ctx.basedir, path.dirname(source)];
  return dirs.flatMap((d) => [path.join(d, 'templates'), d]);
}

/** The template rendered; a templating error fails the task as the action reports it (its class, its words). */
function render(source: string, args: Record<string, any>, ctx: ModuleContext): string {
  const settings: FileTemplateSettings = {
    trim_blocks: args.trim_blocks,
    lstrip_blocks: args.lstrip_blocks,
    newline_sequence: newlineSequence(args.newline_sequence),
    block_start_string: args.block_start_string,
    block_end_string: args.block_end_string,
    variable_start_string: args.variable_start_string,
    variable_end_string: args.variable_end_string,
    comment_start_string: args.comment_start_string,
    comment_end_string: args.comment_end_string,
    searchpath: includeSearchPath(source, ctx),
  };
  const text = readFileSync(source, 'utf8');
  const vars = templateVars(args.src, source, args.dest, ctx);
  try {
    return ctx.templates!.renderFile(text, vars, settings);
  } catch (e) {
    // a Python exception out of Jinja2 (TemplateSyntaxError): the action words it by its class's name
    if (e instanceof PyException) {
      const why = e.message.slice(e.pyType.length + 2);
      return renderFail({ msg: `${e.pyType.split('.').pop()}: ${why}`, exception: `${e.pyType}: ${why}` });
    }
    const undefinedVar = e instanceof UndefinedError;
    const kind = undefinedVar ? 'AnsibleUndefinedVariable' : 'AnsibleError';
    // do_template raises AnsibleUndefinedVariable(e, orig_exc=e): the message, then the original's again
    const why = undefinedVar ? `${(e as Error).message}. ${(e as Error).message}` : (e as Error).message;
    return renderFail({ msg: `${kind}: ${why}`, exception: `ansible.errors.${kind}: ${why}` });
  }
}

/** The action's failure to render, before any module ran: the result has no module's invocation (a hidden one
 * keeps the executor from adding it). */
function renderFail(result: TaskResult): never {
  const failed: TaskResult = { failed: true, changed: false, ...result };
  Object.defineProperty(failed, 'invocation', { value: undefined, enumerable: false });
  throw new ModuleFailure(failed);
}

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** _get_diff_data: the destination as it is (no header when there is none yet) and the rendered text, which Ansible
 * has written to a file named after the template in a controller's temporary directory (the after header). */
const diffData = (destFile: string, source: string, rendered: string) => ({
  ...(existsSync(destFile) ? { before_header: destFile, before: readFileSync(destFile, 'utf8') } : { before: '' }),
  after: rendered,
  after_header: path.join(tmpdir(), `ansible-local-${process.pid}`, 'tmp', path.basename(source)),
});

/** The copy module's part: the rendered text written (validated, backed up), then the attributes. */
function copyContent(destFile: string, content: Buffer, args: Record<string, any>, ctx: ModuleContext): TaskResult {
  const checksum = sha1(content);
  const dir = path.dirname(destFile);
  if (!existsSync(dir)) fail({ checksum, msg: `Destination directory ${dir} does not exist` });
  const result: TaskResult = { changed: true, checksum, dest: destFile };
  if (args.backup && existsSync(destFile)) result.backup_file = backupLocal(destFile, new Date(ctx.clock.now()));
  writeChanges(content, destFile, args.validate, (run) => {
    const lines = (t: string) => (t ? t.replace(/\n$/, '').split('\n') : []);
    const [stdout, stderr] = [run.stdout, run.stderr];
    return fail({
      checksum,
      exit_status: run.status ?? 1,
      msg: 'failed to validate',
      stderr,
      stdout,
      stderr_lines: lines(stderr),
      stdout_lines: lines(stdout),
    });
  });
  result.md5sum = createHash('md5').update(content).digest('hex');
  setFileAttributes(destFile, args, ctx);
  return addPathInfo(result);
}

function template(args: Record<string, any>, ctx: ModuleContext): TaskResult {
  if (args.state !== null) actionFail("'state' cannot be specified on a template");
  if (args.src === null || args.dest === null) actionFail('src and dest are required');
  newlineSequence(args.newline_sequence);
  const source = findTemplate(args.src, ctx);
  const a = { ...args, mode: args.mode === 'preserve' ? statSync(source).mode & 0o7777 : args.mode };
  const content = Buffer.from(render(source, a, ctx), nodeEncoding(args.output_encoding));
  const dest = expandPath(args.dest, ctx.env);
  let destFile = dest.endsWith('/') ? path.join(dest, path.basename(source)) : dest;
  if (existsSync(destFile) && statSync(destFile).isDirectory()) destFile = path.join(destFile, path.basename(source));
  if (existsSync(destFile) && !args.force) return { changed: false, dest, src: source };
  const diff: unknown[] = [];
  if (!existsSync(destFile) || sha1(readFileSync(destFile)) !== sha1(content)) {
    if (ctx.diff) diff.push(diffData(destFile, source, content.toString()));
    if (ctx.checkMode) return { diff, changed: true };
    return { diff, src: source, ...copyContent(destFile, content, a, ctx) };
  }
  // the file module, for the attributes only
  const attrs: Record<string, unknown> = { before: { path: destFile }, after: { path: destFile } };
  const changed = setFileAttributes(destFile, a, ctx, attrs);
  return addPathInfo({ changed, diff: attrs, path: destFile, dest: destFile, checksum: sha1(content) });
}

export default defineModule({
  names: ['template', 'ansible.builtin.template', 'ansible.legacy.template'],
  argumentSpec: {
    src: { type: 'path' },
    dest: { type: 'path' },
    state: { type: 'str' },
    backup: { type: 'bool', default: false },
    force: { type: 'bool', default: true },
    follow: { type: 'bool', default: false },
    validate: { type: 'str' },
    newline_sequence: { type: 'str', default: '\n' },
    block_start_string: { type: 'str' },
    block_end_string: { type: 'str' },
    variable_start_string: { type: 'str' },
    variable_end_string: { type: 'str' },
    comment_start_string: { type: 'str' },
    comment_end_string: { type: 'str' },
    trim_blocks: { type: 'bool', default: true },
    lstrip_blocks: { type: 'bool', default: false },
    output_encoding: { type: 'str', default: 'utf-8' },
    ...FILE_COMMON_SPEC,
  },
  supportsCheckMode: true,
  run: (args, ctx) => template(args, ctx),
});
