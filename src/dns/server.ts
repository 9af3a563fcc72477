// The cluster DNS server: UDP and TCP on one port of 127.0.0.1, authoritative for the cluster zone, answering
// from ClusterResolver. Malformed queries get FORMERR (when there is a header to answer) and never stop the server;
// UDP answers larger than the client's limit (512, or its EDNS size) come back truncated (TC) so it retries on TCP.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { Answer, Packet } from 'dns-packet';
import type { ClusterResolver, Rcode } from './resolver.js';

const RCODES: Record<Rcode, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
const OPCODE_QUERY = 0;
const QR = 0x8000;
const MAX_TCP_BUFFER = 64 * 1024 + 2;
const TCP_IDLE_MS = 30_000;

export interface DnsServerOptions {
  host?: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  port?: number;
  /**
   * Nameservers for names outside the cluster zone (CoreDNS `forward . /etc/resolv.conf`), `ip` or `ip:port`;
   * without them such queries are REFUSED.
   */
  forwardTo?: string[];
}

const FORWARD_TIMEOUT_MS = 2000;

/** The nameservers of a resolv.conf text. */
export function nameserversOf(resolvConf: string): string[] {
  return [...resolvConf.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]).filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
}

/** Builds the response to one wire-format query, or undefined when nothing should be sent back. */
export function answerQuery(resolver: ClusterResolver, query: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
  return answer(resolver, query, transport)?.buf;
}

/** The response, and whether its answer ends in a CNAME that leaves the zone (for the server to follow upstream). */
function answer(resolver: ClusterResolver, query: Buffer, transport: 'udp' | 'tcp'): { buf: Buffer; cnameOut?: boolean } | undefined {
  const buf = (b: Buffer | undefined) => (b ? { buf: b } : undefined);
  if (query.length < 12) return undefined; // no header to answer
  const id = query.readUInt16BE(0);
  const flags = query.readUInt16BE(2);
  if (flags & QR) return undefined; // a response: never answer those
  const opcode = (flags >> 11) & 0xf;
  const rd = flags & 0x0100;
  let req: ReturnType<typeof dnsPacket.decode>;
  try {
    req = dnsPacket.decode(query);
  } catch {
    return buf(headerOnly(id, opcode, rd, RCODES.FORMERR));
  }
  if (opcode !== OPCODE_QUERY) return buf(headerOnly(id, opcode, rd, RCODES.NOTIMP));
  if (req.questions.length !== 1) return buf(headerOnly(id, opcode, rd, RCODES.FORMERR));
  const q = req.questions[0];
  const opt = req.additionals.find((a) => a.type === 'OPT');
  const respOpt: Answer[] = opt ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, options: [] }] : [];
  const limit = transport === 'tcp' ? 65535 : udpLimitOf(opt);

  let result;
  if (q.class !== undefined && q.class !== 'IN' && q.class !== 'ANY') {
    result = { rcode: 'REFUSED' as Rcode, answers: [], authorities: [], additionals: [] };
  } else {
    try {
      result = resolver.resolve(q.name, q.type);
    } catch {
      result = { rcode: 'SERVFAIL' as Rcode, answers: [], authorities: [], additionals: [] };
    }
  }
  const authoritative = result.rcode === 'NOERROR' || result.rcode === 'NXDOMAIN' ? dnsPacket.AUTHORITATIVE_ANSWER : 0;
  const response: Packet = {
    id, type: 'response', flags: authoritative | rd | RCODES[result.rcode],
    questions: [q], answers: result.answers, authorities: result.authorities, additionals: [...result.additionals, ...respOpt],
  };
  const last = result.answers.at(-1);
  const cnameOut = last?.type === 'CNAME' && q.type !== 'CNAME' && !resolver.answers(String(last.data));
  let out: Buffer;
  try {
    out = dnsPacket.encode(response);
  } catch {
    return buf(headerOnly(id, opcode, rd, RCODES.SERVFAIL));
  }
  if (out.length <= limit) return { buf: out, cnameOut };
  // too big for this UDP client: drop the additionals first, then signal truncation
  response.additionals = respOpt;
  out = dnsPacket.encode(response);
  if (out.length <= limit) return { buf: out, cnameOut };
  response.flags = (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
  response.answers = [];
  response.authorities = [];
  return buf(dnsPacket.encode(response));
}

/** The largest UDP answer the client takes: 512, or its EDNS payload size up to 4096. */
function udpLimitOf(opt: Answer | undefined): number {
  return Math.max(512, Math.min((opt as { udpPayloadSize?: number } | undefined)?.udpPayloadSize ?? 512, 4096));
}

function udpLimit(query: Buffer): number {
  try {
    return udpLimitOf(dnsPacket.decode(query).additionals?.find((a) => a.type === 'OPT'));
  } catch {
    return 512;
  }
}

function headerOnly(id: number, opcode: number, rd: number, rcode: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(QR | (opcode << 11) | rd | rcode, 2);
  return b;
}

