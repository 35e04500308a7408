// OTLP/HTTP trace ingestion: the route server.ts mounts, and the decoders (benchmarked in test/bench).
export { otlpRoutes, OTLP_TRACES_PATH } from './routes.ts';
export type { OtlpRouteOptions, TraceSink } from './routes.ts';
export { decodeTracesProtobuf, decodeTracesProtobufInSlices } from './decode-protobuf.ts';
export { decodeTracesJson } from './decode-json.ts';
export { OtlpDecodeError } from './decode-limits.ts';
