// Checking a parsed script against spec.ts: every command and test known and `require`d, tagged
// and positional arguments of the right kinds, if/elsif/else in order, comparators, relational
// operators and date parts known. The result is the script as operations the interpreter runs.
// Pure; errors name the line (ManageSieve's CHECKSCRIPT and PUTSCRIPT show them to the user).
// Owns: Sieve validation.
import { SieveError } from './lexer.ts';
import { parseScript, type Argument, type CommandNode, type TestNode } from './parser.ts';
import { COMMANDS, EXTENSIONS, TESTS, type ArgType, type Extension, type Spec } from './spec.ts';

export type Value = string | string[] | number;

export interface Op {
  name: string;
  /** Tagged arguments, by name without the colon: their value, or true for a flag tag. */
  tags: Map<string, Value | true>;
  pos: Value[];
  tests: Op[];
  block: Op[] | null;
  line: number;
}

export interface Script {
  requires: Set<Extension>;
  commands: Op[];
}

export const COMPARATORS = ['i;octet', 'i;ascii-casemap', 'i;ascii-numeric', 'i;unicode-casemap'];
export const RELATIONAL = ['gt', 'ge', 'lt', 'le', 'eq', 'ne'];
export const DATE_PARTS = ['year', 'month', 'day', 'date', 'julian', 'hour', 'minute', 'second', 'time', 'iso8601', 'std11', 'zone', 'weekday'];
const MAX_SCRIPT = 1024 * 1024;

function take(arg: Argument, type: ArgType, where: string): Value {
  if (type === 'number') {
    if (arg.type !== 'number') throw new SieveError(`${where}: a number is expected`, arg.line);
    return arg.value;
  }
  if (arg.type !== 'strings') throw new SieveError(`${where}: a ${type === 'string' ? 'string' : 'string list'} is expected`, arg.line);
  if (type === 'string') {
    if (arg.list) throw new SieveError(`${where}: a single string is expected, not a list`, arg.line);
    return arg.values[0];
  }
  return arg.values;
}

function checkArgs(node: CommandNode | TestNode, spec: Spec, requires: Set<Extension>, kind: string): Pick<Op, 'tags' | 'pos'> {
  const where = `${kind} "${node.name}"`;
  const tags = new Map<string, Value | true>();
  const groups = new Map<string, string>();
  const rest: Argument[] = [];
  for (let i = 0; i < node.args.length; i++) {
    const a = node.args[i];
    if (a.type !== 'tag') {
      rest.push(a);
      continue;
    }
    if (rest.length) throw new SieveError(`${where}: tagged argument :${a.name} after positional arguments`, a.line);
    const t = spec.tags[a.name];
    if (!t) throw new SieveError(`${where}: unknown tagged argument :${a.name}`, a.line);
    if (t.ext && !requires.has(t.ext)) throw new SieveError(`${where}: :${a.name} needs require "${t.ext}"`, a.line);
    if (tags.has(a.name)) throw new SieveError(`${where}: :${a.name} given twice`, a.line);
    if (t.group) {
      const other = groups.get(t.group);
      if (other) throw new SieveError(`${where}: :${a.name} and :${other} exclude each other`, a.line);
      groups.set(t.group, a.name);
    }
    if (t.arg) {
      const v = node.args[++i];
      if (!v || v.type === 'tag') throw new SieveError(`${where}: :${a.name} needs a value`, a.line);
      tags.set(a.name, take(v, t.arg, `${where} :${a.name}`));
    } else tags.set(a.name, true);
  }
  // positional arguments; an optional one ('string?') is there only when all are given
  const required = spec.positional.filter((p) => !p.endsWith('?')).length;
  const types = rest.length > required ? spec.positional.map((p) => p.replace('?', '') as ArgType) : spec.positional.filter((p) => !p.endsWith('?')).map((p) => p as ArgType);
  if (rest.length !== types.length) throw new SieveError(`${where}: ${types.length} positional argument(s) expected, ${rest.length} given`, node.line);
  const pos = rest.map((a, i) => take(a, types[i], where));
  // values the tags name
  const cmp = tags.get('comparator');
  if (typeof cmp === 'string') {
    if (!COMPARATORS.includes(cmp.toLowerCase())) throw new SieveError(`${where}: unknown comparator "${cmp}"`, node.line);
    const lc = cmp.toLowerCase();
    if ((lc === 'i;ascii-numeric' || lc === 'i;unicode-casemap') && !requires.has(`comparator-${lc}` as Extension))
      throw new SieveError(`${where}: comparator ${lc} needs require "comparator-${lc}"`, node.line);
  }
  for (const rel of ['count', 'value']) {
    const v = tags.get(rel);
    if (typeof v === 'string' && !RELATIONAL.includes(v.toLowerCase())) throw new SieveError(`${where}: unknown relational operator "${v}"`, node.line);
  }
  if (node.name === 'size' && !tags.has('over') && !tags.has('under')) throw new SieveError('test "size": :over or :under is required', node.line);
  if (node.name === 'date' || node.name === 'currentdate') {
    const part = String(pos[node.name === 'date' ? 1 : 0]).toLowerCase();
    if (!DATE_PARTS.includes(part)) throw new SieveError(`${where}: unknown date part "${part}"`, node.line);
  }
  if (node.name === 'set' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(pos[0]))) throw new SieveError(`command "set": invalid variable name "${String(pos[0])}"`, node.line);
  return { tags, pos };
}

