import type { Child } from 'hono/jsx';
import type { IncidentDetail } from '../../incidents/index.ts';
import { INCIDENT_ROLES, PHASES, phaseIndex } from '../../incidents/index.ts';
import { SEVERITIES } from '../../platform/index.ts';
import { CheckboxField, PageForm, SelectField, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import { IncidentEditForm } from './incident-edit.tsx';
import type { Viewer } from './layout.tsx';
import { CsrfField, can, Flash, Layout, Time } from './layout.tsx';
import type { TimelinePage } from './timeline.tsx';
import { TimelineSection } from './timeline.tsx';

export type { TimelinePage } from './timeline.tsx';

const words = (value: string) => value.replaceAll('_', ' ');

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return hours > 0 ? `${hours}h ${minutes}m` : minutes > 0 ? `${minutes}m ${seconds % 60}s` : `${seconds}s`;
}

/** The header every viewer shares (also pushed live): reference, severity, phase stepper, who leads. */
export function IncidentSummary({ detail }: { detail: IncidentDetail }) {
  const { incident } = detail;
  const current = phaseIndex(incident.phase);
  return (
    <section
      id="incident-summary"
      class="card"
      aria-labelledby="incident-title"
      data-version={incident.version}
      data-phase={incident.phase}
    >
      <h1 id="incident-title">
        {detail.reference}: {incident.title}
      </h1>
      <p>
        <span class={`badge sev-${incident.severity}`}>{incident.severity.toUpperCase()}</span>{' '}
        {incident.isBreach ? <span class="badge breach">personal-data breach</span> : null}{' '}
        {incident.closedAt ? <span class="badge">closed</span> : null}{' '}
        {incident.acknowledgedAt ? (
          <span class="muted">
            acknowledged <Time at={incident.acknowledgedAt} />
          </span>
        ) : (
          <strong>not acknowledged</strong>
        )}
      </p>
      <nav aria-label="Phases">
        <ol class="stepper">
          {PHASES.map((phase, index) => (
            <li class={index < current ? 'done' : index === current ? 'current' : ''} aria-current={index === current ? 'step' : undefined}>
              {words(phase)}
              {index < current ? <span class="visually-hidden"> (done)</span> : null}
            </li>
          ))}
        </ol>
      </nav>
      <dl class="facts">
        <dt>Commander</dt>
        <dd>{detail.commander?.name ?? <strong>nobody yet</strong>}</dd>
        <dt>Services</dt>
        <dd>{incident.services.join(', ') || '—'}</dd>
        <dt>Started</dt>
        <dd>
          <Time at={incident.startedAt} />
        </dd>
        <dt>Detected</dt>
        <dd>
          <Time at={incident.detectedAt} />
        </dd>
        <dt>Time to acknowledge</dt>
        <dd>{duration(detail.figures.timeToAcknowledgeSeconds)}</dd>
        <dt>Time to recover</dt>
        <dd>{duration(detail.figures.timeToRecoverSeconds)}</dd>
      </dl>
      {incident.summary ? <p class="detail">{incident.summary}</p> : null}
    </section>
  );
}

