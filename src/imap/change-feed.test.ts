// The shared change-log reads: one read per (folder, MODSEQ) until the folder is announced changed.
import { describe, expect, it } from 'vitest';
import { MailEvents } from '../core/events.ts';
import type { ChangeSet } from '../core/mailstore.ts';
import { ChangeFeed } from './change-feed.ts';

function counting(): { reads: Array<[number, number]>; store: { changesSince(id: number, modseq: number): Promise<ChangeSet> } } {
  const reads: Array<[number, number]> = [];
  let fail = false;
  return {
    reads,
    store: {
      async changesSince(id, modseq) {
        reads.push([id, modseq]);
        if (modseq === 13 && !fail) {
          fail = true;
          throw new Error('database away');
        }
        return { complete: true, highestModseq: modseq + reads.length, changed: [], expunged: [] };
      },
    },
  };
}

describe('ChangeFeed', () => {
  it('answers the same question once until the folder changes', async () => {
    const events = new MailEvents();
    const { reads, store } = counting();
    const feed = new ChangeFeed(store, events);
    const [a, b] = await Promise.all([feed.changesSince(1, 10), feed.changesSince(1, 10)]);
    expect(a).toBe(b);
    expect(reads).toEqual([[1, 10]]);
    await feed.changesSince(1, 11); // another MODSEQ is another question
    await feed.changesSince(2, 10); // another folder too
    expect(reads).toHaveLength(3);
    events.notify(2); // folder 2 changed: folder 1's answers stand
    await feed.changesSince(1, 10);
    await feed.changesSince(2, 10);
    expect(reads).toEqual([
      [1, 10],
      [1, 11],
      [2, 10],
      [2, 10],
    ]);
    events.notify(1);
    const c = await feed.changesSince(1, 10);
    expect(c).not.toBe(a);
    expect(reads).toHaveLength(5);
    await events.close();
  });

  it('keeps no failed read', async () => {
    const events = new MailEvents();
    const { reads, store } = counting();
    const feed = new ChangeFeed(store, events);
    await expect(feed.changesSince(1, 13)).rejects.toThrow('database away');
    await expect(feed.changesSince(1, 13)).resolves.toMatchObject({ complete: true });
    expect(reads).toHaveLength(2);
    await events.close();
  });

  it('does not give out an answer read before a write to its folder began (committed before it is announced)', async () => {
    const events = new MailEvents();
    const { reads, store } = counting();
    const generations = new Map<number, number>();
    const feed = new ChangeFeed({ ...store, writeGeneration: (id: number) => generations.get(id) ?? 0 }, events);
    const a = await feed.changesSince(1, 10);
    expect(await feed.changesSince(1, 10)).toBe(a);
    generations.set(1, 1); // a STORE on folder 1 began writing; its announcement comes after its sync
    const b = await feed.changesSince(1, 10);
    expect(b).not.toBe(a);
    expect(await feed.changesSince(1, 10)).toBe(b); // shared again until the next write
    expect(reads).toEqual([
      [1, 10],
      [1, 10],
    ]);
    await events.close();
  });
});
