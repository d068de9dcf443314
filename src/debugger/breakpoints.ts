// The breakpoint list both debuggers keep (the task debugger's and the schedule debugger's), with the `b` and
// `clear` commands worded as pdb words them.
export class Breakpoints {
  #list: string[];
  constructor(initial: readonly string[] = []) {
    this.#list = [...initial];
  }
  get all(): readonly string[] {
    return this.#list;
  }
  some(test: (b: string) => boolean): boolean {
    return this.#list.some(test);
  }

  /** `b [ARG]` (no argument: list them) and `clear [N]` (no argument: all); returns what to print. */
  command(cmd: 'break' | 'clear', arg: string): string {
    if (cmd === 'break') {
      if (!arg)
        return this.#list.length ? this.#list.map((b, i) => `${i + 1}: ${b}`).join('\n') + '\n' : 'No breakpoints.\n';
      this.#list.push(arg);
      return `Breakpoint ${this.#list.length} at ${arg}\n`;
    }
    if (!arg) {
      this.#list = [];
      return 'Deleted all breakpoints\n';
    }
    const n = Number(arg);
    return this.#list.splice(n - 1, 1).length ? `Deleted breakpoint ${n}\n` : `No breakpoint number ${arg}\n`;
  }
}
