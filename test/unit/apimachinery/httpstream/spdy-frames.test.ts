// SPDY/3.1 frames and header blocks: the byte layouts spdystream reads and writes, header blocks compressed the way
// Go's zlib writer does it (one stream per connection, SPDY/3 dictionary, sync flush per block), and the stored
// blocks Berth writes, which any inflater with or without the dictionary decodes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { constants, createDeflate, createInflate, deflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../../../src/apimachinery/httpstream/spdy-dictionary.js';
import {
  dataFrame, FLAG_FIN, FrameParser, goAwayFrame, HeaderBlockDecoder, HeaderBlockEncoder, parseHeaders, pingFrame,
  rstStreamFrame, serializeHeaders, SpdyProtocolError, synReplyFrame, synStreamFrame,
} from '../../../../src/apimachinery/httpstream/spdy-frames.js';


/** Compresses header blocks as spdystream's compressor does: one deflate stream, dictionary, sync flush per block. */
function goStyleCompressor() {
  const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
  return (headers: Record<string, string>): Promise<Buffer> => new Promise((resolve) => {
    const out: Buffer[] = [];
    const onData = (b: Buffer) => out.push(b);
    deflate.on('data', onData);
    deflate.write(serializeHeaders(headers));
    deflate.flush(constants.Z_SYNC_FLUSH, () => {
      deflate.off('data', onData);
      resolve(Buffer.concat(out));
    });
  });
}

describe('SPDY/3 dictionary', () => {
  test('is the 1423 bytes of the SPDY/3 draft: length-prefixed words, then the text tail', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    assert.deepEqual([...SPDY3_DICTIONARY.subarray(0, 11)], [0, 0, 0, 7, 0x6f, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x73]);
    assert.equal(SPDY3_DICTIONARY.subarray(-7).toString('latin1'), ',enq=0.');
    assert.ok(SPDY3_DICTIONARY.includes(Buffer.from('\0\0\0\x06origin100101')));
  });
});

describe('frame layouts', () => {
  test('a data frame: 31-bit stream id, FIN flag, 24-bit length', () => {
    const f = dataFrame(5, Buffer.from('hello'), true);
    assert.deepEqual([...f.subarray(0, 8)], [0, 0, 0, 5, FLAG_FIN, 0, 0, 5]);
    assert.equal(f.subarray(8).toString(), 'hello');
  });

  test('control frames carry version 3 and their type', () => {
    const reply = synReplyFrame(1, Buffer.from([1, 2, 3]));
    assert.deepEqual([...reply.subarray(0, 12)], [0x80, 3, 0, 2, 0, 0, 0, 7, 0, 0, 0, 1]);
    const rst = rstStreamFrame(3, 5);
    assert.deepEqual([...rst], [0x80, 3, 0, 3, 0, 0, 0, 8, 0, 0, 0, 3, 0, 0, 0, 5]);
    assert.deepEqual([...pingFrame(7)], [0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 7]);
    assert.deepEqual([...goAwayFrame(9, 0)], [0x80, 3, 0, 7, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0, 0]);
  });

  test('the parser cuts frames out of arbitrary pieces and keeps a partial frame', () => {
    const bytes = Buffer.concat([synStreamFrame(1, Buffer.from('hdr'), FLAG_FIN, 0, 2), dataFrame(1, Buffer.from('abc')), pingFrame(1), goAwayFrame(1, 0)]);
    const parser = new FrameParser();
    const frames = [];
    for (let i = 0; i < bytes.length; i += 3) frames.push(...parser.push(bytes.subarray(i, i + 3)));
    assert.equal(parser.pending, 0);
    assert.deepEqual(frames.map((f) => f.kind), ['syn_stream', 'data', 'ping', 'goaway']);
    const syn = frames[0] as Extract<typeof frames[number], { kind: 'syn_stream' }>;
    assert.equal(syn.streamId, 1);
    assert.equal(syn.flags, FLAG_FIN);
    assert.equal(syn.priority, 2);
    assert.equal(syn.headerBlock.toString(), 'hdr');
    const data = frames[1] as Extract<typeof frames[number], { kind: 'data' }>;
    assert.equal(data.payload.toString(), 'abc');
    assert.deepEqual(parser.push(dataFrame(3, Buffer.alloc(10)).subarray(0, 12)), []);
    assert.equal(parser.pending, 12);
  });

  test('garbage is a protocol error; unknown control frames are ignored', () => {
    const wrongVersion = Buffer.from([0x80, 2, 0, 1, 0, 0, 0, 0]);
    assert.throws(() => new FrameParser().push(wrongVersion), SpdyProtocolError);
    const tooShort = Buffer.from([0x80, 3, 0, 3, 0, 0, 0, 2, 0, 0]);
    assert.throws(() => new FrameParser().push(tooShort), SpdyProtocolError);
    const settings = Buffer.from([0x80, 3, 0, 4, 0, 0, 0, 4, 0, 0, 0, 0]);
    const unknown = Buffer.from([0x80, 3, 0, 77, 0, 0, 0, 0]);
    assert.deepEqual(new FrameParser().push(Buffer.concat([settings, unknown])), [{ kind: 'ignored', type: 4 }, { kind: 'ignored', type: 77 }]);
  });
});

