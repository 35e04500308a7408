// OTLP/HTTP trace ingestion: the route server.ts mounts, and the decoders (benchmarked in test/bench).

export { decodeTracesJson } from './decode-json.ts';
export { OtlpDecodeError } from './decode-limits.ts';
export { decodeTracesProtobuf, decodeTracesProtobufInSlices } from './decode-protobuf.ts';
export type { OtlpRouteOptions, TraceSink } from './routes.ts';
export { OTLP_TRACES_PATH, otlpRoutes } from './routes.ts';
