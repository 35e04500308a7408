import type { ActionItem } from '../../incidents/index.ts';
import type { Person } from '../../platform/index.ts';
import { PageForm, SelectField, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Time } from './layout.tsx';

export type ListedActionItem = ActionItem & { overdue: boolean };

const STATUS_LABELS = { open: 'open', in_progress: 'in progress', done: 'done', cancelled: 'cancelled' } as const;

/** The day a due date falls on, as a date field holds it (YYYY-MM-DD, UTC). */
const dayOf = (at: Date | null) => (at ? at.toISOString().slice(0, 10) : undefined);

/** Who can own an item: the people with an account, and an owner without one who is kept as they are. */
function ownerOptions(people: Person[], item?: ListedActionItem) {
  const options = people.map((person) => ({ value: person.id, label: `${person.name} (${person.email})` }));
  if (item && !people.some((person) => person.id === item.ownerUserId))
    return [{ value: '', label: `${item.ownerName} (no account: not reminded directly)` }, ...options];
  return [{ value: '', label: 'Pick a person' }, ...options];
}

function ItemFields({ form, people, item }: { form: string; people: Person[]; item?: ListedActionItem }) {
  return (
    <>
      <TextField form={form} name="title" label="What must change" value={item?.title} required maxlength={300} />
      <SelectField form={form} name="ownerUserId" label="Owner" value={item?.ownerUserId ?? ''} options={ownerOptions(people, item)} />
      <TextField
        form={form}
        name="dueOn"
        type="date"
        label="Due date"
        hint="Due at the end of that day (UTC); the owner is reminded once it has passed."
        value={dayOf(item?.dueAt ?? null)}
      />
      <TextAreaField form={form} name="description" label="Details (optional)" value={item?.description} maxlength={20000} rows={2} />
    </>
  );
}

function ActionItemRow({
  item,
  viewer,
  reference,
  people,
}: {
  item: ListedActionItem;
  viewer: Viewer;
  reference: string;
  people: Person[];
}) {
  const action = `/incidents/${reference}/action-items/${item.id}`;
  const editId = `item-${item.id}`;
  const finished = item.status === 'done' || item.status === 'cancelled';
  return (
    <li data-action-item={item.id} data-status={item.status}>
      <div class="what">
        {item.title} <span class="badge">{STATUS_LABELS[item.status]}</span>{' '}
        {item.overdue ? <span class="badge breach">overdue</span> : null}
      </div>
      {item.description ? <div class="detail">{item.description}</div> : null}
      <div class="meta">
        owner {item.ownerName} · due {item.dueAt ? <Time at={item.dueAt} /> : 'no date'}
        {item.completedAt ? (
          <>
            {' · '}finished <Time at={item.completedAt} />
          </>
        ) : null}
      </div>
      {can(viewer, 'rca:write') ? (
        <>
          {finished ? null : (
            <PageForm id={`done-${item.id}`} action={`${action}/done`} viewer={viewer} class="inline-form">
              <input type="hidden" name="expectedVersion" value={String(item.version)} />
              <button type="submit" class="secondary" aria-label={`Mark done: ${item.title}`}>
                Mark done
              </button>
            </PageForm>
          )}
          <details open={useRefused(editId)}>
            <summary>Edit</summary>
            <PageForm id={editId} action={action} viewer={viewer}>
              <input type="hidden" name="expectedVersion" value={String(item.version)} />
              <ItemFields form={editId} people={people} item={item} />
              <SelectField
                form={editId}
                name="status"
                label="Status"
                value={item.status}
                options={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
              />
              <p>
                <button type="submit">Save</button>
              </p>
            </PageForm>
          </details>
        </>
      ) : null}
    </li>
  );
}

/** The incident's action items: each with owner, due date and status; created, edited and marked done here. */
export function ActionItemsPanel({
  items,
  people,
  viewer,
  reference,
}: {
  items: ListedActionItem[];
  people: Person[];
  viewer: Viewer;
  reference: string;
}) {
  const open = items.filter((item) => item.status === 'open' || item.status === 'in_progress').length;
  return (
    <section class="card" aria-labelledby="action-items-title" id="action-items">
      <h2 id="action-items-title">Action items</h2>
      <p class="muted">
        {items.length === 0 ? 'None yet.' : `${open} open of ${items.length}.`} What must change after this incident, each with an owner and
        a due date.
      </p>
      {items.length > 0 ? (
        <ul class="evidence">
          {items.map((item) => (
            <ActionItemRow item={item} viewer={viewer} reference={reference} people={people} />
          ))}
        </ul>
      ) : null}
      {can(viewer, 'rca:write') ? (
        <details open={items.length === 0 || useRefused('action-item')}>
          <summary>Add an action item</summary>
          <PageForm id="action-item" action={`/incidents/${reference}/action-items`} viewer={viewer}>
            <ItemFields form="action-item" people={people} />
            <p>
              <button type="submit">Add action item</button>
            </p>
          </PageForm>
        </details>
      ) : null}
    </section>
  );
}