function Checklist({ detail, viewer }: { detail: IncidentDetail; viewer: Viewer }) {
  const checklist = detail.currentChecklist;
  const canTick = can(viewer, 'incidents:checklist');
  return (
    <section class="card" aria-labelledby="checklist-title">
      <h2 id="checklist-title">Checklist to leave {words(detail.incident.phase)}</h2>
      {!checklist || checklist.total === 0 ? (
        <p class="muted">Nothing is required to leave this phase.</p>
      ) : (
        <>
          <p class="muted">
            {checklist.done} of {checklist.total} done
          </p>
          <ul class="checklist">
            {checklist.items.map((item) => (
              <li>
                {canTick ? (
                  <form method="post" action={`/incidents/${detail.reference}/checklist/${item.id}`} class="inline-form">
                    <CsrfField viewer={viewer} />
                    <input type="hidden" name="done" value={item.completedAt ? 'false' : 'true'} />
                    <button type="submit" class="secondary" aria-label={`${item.completedAt ? 'Reopen' : 'Mark done'}: ${item.text}`}>
                      {item.completedAt ? '☑' : '☐'}
                    </button>
                    <span>{item.text}</span>
                  </form>
                ) : (
                  <span>
                    {item.completedAt ? '☑ ' : '☐ '}
                    {item.text}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Roles({ detail }: { detail: IncidentDetail }) {
  return (
    <section class="card" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      {detail.roles.length === 0 ? (
        <p class="muted">No roles assigned.</p>
      ) : (
        <dl class="facts">
          {detail.roles.map((holder) => (
            <>
              <dt>{words(holder.role)}</dt>
              <dd>{holder.name}</dd>
            </>
          ))}
        </dl>
      )}
    </section>
  );
}

function ActionForm({
  id,
  action,
  viewer,
  summary,
  children,
  open,
}: {
  id: string;
  action: string;
  viewer: Viewer;
  summary: string;
  children: Child;
  open?: boolean;
}) {
  return (
    <details open={open || useRefused(id)}>
      <summary>{summary}</summary>
      <PageForm id={id} action={action} viewer={viewer}>
        {children}
      </PageForm>
    </details>
  );
}

function Actions({ detail, viewer }: { detail: IncidentDetail; viewer: Viewer }) {
  const { incident, reference } = detail;
  const base = `/incidents/${reference}`;
  const nextPhase = PHASES[phaseIndex(incident.phase) + 1];
  const any = ['incidents:acknowledge', 'incidents:transition', 'incidents:note', 'incidents:assign', 'incidents:update'].some(
    (permission) => can(viewer, permission as Parameters<typeof can>[1]),
  );
  if (!any) {
    return (
      <section class="card" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <p class="muted">Your role ({viewer.actor.role}) can follow this incident but not change it.</p>
      </section>
    );
  }
  return (
    <section class="card actions" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      {can(viewer, 'incidents:acknowledge') && !incident.acknowledgedAt ? (
        <PageForm id="acknowledge" action={`${base}/acknowledge`} viewer={viewer}>
          <button type="submit">Acknowledge</button>
        </PageForm>
      ) : null}
      {can(viewer, 'incidents:transition') && !incident.closedAt ? (
        <ActionForm id="phase" action={`${base}/phase`} viewer={viewer} summary="Move to another phase" open={Boolean(nextPhase)}>
          <input type="hidden" name="expectedVersion" value={String(incident.version)} />
          <SelectField
            form="phase"
            name="to"
            label="Phase"
            value={nextPhase}
            options={PHASES.filter((phase) => phase !== incident.phase).map((phase) => ({ value: phase, label: words(phase) }))}
          />
          <TextField form="phase" name="reason" label="Reason (required to override the checklist or to move back)" maxlength={2000} />
          <CheckboxField form="phase" name="override" label="Override the unfinished checklist" />
          <p>
            <button type="submit">Move</button>
          </p>
        </ActionForm>
      ) : null}
      {can(viewer, 'incidents:note') ? (
        <ActionForm id="note" action={`${base}/notes`} viewer={viewer} summary="Add a note" open>
          <TextAreaField form="note" name="text" label="Note" required maxlength={20000} />
          <p>
            <button type="submit">Add note</button>
          </p>
        </ActionForm>
      ) : null}
      {can(viewer, 'incidents:assign') ? (
        <ActionForm id="role" action={`${base}/roles`} viewer={viewer} summary="Assign a role">
          <SelectField form="role" name="role" label="Role" options={INCIDENT_ROLES.map((role) => ({ value: role, label: words(role) }))} />
          <TextField form="role" name="name" label="Name (leave empty for yourself)" maxlength={200} />
          <p>
            <button type="submit">Assign</button>
          </p>
        </ActionForm>
      ) : null}
      {can(viewer, 'incidents:update') ? (
        <ActionForm id="severity" action={`${base}/severity`} viewer={viewer} summary="Change severity">
          <input type="hidden" name="expectedVersion" value={String(incident.version)} />
          <SelectField
            form="severity"
            name="severity"
            label="Severity"
            value={incident.severity}
            options={SEVERITIES.map((severity) => ({ value: severity, label: severity.toUpperCase() }))}
          />
          <TextField form="severity" name="reason" label="Reason" maxlength={2000} />
          <p>
            <button type="submit">Change</button>
          </p>
        </ActionForm>
      ) : null}
      <IncidentEditForm incident={incident} viewer={viewer} reference={reference} />
    </section>
  );
}

/** Extra panels other parts provide (evidence, breach, RCA); each renders itself or nothing. */
export interface IncidentPanels {
  /** Under the summary, full width: what must not be missed (breach clocks). */
  top: Child[];
  main: Child[];
  side: Child[];
}

export function IncidentPage({
  viewer,
  detail,
  timeline,
  panels,
  error,
  notice,
}: {
  viewer: Viewer;
  detail: IncidentDetail;
  timeline: TimelinePage;
  panels: IncidentPanels;
  error?: string | null;
  notice?: string | null;
}) {
  return (
    <Layout title={`${detail.reference} ${detail.incident.title}`} viewer={viewer} section="incidents">
      <p>
        <a href="/incidents">← All incidents</a>
      </p>
      <Flash error={error} notice={notice} />
      <IncidentSummary detail={detail} />
      {panels.top}
      <div class="grid two">
        <div>
          <Actions detail={detail} viewer={viewer} />
          <TimelineSection reference={detail.reference} page={timeline} />
          {panels.main}
        </div>
        <div>
          <Checklist detail={detail} viewer={viewer} />
          <Roles detail={detail} />
          {panels.side}
        </div>
      </div>
    </Layout>
  );
}
