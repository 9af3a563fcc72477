// client-go's metadata client: lists, watches and gets that ask the server for PartialObjectMetadata(List) only, so
// following every resource in the cluster costs the metadata of its objects, not their specs and statuses. Built on
// the KubeClient's own transport (same connections), by choosing the Accept header per request.
import type { KubeObject } from '../../apimachinery/types.js';
import { KubeClient } from '../../client/client.js';
import type { HttpRequest, Transport } from '../../client/http.js';
import { SharedInformer, type InformerOptions } from '../../client/informer.js';
import type { ResourceDescriptor } from '../../client/resources.js';

const PARTIAL_OBJECT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const PARTIAL_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** An object as the metadata client sees it: `kind: PartialObjectMetadata` and its metadata. */
export type PartialObjectMetadata = KubeObject;

function acceptingOnly(inner: Transport, accept: string): Transport {
  return {
    request: (req: HttpRequest) => inner.request({ ...req, headers: { ...req.headers, accept } }),
    close: async () => {}, // the connections belong to the client we borrowed them from
  };
}

export class MetadataClient {
  /** Collections (list) come as PartialObjectMetadataList. */
  private readonly lists: KubeClient;
  /** Objects (get) and watch events come as PartialObjectMetadata. */
  private readonly objects: KubeClient;

  constructor(base: KubeClient, userAgent: string) {
    this.lists = new KubeClient({ transport: acceptingOnly(base.rest.transport, PARTIAL_LIST), userAgent });
    this.objects = new KubeClient({ transport: acceptingOnly(base.rest.transport, PARTIAL_OBJECT), userAgent });
  }

  get(res: ResourceDescriptor, name: string, namespace?: string): Promise<PartialObjectMetadata> {
    return this.objects.get(res, name, { namespace });
  }

  list(res: ResourceDescriptor, namespace?: string) {
    return this.lists.listAll(res, { namespace });
  }

  /** An informer over every object of the resource (all namespaces), holding metadata only. */
  informer(res: ResourceDescriptor, opts: InformerOptions = {}): SharedInformer {
    return new SharedInformer({
      list: (o) => this.lists.list(res, o),
      watch: (o) => this.objects.watch(res, o),
    }, { ...opts, resource: res });
  }
}
