import { createRequire } from 'node:module';
import type * as ExporterModule from '@opentelemetry/exporter-trace-otlp-proto';
import type * as ResourcesModule from '@opentelemetry/resources';
import type * as SdkModule from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Config } from '../config.ts';

// The SDK costs about 70 MB of resident memory once loaded: load it only when self-tracing is on.
const require = createRequire(import.meta.url);

/** Starts OpenTelemetry self-tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set; returns its shutdown. */
export function startSelfTracing(config: Config): (() => Promise<void>) | null {
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return null;
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof SdkModule;
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof ExporterModule;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof ResourcesModule;
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME, [ATTR_SERVICE_VERSION]: '0.1.0' }),
    traceExporter: new OTLPTraceExporter({ url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` }),
  });
  sdk.start();
  return () => sdk.shutdown();
}
