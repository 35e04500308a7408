import type { Child } from 'hono/jsx';
import { createContext, useContext } from 'hono/jsx';
import type { RefusedForm } from '../form-refusals.ts';
import type { Viewer } from './layout.tsx';
import { CsrfField } from './layout.tsx';

// Form fields that show a refused form again: the page puts the refusal in RefusedFormContext, a
// PageForm whose id matches it hands the typed values and field messages to its fields, and each field
// shows its own message next to it (aria-invalid, aria-describedby).

/** The form the page's last submission refused, if any (set once, at the top of a page). */
export const RefusedFormContext = createContext<RefusedForm | null>(null);

interface FormValues {
  values: Record<string, string>;
  fieldErrors: Record<string, string>;
}
const CurrentForm = createContext<FormValues | null>(null);

/** Whether the page's refused form is the one with this id (open its <details>, say). */
export function useRefused(id: string): boolean {
  return useContext(RefusedFormContext)?.form === id;
}

/**
 * A form of a dashboard page: posts to `action` with the CSRF token and its own id (`_form`), and,
 * when it was the one just refused, shows why above its fields and gives them back what was typed.
 */
export function PageForm({
  id,
  action,
  viewer,
  class: className,
  children,
}: {
  id: string;
  action: string;
  viewer: Viewer;
  class?: string;
  children: Child;
}) {
  const refused = useContext(RefusedFormContext);
  const mine = refused?.form === id ? refused : null;
  return (
    <form id={`form-${id}`} method="post" action={action} class={className} novalidate={mine ? true : undefined}>
      <CsrfField viewer={viewer} />
      <input type="hidden" name="_form" value={id} />
      {mine ? (
        <p class="form-error" role="alert">
          {mine.message}
        </p>
      ) : null}
      <CurrentForm.Provider value={mine ? { values: mine.values, fieldErrors: mine.fieldErrors } : null}>{children}</CurrentForm.Provider>
    </form>
  );
}

function useField(name: string, initial: string | undefined): { value: string | undefined; error: string | undefined; refused: boolean } {
  const current = useContext(CurrentForm);
  if (!current) return { value: initial, error: undefined, refused: false };
  return { value: current.values[name] ?? initial, error: current.fieldErrors[name], refused: true };
}

interface FieldProps {
  /** The form's id and the field's name make the element's id. */
  form: string;
  name: string;
  label: Child;
  hint?: Child;
  value?: string;
  required?: boolean;
  maxlength?: number;
}

function FieldMessage({ id, hint, error }: { id: string; hint?: Child; error?: string }) {
  return (
    <>
      {hint ? (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </>
  );
}

const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

export function TextField({
  form,
  name,
  label,
  hint,
  value,
  required,
  maxlength,
  type = 'text',
  placeholder,
}: FieldProps & { type?: string; placeholder?: string }) {
  const id = `${form}-${name}`;
  const field = useField(name, value);
  return (
    <div class={field.error ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        value={field.value}
        required={required}
        maxlength={maxlength}
        placeholder={placeholder}
        aria-invalid={field.error ? 'true' : undefined}
        aria-describedby={describedBy(id, hint, field.error)}
      />
      <FieldMessage id={id} hint={hint} error={field.error} />
    </div>
  );
}

export function TextAreaField({ form, name, label, hint, value, required, maxlength, rows }: FieldProps & { rows?: number }) {
  const id = `${form}-${name}`;
  const field = useField(name, value);
  return (
    <div class={field.error ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      <textarea
        id={id}
        name={name}
        required={required}
        maxlength={maxlength}
        rows={rows}
        aria-invalid={field.error ? 'true' : undefined}
        aria-describedby={describedBy(id, hint, field.error)}
      >
        {field.value ?? ''}
      </textarea>
      <FieldMessage id={id} hint={hint} error={field.error} />
    </div>
  );
}

export function SelectField({
  form,
  name,
  label,
  hint,
  value,
  options,
}: Omit<FieldProps, 'maxlength' | 'required'> & { options: readonly (string | { value: string; label: string })[] }) {
  const id = `${form}-${name}`;
  const field = useField(name, value);
  return (
    <div class={field.error ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      <select id={id} name={name} aria-invalid={field.error ? 'true' : undefined} aria-describedby={describedBy(id, hint, field.error)}>
        {options.map((option) => {
          const { value: optionValue, label: optionLabel } = typeof option === 'string' ? { value: option, label: option } : option;
          return (
            <option value={optionValue} selected={optionValue === field.value}>
              {optionLabel}
            </option>
          );
        })}
      </select>
      <FieldMessage id={id} hint={hint} error={field.error} />
    </div>
  );
}

/** A checkbox: checked as given, or as it was when the form was refused. */
export function CheckboxField({
  form,
  name,
  label,
  hint,
  checked,
  value = 'true',
}: Omit<FieldProps, 'value' | 'maxlength' | 'required'> & { checked?: boolean; value?: string }) {
  const id = `${form}-${name}`;
  const field = useField(name, undefined);
  const isChecked = field.refused ? field.value === value : Boolean(checked);
  return (
    <div class={field.error ? 'field checkbox invalid' : 'field checkbox'}>
      <label for={id}>
        <input
          id={id}
          type="checkbox"
          name={name}
          value={value}
          checked={isChecked}
          aria-describedby={describedBy(id, hint, field.error)}
        />{' '}
        {label}
      </label>
      <FieldMessage id={id} hint={hint} error={field.error} />
    </div>
  );
}
