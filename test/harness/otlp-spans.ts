/** An OTLP/JSON request of SERVER spans (GET /search) ending at `endMs`, one per duration; the first `errors` of them with status ERROR. */
export function serverSpansJson(service: string, durationsMs: number[], errors: number, endMs: number) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: durationsMs.map((duration, i) => {
              const end = BigInt(endMs - i) * 1_000_000n;
              return {
                traceId: `${endMs.toString(16)}${i.toString(16)}`.padStart(32, 'a'),
                spanId: `${endMs.toString(16)}${i.toString(16)}`.slice(-16).padStart(16, 'b'),
                name: 'GET /search',
                kind: 2,
                startTimeUnixNano: String(end - BigInt(Math.round(duration * 1e6))),
                endTimeUnixNano: String(end),
                status: { code: i < errors ? 2 : 0 },
              };
            }),
          },
        ],
      },
    ],
  };
}
