// Watch streams: newline-delimited WatchEvents ({"type","object"}) over a chunked response, with bookmarks,
// timeoutSeconds, and one-row Tables when the client asked for the Table representation. WatchList
// (sendInitialEvents=true, as client-go >= 0.35 reflectors ask): the state at least as new as resourceVersion as
// ADDED events, then a BOOKMARK annotated `k8s.io/initial-events-end: "true"` at that state's revision (when
// bookmarks are allowed), then live events, as upstream's cacher streams it (pkg/storage/cacher).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../apimachinery/errors.js';
import { encodeWatchFrame, PROTOBUF_WATCH_CONTENT_TYPE } from '../apimachinery/protobuf/encode.js';
import { apiVersionOf, KubeObject } from '../apimachinery/types.js';
import { ListSelector } from '../registry/generic-store.js';
import { ResourceDef } from '../registry/types.js';
import { storedJsonText } from '../storage/event-ring.js';
import { ResponseFormat } from './codec.js';
import { ServerContext } from './context.js';
import { inProcessResponse } from './in-process.js';
import type { ListOptions } from './list-options.js';
import { awaitRevision } from './resource-version.js';
import { toTableResponse } from './tables.js';

const encodedEvents = new WeakMap<object, Record<string, string>>();
const encodedFrames = new WeakMap<object, Record<string, Buffer>>();

// Upstream picks a random timeout in [minRequestTimeout, 2*minRequestTimeout) with a 1800 s default.
const DEFAULT_MIN_TIMEOUT_S = 1800;

/**
 * Bytes of live events a watch may have waiting for its client, beyond what its initial state and replay left
 * queued, before it is closed as too slow. Upstream's cacher likewise terminates a watcher whose buffer stays full
 * ("Forcing watcher close due to unresponsiveness"); the client watches again from the last resourceVersion it saw.
 */
export const WATCH_BUFFER_LIMIT_BYTES = 4 * 1024 * 1024;

/** The annotation of the bookmark that ends a WatchList's initial state (metav1.InitialEventsAnnotationKey). */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** `JSON.stringify({ type, object }) + '\n'`, from the stored text of the object when storage has it. */
export function watchLine(type: string, obj: KubeObject): string {
  const text = storedJsonText(obj);
  return text === undefined ? JSON.stringify({ type, object: obj }) + '\n' : `{"type":${JSON.stringify(type)},"object":${text}}\n`;
}

export async function serveWatch(
  ctx: ServerContext, req: IncomingMessage, res: ServerResponse, def: ResourceDef, ns: string,
  opts: ListOptions, query: URLSearchParams, selector: ListSelector | undefined, fmt: ResponseFormat,
): Promise<void> {
  const rv = opts.resourceVersion;
  // timeoutSeconds=0 (or none) means the server's default; a negative one ends the watch at once.
  const timeoutS = opts.timeoutSeconds ? opts.timeoutSeconds : DEFAULT_MIN_TIMEOUT_S * (1 + Math.random());
  const bookmarks = opts.allowWatchBookmarks;
  // The initial state must be at least as new as the revision asked for: wait for it (504 after upstream's wait).
  if (opts.sendInitialEvents) await awaitRevision(ctx.store, rv);

  const inProcess = inProcessResponse(res);
  const protobuf = fmt.kind === 'protobuf' && !inProcess ? fmt : undefined;
  // No Content-Length: HTTP/1.1 chunks the body by itself, and HTTP/2 forbids a Transfer-Encoding header.
  res.writeHead(200, { 'Content-Type': protobuf ? PROTOBUF_WATCH_CONTENT_TYPE : 'application/json', 'Cache-Control': 'no-cache, private' });
  // Send the headers now: clients (kubectl rollout status, wait) treat the watch as established only then.
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  const frame = (type: string, object: unknown) => encodeWatchFrame(type, protobuf!.encode(object) ?? new Uint8Array());
  // Set once the initial state and the replay are out: from then on, queued bytes beyond it close the watch.
  let allowance = Infinity;
  let watcher: { stop(): void } | undefined;
  const closeIfStalled = () => {
    if (res.writableLength <= allowance || res.destroyed) return;
    watcher?.stop();
    res.destroy();
  };
  const write = (type: string, object: unknown) => {
    if (inProcess) inProcess.writeEvent(type, object);
    else if (!res.writableEnded) {
      res.write(protobuf ? frame(type, object) : JSON.stringify({ type, object }) + '\n');
      closeIfStalled();
    }
  };
  // Event objects are shared by every watcher of a resource: serialise each plain-JSON (or protobuf) event once.
  const writeShared = (type: string, obj: KubeObject) => {
    if (inProcess) return inProcess.writeEvent(type, obj);
    if (res.writableEnded) return;
    const cache = protobuf ? encodedFrames : encodedEvents;
    let encoded = cache.get(obj) as Record<string, string | Buffer> | undefined;
    if (!encoded) cache.set(obj, (encoded = {}));
    res.write((encoded[type] ??= protobuf ? frame(type, obj) : watchLine(type, obj)));
    closeIfStalled();
  };
  let first = true;
  const encode = (obj: KubeObject) => {
    if (fmt.kind === 'table') {
      const t = toTableResponse(ctx, def, [obj], query, { resourceVersion: obj.metadata.resourceVersion }, fmt.version) as Record<string, unknown>;
      if (!first) t.columnDefinitions = null;
      first = false;
      return t;
    }
    if (fmt.kind === 'partial') return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${fmt.version}`, metadata: obj.metadata };
    return obj;
  };

  let lastRv = 0;
  try {
    const endOfInitialEvents = (revision: number) => {
      lastRv = Math.max(lastRv, revision);
      if (!bookmarks) return;
      write('BOOKMARK', {
        kind: def.kind, apiVersion: apiVersionOf(def.group, def.version),
        metadata: { resourceVersion: String(revision), annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } },
      });
    };
    watcher = await ctx.objects.watch(def, ns, { selector, resourceVersion: rv, sendInitialEvents: opts.sendInitialEvents, onInitialEventsEnd: endOfInitialEvents }, (type, obj) => {
      lastRv = Math.max(lastRv, Number(obj.metadata.resourceVersion ?? 0));
      if (fmt.kind === 'json' || fmt.kind === 'protobuf') writeShared(type, obj);
      else write(type, encode(obj));
    });
    if (!inProcess) {
      allowance = res.writableLength + WATCH_BUFFER_LIMIT_BYTES;
      if (res.destroyed) watcher.stop(); // closed while the initial state was written
    }
  } catch (e) {
    if (e instanceof ApiError) {
      write('ERROR', e.toStatus());
      res.end();
      return;
    }
    throw e;
  }
  await new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      watcher?.stop();
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      res.end();
    }, Math.max(0, timeoutS * 1000));
    const bookmarkTimer = bookmarks ? setInterval(() => {
      // Every event up to the current revision has been delivered (delivery is synchronous with writes).
      const at = Math.max(lastRv, ctx.store.currentRevision());
      write('BOOKMARK', { kind: def.kind, apiVersion: apiVersionOf(def.group, def.version), metadata: { resourceVersion: String(at) } });
    }, ctx.bookmarkIntervalMs) : undefined;
    req.on('close', finish);
    res.on('close', finish);
    res.on('error', finish);
    if (res.destroyed) finish(); // closed as too slow before these listeners were there
  });
}