function checkTest(node: TestNode, requires: Set<Extension>): Op {
  const spec = TESTS[node.name];
  if (!spec) throw new SieveError(`unknown test "${node.name}"`, node.line);
  if (spec.ext && !requires.has(spec.ext)) throw new SieveError(`test "${node.name}" needs require "${spec.ext}"`, node.line);
  const { tags, pos } = checkArgs(node, spec, requires, 'test');
  if (spec.tests === 'one' && node.tests.length !== 1) throw new SieveError(`test "${node.name}" takes one test`, node.line);
  if (spec.tests === 'list' && node.tests.length < 1) throw new SieveError(`test "${node.name}" takes a list of tests`, node.line);
  if (!spec.tests && node.tests.length) throw new SieveError(`test "${node.name}" takes no test`, node.line);
  return { name: node.name, tags, pos, tests: node.tests.map((t) => checkTest(t, requires)), block: null, line: node.line };
}

function checkCommands(nodes: CommandNode[], requires: Set<Extension>, top: boolean): Op[] {
  const out: Op[] = [];
  let seenOther = false;
  let prev: string | null = null;
  for (const node of nodes) {
    const spec = COMMANDS[node.name];
    if (!spec) throw new SieveError(`unknown command "${node.name}"`, node.line);
    if (node.name === 'require') {
      if (!top || seenOther) throw new SieveError('require must come before every other command', node.line);
      const { pos } = checkArgs(node, spec, requires, 'command');
      for (const e of pos[0] as string[]) {
        if (!(EXTENSIONS as readonly string[]).includes(e.toLowerCase())) throw new SieveError(`unsupported extension "${e}"`, node.line);
        requires.add(e.toLowerCase() as Extension);
      }
      prev = 'require';
      continue;
    }
    seenOther = true;
    if (spec.ext && !requires.has(spec.ext)) throw new SieveError(`command "${node.name}" needs require "${spec.ext}"`, node.line);
    if ((node.name === 'elsif' || node.name === 'else') && prev !== 'if' && prev !== 'elsif') throw new SieveError(`"${node.name}" must follow "if" or "elsif"`, node.line);
    const { tags, pos } = checkArgs(node, spec, requires, 'command');
    if (spec.tests === 'one' && node.tests.length !== 1) throw new SieveError(`command "${node.name}" takes one test`, node.line);
    if (!spec.tests && node.tests.length) throw new SieveError(`command "${node.name}" takes no test`, node.line);
    if (spec.block && !node.block) throw new SieveError(`command "${node.name}" needs a block`, node.line);
    if (!spec.block && node.block) throw new SieveError(`command "${node.name}" takes no block`, node.line);
    out.push({
      name: node.name,
      tags,
      pos,
      tests: node.tests.map((t) => checkTest(t, requires)),
      block: node.block ? checkCommands(node.block, requires, false) : null,
      line: node.line,
    });
    prev = node.name;
  }
  return out;
}

/** Parse and check a script; throws SieveError naming the line of the first problem. */
export function compile(src: string): Script {
  if (src.length > MAX_SCRIPT) throw new SieveError('script too large', 1);
  const requires = new Set<Extension>();
  const commands = checkCommands(parseScript(src), requires, true);
  return { requires, commands };
}
