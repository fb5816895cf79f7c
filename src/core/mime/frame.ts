// One open part of the message while the indexer walks it (indexer.ts keeps a stack of them).
// Owns: the per-part parsing state (Frame), a fresh node and frame, and turning a multipart
// that cannot have parts into a text/plain leaf.
import type { TextCollector } from './text-collector.ts';
import type { Envelope, MimeNode } from './types.ts';

export type Kind = 'leaf' | 'multipart' | 'message';

export interface Frame {
  node: MimeNode;
  state: 'header' | 'body';
  kind: Kind;
  headerChunks: Buffer[];
  headerKept: number;
  /** The header block is a message header: compute an envelope from it. */
  isMessageRoot: boolean;
  /** Where to store that envelope (embedded messages). */
  holder: { envelope: Envelope; root: MimeNode } | null;
  /** Parent is multipart/digest: default type message/rfc822. */
  inDigest: boolean;
  lfAtBodyStart: number;
  boundary: Buffer | null;
  epilogue: boolean;
  sawDelimiter: boolean;
  collector: TextCollector | null;
  html: boolean;
  alternative: object | null;
}

export function newNode(headerStart: number): MimeNode {
  return { headerStart, bodyStart: headerStart, end: headerStart, bodyLines: 0, type: 'text', subtype: 'plain', params: {} };
}

export function newFrame(node: MimeNode, isMessageRoot: boolean, inDigest: boolean): Frame {
  return {
    node,
    state: 'header',
    kind: 'leaf',
    headerChunks: [],
    headerKept: 0,
    isMessageRoot,
    holder: null,
    inDigest,
    lfAtBodyStart: 0,
    boundary: null,
    epilogue: false,
    sawDelimiter: false,
    collector: null,
    html: false,
    alternative: null,
  };
}

export function demoteToText(node: MimeNode): void {
  node.type = 'text';
  node.subtype = 'plain';
  delete node.children;
  if ('boundary' in node.params) {
    const { boundary: _dropped, ...rest } = node.params;
    node.params = rest;
  }
}
