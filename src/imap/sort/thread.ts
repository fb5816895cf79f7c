// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3, the latter after Jamie Zawinski's
// algorithm) over a mailbox's messages, and the thread-list answer. Pure: the caller gives each
// message's ids, subject and sent date.
// Owns: the threading algorithms and their serialisation.
import { baseSubject } from './base-subject.ts';
import { compareText } from './sort.ts';

export interface ThreadItem {
  /** What the answer names: the sequence number or the UID. */
  n: number;
  /** Order of last resort (the sequence number). */
  seq: number;
  /** Sent date (Date: field, or the internal date when that is missing or invalid), ms. */
  date: number;
  subject: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  /** The References field's value, or null. */
  references: string | null;
}

export interface ThreadNode {
  /** null for a dummy (a message referenced but not in the result). */
  item: ThreadItem | null;
  children: ThreadNode[];
}

/** The msg-ids of a field, in order, lower-cased for comparison (`<a@b>` → `a@b`). */
export function msgIds(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1].toLowerCase());
}

function byDate(a: ThreadNode, b: ThreadNode): number {
  const da = nodeDate(a);
  const db = nodeDate(b);
  return da.date - db.date || da.seq - db.seq;
}

/** A dummy's date is that of its first child once children are sorted (RFC 5256 REFERENCES step 6). */
function nodeDate(n: ThreadNode): { date: number; seq: number } {
  if (n.item) return n.item;
  return n.children.length ? nodeDate(n.children[0]) : { date: 0, seq: 0 };
}

function sortTree(nodes: ThreadNode[]): void {
  for (const n of nodes) sortTree(n.children);
  nodes.sort(byDate);
}

export function orderedSubject(items: ThreadItem[]): ThreadNode[] {
  const withBase = items.map((it) => ({ it, base: baseSubject(it.subject).base }));
  withBase.sort((a, b) => compareText(a.base, b.base) || a.it.date - b.it.date || a.it.seq - b.it.seq);
  const threads: ThreadNode[] = [];
  let last: { base: string; node: ThreadNode } | null = null;
  for (const { it, base } of withBase) {
    if (last && compareText(last.base, base) === 0) last.node.children.push({ item: it, children: [] });
    else {
      last = { base, node: { item: it, children: [] } };
      threads.push(last.node);
    }
  }
  threads.sort(byDate);
  return threads;
}

interface Container {
  item: ThreadItem | null;
  parent: Container | null;
  children: Container[];
}

function isAncestor(maybe: Container, of: Container): boolean {
  for (let c: Container | null = of; c; c = c.parent) if (c === maybe) return true;
  return false;
}

function unlink(c: Container): void {
  if (!c.parent) return;
  const siblings = c.parent.children;
  siblings.splice(siblings.indexOf(c), 1);
  c.parent = null;
}

function link(parent: Container, child: Container): void {
  unlink(child);
  child.parent = parent;
  parent.children.push(child);
}

