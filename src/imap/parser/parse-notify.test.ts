// NOTIFY arguments (RFC 5465 §8 grammar, §5 and §6.1 rules), the RFC's own forms first.
import { describe, expect, it } from 'vitest';
import { bad, ok } from './testing.ts';

describe('NOTIFY', () => {
  it('parses RFC 5465 §3.1: SET STATUS with selected fetch attributes and a subtree', () => {
    const c = ok('A1 NOTIFY SET STATUS (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))', 'NOTIFY');
    expect(c.status).toBe(true);
    expect(c.groups).toHaveLength(2);
    expect(c.groups![0]).toMatchObject({ filter: { kind: 'selected' }, events: ['MessageNew', 'MessageExpunge'] });
    expect(c.groups![0].fetch).toHaveLength(2);
    expect(c.groups![1]).toEqual({ filter: { kind: 'subtree', mailboxes: ['Lists'] }, events: ['MessageNew', 'MessageExpunge'], fetch: null });
  });

  it('parses every filter, NONE events, mailbox lists and NOTIFY NONE', () => {
    const c = ok(
      'A2 NOTIFY SET (selected-delayed (MessageNew MessageExpunge FlagChange)) (inboxes NONE) (personal (MailboxName SubscriptionChange)) (subscribed (MailboxMetadataChange)) (mailboxes ("Dự án" inbox) (MessageNew MessageExpunge)) (subtree "A/B" (ServerMetadataChange))',
      'NOTIFY',
    );
    expect(c.status).toBe(false);
    expect(c.groups!.map((g) => g.filter.kind)).toEqual(['selected-delayed', 'inboxes', 'personal', 'subscribed', 'mailboxes', 'subtree']);
    expect(c.groups![1].events).toEqual([]);
    expect(c.groups![4].filter).toEqual({ kind: 'mailboxes', mailboxes: ['Dự án', 'INBOX'] });
    expect(ok('A3 NOTIFY NONE', 'NOTIFY')).toEqual({ name: 'NOTIFY', tag: 'A3', status: false, groups: null });
  });

  it('answers BAD for the rules of §5 and §6.1', () => {
    for (const line of [
      'a NOTIFY SET (personal (MessageNew))', // MessageNew without MessageExpunge
      'a NOTIFY SET (personal (MessageExpunge))',
      'a NOTIFY SET (selected (FlagChange))', // FlagChange without both
      'a NOTIFY SET (selected (MessageNew MessageExpunge MailboxName))', // a mailbox event with selected
      'a NOTIFY SET (personal (MessageNew (UID) MessageExpunge))', // fetch attributes outside selected
      'a NOTIFY SET (selected NONE) (selected-delayed NONE)', // two selected filters
      'a NOTIFY SET (personal NONE) (personal NONE)',
      'a NOTIFY SET STATUS',
      'a NOTIFY SET (bogus NONE)',
      'a NOTIFY SET (personal ())',
      'a NOTIFY NONE STATUS',
      'a NOTIFY',
    ])
      expect(bad(line).code, line).toBeUndefined();
  });

  it('answers NO [BADEVENT] for an event this server does not send (AnnotationChange, unknown names)', () => {
    const r = bad('a NOTIFY SET (inboxes (MessageNew MessageExpunge AnnotationChange))');
    expect(r.code).toBe('BADEVENT');
    expect(r.message).toMatch(/^\[BADEVENT \(MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange MailboxMetadataChange ServerMetadataChange\)\]/);
    expect(bad('a NOTIFY SET (personal (MailboxName XFoo))').code).toBe('BADEVENT');
  });
});
