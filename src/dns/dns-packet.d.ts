// The parts of dns-packet (5.x, untyped) the DNS server, its tests and its benchmark use.
declare module 'dns-packet' {
  export interface Question {
    type: string;
    name: string;
    class?: string;
  }
  export interface Answer {
    type: string;
    name: string;
    ttl?: number;
    class?: string;
    flush?: boolean;
    data?: unknown;
    // OPT pseudo-records
    udpPayloadSize?: number;
    extendedRcode?: number;
    ednsVersion?: number;
    flags?: number;
    options?: unknown[];
  }
  export interface Packet {
    id?: number;
    type?: 'query' | 'response';
    flags?: number;
    opcode?: string;
    rcode?: string;
    flag_qr?: boolean;
    flag_aa?: boolean;
    flag_tc?: boolean;
    flag_rd?: boolean;
    questions?: Question[];
    answers?: Answer[];
    authorities?: Answer[];
    additionals?: Answer[];
  }
  export function encode(p: Packet, buf?: Buffer, offset?: number): Buffer;
  export function decode(buf: Buffer, offset?: number): Packet & Required<Pick<Packet, 'questions' | 'answers' | 'authorities' | 'additionals'>>;
  export function streamEncode(p: Packet): Buffer;
  export function streamDecode(buf: Buffer): (Packet & Required<Pick<Packet, 'questions' | 'answers' | 'authorities' | 'additionals'>>) | null;
  export function encodingLength(p: Packet): number;
  export const AUTHORITATIVE_ANSWER: number;
  export const TRUNCATED_RESPONSE: number;
  export const RECURSION_DESIRED: number;
  export const RECURSION_AVAILABLE: number;
  const _default: {
    encode: typeof encode;
    decode: typeof decode;
    streamEncode: typeof streamEncode;
    streamDecode: typeof streamDecode;
    encodingLength: typeof encodingLength;
    AUTHORITATIVE_ANSWER: number;
    TRUNCATED_RESPONSE: number;
    RECURSION_DESIRED: number;
    RECURSION_AVAILABLE: number;
  };
  export default _default;
}