export function references(items: ThreadItem[]): ThreadNode[] {
  // (1) containers by message-id, parent links from References (or In-Reply-To)
  const table = new Map<string, Container>();
  const get = (id: string): Container => {
    let c = table.get(id);
    if (!c) table.set(id, (c = { item: null, parent: null, children: [] }));
    return c;
  };
  let unique = 0;
  const ordered = [...items].sort((a, b) => a.seq - b.seq);
  for (const it of ordered) {
    const own = msgIds(it.messageId)[0];
    let c: Container;
    if (own && !table.get(own)?.item) c = get(own);
    else c = get(`\0unique-${unique++}`); // no Message-ID, or a duplicate: a message of its own
    c.item = it;
    let refs = msgIds(it.references);
    if (!refs.length) refs = msgIds(it.inReplyTo).slice(0, 1);
    // (1B) link the references in order, where neither link nor loop exists yet
    for (let i = 0; i + 1 < refs.length; i++) {
      const p = get(refs[i]);
      const ch = get(refs[i + 1]);
      if (p === ch || ch.parent || isAncestor(ch, p)) continue;
      link(p, ch);
    }
    // (1C) the message's parent is its last reference (never a loop)
    const last = refs.length ? get(refs[refs.length - 1]) : null;
    if (last && last !== c && !isAncestor(c, last)) link(last, c);
    else if (!last) unlink(c);
  }
  // (2) the root set
  let roots = [...new Set(table.values())].filter((c) => !c.parent);
  // (4) prune dummies
  const prune = (list: Container[], atRoot: boolean): Container[] => {
    const out: Container[] = [];
    for (const c of list) {
      c.children = prune(c.children, false);
      for (const ch of c.children) ch.parent = c;
      if (c.item) out.push(c);
      else if (!c.children.length)
        continue; // (4A) an empty dummy goes
      else if (atRoot && c.children.length > 1)
        out.push(c); // (4B) kept at the root with several children
      else out.push(...c.children); // (4B) promoted
    }
    return out;
  };
  roots = prune(roots, true);
  for (const r of roots) r.parent = null;
  // (5) group the root set by base subject
  const subjectOf = (c: Container): { base: string; replyOrForward: boolean } => baseSubject((c.item ?? c.children[0]?.item)?.subject ?? '');
  const bySubject = new Map<string, Container>();
  const key = (s: string) => s.normalize('NFC').toLowerCase();
  for (const r of roots) {
    const s = subjectOf(r);
    if (!s.base) continue;
    const k = key(s.base);
    const old = bySubject.get(k);
    if (!old || (!r.item && old.item) || (subjectOf(old).replyOrForward && !s.replyOrForward)) bySubject.set(k, r);
  }
  // (5B) merge each root into the table's thread of its subject. The table prefers a dummy and a
  // message that is no reply, so "that" is never a message while this root is a dummy.
  const merged = new Set<Container>();
  const result: Container[] = [];
  for (const r of roots) {
    if (merged.has(r)) continue;
    const s = subjectOf(r);
    const that = s.base ? bySubject.get(key(s.base)) : undefined;
    if (!that || that === r) {
      result.push(r);
      continue;
    }
    merged.add(r);
    if (!that.item && !r.item) {
      for (const ch of [...r.children]) link(that, ch); // (1) both dummies
    } else if (!that.item)
      link(that, r); // (2) a message joins the dummy's messages
    else if (!subjectOf(that).replyOrForward && s.replyOrForward)
      link(that, r); // (3) a reply under its original
    else {
      // (5) both replies, or neither: siblings under a new dummy
      const dummy: Container = { item: null, parent: null, children: [] };
      const at = result.indexOf(that);
      link(dummy, that);
      link(dummy, r);
      bySubject.set(key(s.base), dummy);
      merged.add(that);
      if (at >= 0) result[at] = dummy;
      else result.push(dummy);
    }
  }
  // (6) siblings by sent date, children first
  const toNode = (c: Container): ThreadNode => ({ item: c.item, children: c.children.map(toNode) });
  const nodes = result.filter((c) => !c.parent).map(toNode);
  sortTree(nodes);
  return nodes;
}

/** The thread-list of a THREAD answer (RFC 5256 §4): "(2)(3 6 (4 23)(44 7 96))". */
export function formatThreads(threads: ThreadNode[]): string {
  const members = (node: ThreadNode): string => {
    const nums: string[] = [];
    let cur = node;
    for (;;) {
      if (cur.item) nums.push(String(cur.item.n));
      if (cur.children.length === 1) {
        cur = cur.children[0];
        continue;
      }
      const nested = cur.children.map((c) => `(${members(c)})`).join('');
      return nums.join(' ') + (nums.length && nested ? ' ' : '') + nested;
    }
  };
  return threads.map((t) => `(${members(t)})`).join('');
}
