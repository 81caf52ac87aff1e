// Media types of the two image variants Istio's and Envoy Gateway's Wasm image fetchers accept
// (istio/istio pkg/wasm/imagefetcher.go): "compat" (the last layer is a tar+gzip holding
// plugin.wasm) and "wasm" (Istio's "oci" variant: exactly two layers, the Wasm runtime
// configuration and the module itself).
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const WASM_RUNTIME_CONFIG = 'application/vnd.module.wasm.config.v1+json';
export const WASM_CONTENT_LAYER = 'application/vnd.module.wasm.content.layer.v1+wasm';

// The file name the compat fetchers look for in the layer.
export const COMPAT_WASM_FILE = 'plugin.wasm';

export type Variant = 'compat' | 'wasm';
export const VARIANTS: readonly Variant[] = ['compat', 'wasm'];
