// Owns: the command table: every IMAP command name → the file that implements it.
import type { CommandName } from '../parser/types.ts';
import type { CommandSpec } from './types.ts';
import { capability } from './capability.ts';
import { noop, check } from './noop.ts';
import { logout } from './logout.ts';
import { id } from './id.ts';
import { starttls } from './starttls.ts';
import { login, authenticate } from './login.ts';
import { select } from './select.ts';
import { close, unselect } from './close.ts';
import { create, del, rename, subscribe } from './mailboxes.ts';
import { list, lsub } from './list.ts';
import { status } from './status.ts';
import { append } from './append.ts';
import { namespace, enable, getquota, getquotaroot, setquota } from './misc.ts';
import { idle } from './idle.ts';
import { fetch } from './fetch.ts';
import { store } from './store.ts';
import { expunge } from './expunge.ts';
import { copy } from './copy.ts';
import { search } from './search.ts';
import { sort, thread } from './sort.ts';
import { cancelupdate } from './cancelupdate.ts';
import { notify } from './notify.ts';
import { getmetadata, setmetadata } from './metadata.ts';
import { myrights, getacl, listrights, setacl } from './acl.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own argument type
export const COMMANDS: Record<CommandName, CommandSpec<any>> = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  ID: id,
  STARTTLS: starttls,
  LOGIN: login,
  AUTHENTICATE: authenticate,
  SELECT: select,
  EXAMINE: select,
  CREATE: create,
  DELETE: del,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: subscribe,
  LIST: list,
  LSUB: lsub,
  STATUS: status,
  APPEND: append,
  NAMESPACE: namespace,
  ENABLE: enable,
  GETQUOTA: getquota,
  GETQUOTAROOT: getquotaroot,
  SETQUOTA: setquota,
  IDLE: idle,
  CHECK: check,
  CLOSE: close,
  UNSELECT: unselect,
  EXPUNGE: expunge,
  SEARCH: search,
  SORT: sort,
  THREAD: thread,
  CANCELUPDATE: cancelupdate,
  NOTIFY: notify,
  GETMETADATA: getmetadata,
  SETMETADATA: setmetadata,
  FETCH: fetch,
  STORE: store,
  COPY: copy,
  MOVE: copy,
  MYRIGHTS: myrights,
  GETACL: getacl,
  LISTRIGHTS: listrights,
  SETACL: setacl,
  DELETEACL: setacl,
};
