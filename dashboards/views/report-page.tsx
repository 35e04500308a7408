import type { Viewer } from './layout.tsx';
import { Layout } from './layout.tsx';

export function ReportPage({ viewer, reference, markdown }: { viewer: Viewer; reference: string; markdown: string }) {
  return (
    <Layout title={`${reference} report`} viewer={viewer} section="incidents">
      <p>
        <a href={`/incidents/${reference}`}>← Back to {reference}</a> ·{' '}
        <a href={`/incidents/${reference}/report?format=markdown`}>Download as Markdown</a>
      </p>
      <h1>Incident report {reference}</h1>
      <pre class="report">{markdown}</pre>
    </Layout>
  );
}
