// The clamd client against a real clamd (Debian's clamav-daemon, test/helpers/clamd.ts: EICAR
// and our own signature, nothing downloaded): INSTREAM over TCP and the unix socket, chunked
// streams, the virus named, StreamMaxLength's answer, PING/VERSION, and the endpoints tried in
// order (a missing socket falls through to TCP; nothing listening is ClamdUnavailable).
import net from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { ClamdClient, ClamdUnavailable, parseScanReply } from './clamd.ts';
import { startClamd, removeClamdDir, zipOf, EICAR, EICAR_NAME, OWN_PAYLOAD, OWN_NAME, type Clamd } from '../../test/helpers/clamd.ts';
import { missingTool } from '../../test/helpers/tools.ts';

async function* chunks(...parts: Buffer[]): AsyncIterable<Buffer> {
  for (const p of parts) yield p;
}

describe('clamd replies', () => {
  it('are parsed into clean, infected (named) and too-large', () => {
    expect(parseScanReply('stream: OK')).toEqual({ kind: 'clean' });
    expect(parseScanReply('stream: Eicar-Test-Signature FOUND')).toEqual({ kind: 'infected', virus: 'Eicar-Test-Signature' });
    expect(parseScanReply('INSTREAM size limit exceeded. ERROR')).toEqual({ kind: 'too-large' });
    expect(() => parseScanReply('stream: Can not allocate memory ERROR')).toThrow(/ERROR/);
  });
});

describe.skipIf(missingTool('/usr/sbin/clamd', 'clamd client'))('clamd client with a real clamd', { timeout: 60_000 }, () => {
  let clamd: Clamd;
  beforeAll(async () => {
    clamd = await startClamd();
  });
  afterAll(async () => {
    await clamd?.stop();
    if (clamd) removeClamdDir(clamd);
  });
  const tcp = () => new ClamdClient({ socket: '', host: '127.0.0.1', port: clamd.port, timeoutMs: 10_000 });

  it('names EICAR inside a zip and our own signature, and passes a clean stream, over TCP', async () => {
    expect(await tcp().scan(() => chunks(zipOf('eicar.com', EICAR)))).toEqual({ kind: 'infected', virus: `${EICAR_NAME}.UNOFFICIAL` });
    expect(await tcp().scan(() => chunks(OWN_PAYLOAD))).toEqual({ kind: 'infected', virus: `${OWN_NAME}.UNOFFICIAL` });
    expect(await tcp().scan(() => chunks(Buffer.from('Kính gửi đồng chí,\r\n'), Buffer.from('báo cáo tháng 11.\r\n')))).toEqual({ kind: 'clean' });
  });

  it('streams in 64 KB chunks: EICAR at the end of a 1.5 MB stream given in odd pieces is found', async () => {
    const filler = Buffer.alloc(1_500_000, 'a');
    expect(await tcp().scan(() => chunks(filler.subarray(0, 70_001), filler.subarray(70_001), Buffer.from('\n'), EICAR))).toEqual({ kind: 'infected', virus: `${EICAR_NAME}.UNOFFICIAL` });
  });

  it("reports clamd's StreamMaxLength answer as too-large", async () => {
    expect(await tcp().scan(() => chunks(Buffer.alloc(3 * 1024 * 1024, 'b')))).toEqual({ kind: 'too-large' });
  });

  it('speaks over the unix socket first, and falls through to TCP when the socket is missing', async () => {
    const viaSocket = new ClamdClient({ socket: clamd.socket, host: '127.0.0.1', port: 1, timeoutMs: 10_000 });
    expect(await viaSocket.ping()).toEqual({ endpoint: `unix:${clamd.socket}` });
    expect(await viaSocket.scan(() => chunks(EICAR))).toEqual({ kind: 'infected', virus: `${EICAR_NAME}.UNOFFICIAL` });
    const fallback = new ClamdClient({ socket: `${clamd.dir}/missing.sock`, host: '127.0.0.1', port: clamd.port, timeoutMs: 10_000 });
    const v = await fallback.version();
    expect(v.endpoint).toBe(`tcp:127.0.0.1:${clamd.port}`);
    expect(v.version).toMatch(/^ClamAV \d+\.\d+/);
  });

  it('is ClamdUnavailable when nothing listens, and when clamd says nothing before the deadline', async () => {
    const none = new ClamdClient({ socket: `${clamd.dir}/missing.sock`, host: '127.0.0.1', port: 1, timeoutMs: 2000 });
    await expect(none.scan(() => chunks(EICAR))).rejects.toBeInstanceOf(ClamdUnavailable);
    const mute = net.createServer(() => {});
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    try {
      const port = (mute.address() as net.AddressInfo).port;
      await expect(new ClamdClient({ socket: '', host: '127.0.0.1', port, timeoutMs: 300 }).ping()).rejects.toThrow(/no answer within 300 ms/);
    } finally {
      mute.close();
    }
  });
});