describe('header blocks', () => {
  test('serialize/parse: count, length-prefixed lower-case names, NUL-joined values', () => {
    const raw = serializeHeaders({ StreamType: 'data', port: '8080', multi: ['a', 'b'] });
    assert.deepEqual(parseHeaders(raw), { streamtype: ['data'], port: ['8080'], multi: ['a', 'b'] });
    assert.throws(() => parseHeaders(raw.subarray(0, raw.length - 1)), SpdyProtocolError);
  });

  test('decodes a connection\'s blocks compressed in one stream with the SPDY/3 dictionary', async () => {
    const compress = goStyleCompressor();
    const decoder = new HeaderBlockDecoder();
    const blocks = [
      await compress({ streamtype: 'error' }),
      await compress({ streamtype: 'stdout' }),
      await compress({ streamtype: 'data', port: '80', requestid: '0' }),
    ];
    // The first block announces the dictionary (FDICT), the others continue the same stream.
    assert.equal(blocks[0][1] & 0x20, 0x20);
    assert.deepEqual(await decoder.decode(blocks[0]), { streamtype: ['error'] });
    assert.deepEqual(await decoder.decode(blocks[1]), { streamtype: ['stdout'] });
    assert.deepEqual(await decoder.decode(blocks[2]), { streamtype: ['data'], port: ['80'], requestid: ['0'] });
    decoder.close();
  });

  test('concurrent decode calls are answered in order', async () => {
    const compress = goStyleCompressor();
    const blocks: Buffer[] = [];
    for (const v of ['a', 'b', 'c', 'd']) blocks.push(await compress({ streamtype: v }));
    const decoder = new HeaderBlockDecoder();
    const results = await Promise.all(blocks.map((b) => decoder.decode(b)));
    assert.deepEqual(results.map((r) => r.streamtype[0]), ['a', 'b', 'c', 'd']);
    decoder.close();
  });

  test('a corrupt block fails this and every later decode (the stream state is lost)', async () => {
    const decoder = new HeaderBlockDecoder();
    await assert.rejects(decoder.decode(Buffer.from('not zlib at all')), SpdyProtocolError);
    const good = await goStyleCompressor()({ streamtype: 'error' });
    await assert.rejects(decoder.decode(good), SpdyProtocolError);
  });

  test('a block that inflates past the limit is refused', async () => {
    const huge = serializeHeaders({ x: 'a'.repeat(1024 * 1024) });
    const block = deflateSync(huge, { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const decoder = new HeaderBlockDecoder();
    await assert.rejects(decoder.decode(block), /too large/);
  });

  test('blocks Berth writes are stored deflate blocks of one zlib stream that inflaters decode', async () => {
    const encoder = new HeaderBlockEncoder();
    const first = encoder.encode({});
    const second = encoder.encode({ streamtype: 'data', port: '9' });
    assert.deepEqual([...first.subarray(0, 2)], [0x78, 0x01]); // no FDICT: readers need not have the dictionary
    assert.equal((0x78 * 256 + 0x01) % 31, 0);
    // Each block ends at a sync-flush point (an empty stored block), where Go's flate reader hands its data out.
    assert.deepEqual([...first.subarray(-5)], [0, 0, 0, 0xff, 0xff]);
    assert.deepEqual([...second.subarray(-5)], [0, 0, 0, 0xff, 0xff]);
    // Our own decoder (dictionary configured) and a plain inflater both read them.
    const decoder = new HeaderBlockDecoder();
    assert.deepEqual(await decoder.decode(first), {});
    assert.deepEqual(await decoder.decode(second), { streamtype: ['data'], port: ['9'] });
    decoder.close();
    const plain = createInflate();
    const out: Buffer[] = [];
    plain.on('data', (b: Buffer) => out.push(b));
    plain.write(Buffer.concat([first, second]));
    await new Promise<void>((r) => plain.flush(constants.Z_SYNC_FLUSH, () => r()));
    assert.deepEqual(Buffer.concat(out), Buffer.concat([serializeHeaders({}), serializeHeaders({ streamtype: 'data', port: '9' })]));
  });
});
