// Owns: the script commands of RFC 5804 §2.5–2.12 over the account's own scripts
// (core/sieve-scripts.ts, as the owner: not audited): HAVESPACE, PUTSCRIPT (checked before it is
// stored; an invalid script is NO "line N: …"), LISTSCRIPTS, SETACTIVE ("" deactivates),
// GETSCRIPT (a literal, the stored octets), DELETESCRIPT (NO (ACTIVE) for the active one),
// RENAMESCRIPT and CHECKSCRIPT; a stored or checked script past the redirect limit is OK (WARNINGS)
// (warnings.ts). Core errors become response codes in errors.ts.
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import type { AuthenticatedContext } from '../context.ts';
import type { SieveActor } from '../../core/sieve-scripts.ts';
import { fromCore } from '../errors.ts';
import { serverString } from '../parser.ts';
import { scriptWarnings } from '../warnings.ts';

function self(s: AuthenticatedContext): SieveActor {
  return { actor: s.account.username, owner: s.account.username, self: true };
}

/** Run a core call; its ThutinError becomes the NO answer. */
async function core<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw fromCore(e);
  }
}

export const havespace: CommandSpec<'HAVESPACE', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    await core(() => s.scripts.haveSpace(s.account.id, cmd.script, cmd.size));
    s.ok('Đủ chỗ / putscript would succeed');
  },
};

/** OK, or OK (WARNINGS) with the first warning as the text. */
function okOrWarn(s: AuthenticatedContext, warnings: string[], text: string): void {
  if (warnings.length) s.ok(warnings.join('; '), 'WARNINGS');
  else s.ok(text);
}

export const putscript: CommandSpec<'PUTSCRIPT', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    await core(() => s.scripts.put(s.account.id, cmd.script, cmd.content, self(s)));
    // Stored (so it compiles): compiled again for its warnings, a script being at most sieve.maxScriptBytes.
    okOrWarn(s, scriptWarnings(s.scripts.check(cmd.content), s.limits.maxRedirects), 'Đã lưu kịch bản / script stored');
  },
};

export const checkscript: CommandSpec<'CHECKSCRIPT', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const script = await core(() => s.scripts.check(cmd.content));
    okOrWarn(s, scriptWarnings(script, s.limits.maxRedirects), 'Kịch bản hợp lệ / script is valid');
  },
};

export const listscripts: CommandSpec<'LISTSCRIPTS', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s) {
    const all = await s.scripts.list(s.account.id);
    const lines = all.map((x) => {
      const name = serverString(x.name);
      return Buffer.concat([typeof name === 'string' ? Buffer.from(name, 'utf8') : name, Buffer.from(x.active ? ' ACTIVE\r\n' : '\r\n')]);
    });
    s.write(Buffer.concat(lines));
    s.ok(`${all.length} kịch bản / listscripts completed`);
  },
};

export const setactive: CommandSpec<'SETACTIVE', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    await core(() => s.scripts.activate(s.account.id, cmd.script === '' ? null : cmd.script, self(s)));
    s.ok(cmd.script === '' ? 'Đã tắt mọi kịch bản / no script active' : 'Đã bật kịch bản / script activated');
  },
};

export const getscript: CommandSpec<'GETSCRIPT', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const script = Buffer.from(await core(() => s.scripts.get(s.account.id, cmd.script)), 'utf8');
    // Always a literal: the octets as stored, whatever they hold.
    s.write(Buffer.concat([Buffer.from(`{${script.length}}\r\n`), script, Buffer.from('\r\n')]));
    s.ok('Xong / getscript completed');
  },
};

export const deletescript: CommandSpec<'DELETESCRIPT', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    await core(() => s.scripts.delete(s.account.id, cmd.script, self(s)));
    s.ok('Đã xoá kịch bản / script deleted');
  },
};

export const renamescript: CommandSpec<'RENAMESCRIPT', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    await core(() => s.scripts.rename(s.account.id, cmd.from, cmd.to, self(s)));
    s.ok('Đã đổi tên kịch bản / script renamed');
  },
};