export class ClusterDnsServer {
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly resolver: ClusterResolver, private readonly opts: DnsServerOptions = {}) {}

  get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  /** Binds UDP and TCP; with port 0 retries a few times until both get the same free port. */
  async start(): Promise<number> {
    const wanted = this.opts.port ?? 0;
    for (let attempt = 0; ; attempt++) {
      const udp = dgram.createSocket('udp4');
      const udpPort = await new Promise<number>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(wanted, this.host, () => {
          udp.off('error', reject);
          resolve(udp.address().port);
        });
      });
      try {
        this.tcp = await this.listenTcp(udpPort);
      } catch (e) {
        udp.close();
        if (wanted !== 0 || attempt >= 10) throw e;
        continue;
      }
      this.udp = udp;
      this.port = udpPort;
      udp.on('message', (msg, rinfo) => this.onUdp(msg, rinfo));
      udp.on('error', () => { /* a send failure must not stop the server */ });
      return udpPort;
    }
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([
      new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve())),
    ]);
    this.udp = undefined;
    this.tcp = undefined;
  }

  private onUdp(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.forwarded(msg)) {
      void this.forward(msg).then((out) => { if (out) this.udp?.send(out, rinfo.port, rinfo.address); });
      return;
    }
    const out = answer(this.resolver, msg, 'udp');
    if (!out) return;
    if (!out.cnameOut || !this.opts.forwardTo?.length) {
      this.udp?.send(out.buf, rinfo.port, rinfo.address);
      return;
    }
    void this.followCname(msg, out.buf, 'udp').then((full) => this.udp?.send(full, rinfo.port, rinfo.address));
  }

  /**
   * An answer ending in a CNAME to a name outside the zone (an ExternalName Service) gets the target's records from
   * upstream appended, as CoreDNS does, since stub resolvers do not follow CNAMEs themselves.
   */
  private async followCname(query: Buffer, out: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer> {
    let res: Packet;
    try {
      res = dnsPacket.decode(out);
    } catch {
      return out;
    }
    const q = res.questions?.[0];
    const target = String(res.answers?.at(-1)?.data ?? '');
    if (!q || q.type === 'CNAME' || !target || this.resolver.answers(target)) return out;
    const ask = dnsPacket.encode({ type: 'query', id: query.readUInt16BE(0), flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: q.type, name: target, class: 'IN' }] });
    const reply = await this.forward(ask);
    if (!reply) return out;
    let upstream: Packet;
    try {
      upstream = dnsPacket.decode(reply);
    } catch {
      return out;
    }
    if (!upstream.answers?.length) return out;
    res.answers = [...(res.answers ?? []), ...upstream.answers];
    res.authorities = [];
    const full = dnsPacket.encode(res);
    if (transport === 'tcp' || full.length <= udpLimit(query)) return full;
    // too big for this UDP client: truncated, so it asks again over TCP
    res.flags = (res.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
    res.answers = [];
    return dnsPacket.encode(res);
  }

  /** Whether a query asks about a name outside the cluster zone and there is somewhere to forward it. */
  private forwarded(msg: Buffer): boolean {
    if (!this.opts.forwardTo?.length || msg.length < 12) return false;
    try {
      const q = dnsPacket.decode(msg).questions?.[0];
      return !!q && !this.resolver.answers(q.name);
    } catch {
      return false;
    }
  }

  /** Asks the upstream nameservers in turn over UDP; undefined when none answered in time. */
  private async forward(msg: Buffer): Promise<Buffer | undefined> {
    for (const server of this.opts.forwardTo ?? []) {
      const answer = await new Promise<Buffer | undefined>((resolve) => {
        const sock = dgram.createSocket('udp4');
        const done = (b?: Buffer) => {
          clearTimeout(timer);
          sock.close();
          resolve(b);
        };
        const timer = setTimeout(() => done(), FORWARD_TIMEOUT_MS);
        sock.on('error', () => done());
        sock.on('message', (b) => { if (b.length >= 2 && b.readUInt16BE(0) === msg.readUInt16BE(0)) done(b); });
        const [host, port] = server.includes(':') ? [server.slice(0, server.lastIndexOf(':')), Number(server.slice(server.lastIndexOf(':') + 1))] : [server, 53];
        sock.send(msg, port, host);
      });
      if (answer) return answer;
    }
    return undefined;
  }

  private listenTcp(port: number): Promise<net.Server> {
    const server = net.createServer((sock) => this.onTcp(sock));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        server.on('error', () => { /* keep serving */ });
        resolve(server);
      });
    });
  }

  /** Length-prefixed messages, any number per connection. */
  private onTcp(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    let pending = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      if (pending.length > MAX_TCP_BUFFER) {
        sock.destroy();
        return;
      }
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < len + 2) break;
        const msg = pending.subarray(2, len + 2);
        pending = pending.subarray(len + 2);
        const reply = (out: Buffer | undefined) => {
          if (!out || sock.destroyed) return;
          const frame = Buffer.alloc(out.length + 2);
          frame.writeUInt16BE(out.length, 0);
          out.copy(frame, 2);
          sock.write(frame);
        };
        if (this.forwarded(msg)) void this.forward(Buffer.from(msg)).then(reply);
        else {
          const out = answer(this.resolver, msg, 'tcp');
          if (out?.cnameOut && this.opts.forwardTo?.length) void this.followCname(Buffer.from(msg), out.buf, 'tcp').then(reply);
          else reply(out?.buf);
        }
      }
    });
  }
}
