import type { Incident } from '../../incidents/index.ts';
import { PageForm, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can } from './layout.tsx';

/** The form that corrects an incident's title, summary and services (for those who may update it). */
export function IncidentEditForm({ incident, viewer, reference }: { incident: Incident; viewer: Viewer; reference: string }) {
  if (!can(viewer, 'incidents:update')) return null;
  return (
    <details open={useRefused('edit')}>
      <summary>Edit title, summary and services</summary>
      <PageForm id="edit" action={`/incidents/${reference}/edit`} viewer={viewer}>
        <input type="hidden" name="expectedVersion" value={String(incident.version)} />
        <TextField form="edit" name="title" label="Title" value={incident.title} required maxlength={300} />
        <TextAreaField form="edit" name="summary" label="Summary" value={incident.summary} maxlength={20000} rows={4} />
        <TextField
          form="edit"
          name="services"
          label="Services"
          hint="Separated by commas. A service that joins adds its playbook's checklist items."
          value={incident.services.join(', ')}
          maxlength={5000}
        />
        <p>
          <button type="submit">Save</button>
        </p>
      </PageForm>
    </details>
  );
}
