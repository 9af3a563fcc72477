// Berth's image catalog: image references → host programs + a small layer (see README.md).
export { ImageCatalog, missingMessage } from './catalog.js';
export type { CatalogOptions, PulledImage, PullOutcome, Resolution, ResolvedImage } from './catalog.js';
export { ImageManager, defaultPullPolicy } from './image-manager.js';
export type { EnsureResult, ImageErrorReason, ImageEvent, ImageManagerOptions, PullPolicy } from './image-manager.js';
export {
  canonicalString, familiarName, ImageReferenceError, imageID, imageNameError, normalizeImage, parseImageReference,
  repositoryOf,
} from './reference.js';
export type { ImageReference } from './reference.js';
export { materializeLayer, resolveOnHost } from './layer-store.js';
export type { MaterializedLayer } from './layer-store.js';
export { CatalogFileError, USER_CATALOG_FILE } from './user-catalog.js';
export type { HostFacts, ImageConfig, ImageEntry, LayerItem, MatchRule, Mirror, Requirement } from './types.js';
