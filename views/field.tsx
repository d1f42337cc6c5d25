import type { Child } from 'hono/jsx';

interface FieldProps {
  name: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  /** Needed only when another choice asks for it (a recurrence's end): not marked "(optional)". */
  conditional?: boolean;
}

function fieldId(name: string) {
  return `field-${name}`;
}

function describedBy(props: FieldProps) {
  const ids = [props.hint && `${fieldId(props.name)}-hint`, props.error && `${fieldId(props.name)}-error`];
  const list = ids.filter(Boolean).join(' ');
  return list === '' ? undefined : list;
}

/** Label, control, hint and this field's error (role="alert"), so pages are driven by their labels. */
function Frame(props: FieldProps & { children: Child }) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>
        {props.label}
        {props.required === false && !props.conditional && <span class="muted"> (optional)</span>}
      </label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children}
      {props.error && (
        <p class="error" role="alert" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Field(
  props: FieldProps & {
    type?: 'text' | 'email' | 'password' | 'tel' | 'number' | 'date' | 'time';
    value?: string | undefined;
    autocomplete?: string;
    inputmode?: 'numeric' | 'tel' | 'email' | 'text';
    min?: number;
    max?: number;
  },
) {
  return (
    <Frame {...props}>
      <input
        id={fieldId(props.name)}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? undefined : props.value}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        min={props.min}
        max={props.max}
        required={props.required !== false}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      />
    </Frame>
  );
}

/** A file to upload; its form must be multipart. A file picker cannot be refilled, so only its error comes back. */
export function FileField(props: FieldProps & { accept: string }) {
  return (
    <Frame {...props}>
      <input
        id={fieldId(props.name)}
        name={props.name}
        type="file"
        accept={props.accept}
        required={props.required !== false}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      />
    </Frame>
  );
}

export function SelectField(
  props: FieldProps & {
    value?: string | undefined;
    options: readonly (string | { value: string; label: string })[];
    placeholder?: string;
  },
) {
  return (
    <Frame {...props}>
      <select
        id={fieldId(props.name)}
        name={props.name}
        required={props.required !== false}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {props.options.map((option) => {
          const { value, label } = typeof option === 'string' ? { value: option, label: option } : option;
          return (
            <option value={value} selected={value === props.value}>
              {label}
            </option>
          );
        })}
      </select>
    </Frame>
  );
}

export function TextAreaField(props: FieldProps & { value?: string | undefined; rows?: number }) {
  return (
    <Frame {...props}>
      <textarea
        id={fieldId(props.name)}
        name={props.name}
        rows={props.rows ?? 4}
        required={props.required !== false}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.value ?? ''}
      </textarea>
    </Frame>
  );
}

/**
 * A group of checkboxes (several may be chosen) or radio buttons (one), under a legend. Each option's
 * label is beside its box; the group's hint and error are read with it.
 */
export function ChoicesField(props: {
  name: string;
  label: string;
  type?: 'checkbox' | 'radio';
  options: readonly (string | { value: string; label: string })[];
  selected: readonly string[];
  hint?: string | undefined;
  error?: string | undefined;
  /** Options side by side (weekdays), rather than one per line. */
  inline?: boolean;
}) {
  const chosen = new Set(props.selected);
  const id = fieldId(props.name);
  const described = [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ');
  const classes = ['field', 'choices', props.inline ? 'inline' : '', props.error ? 'invalid' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <fieldset class={classes} id={id} aria-describedby={described || undefined}>
      <legend>{props.label}</legend>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.options.map((option, index) => {
        const { value, label } = typeof option === 'string' ? { value: option, label: option } : option;
        return (
          <div class="choice">
            <input
              type={props.type ?? 'checkbox'}
              id={`${id}-${index}`}
              name={props.name}
              value={value}
              checked={chosen.has(value)}
            />
            <label for={`${id}-${index}`}>{label}</label>
          </div>
        );
      })}
      {props.error && (
        <p class="error" role="alert" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

function isEmpty(child: unknown): boolean {
  if (Array.isArray(child)) return child.every(isEmpty);
  return child === undefined || child === null || child === false || child === '';
}

/** A message about the whole form (not one field). */
/** A single checkbox with its label beside it; the hint and error below, like every field. */
export function CheckboxField(props: FieldProps & { checked: boolean }) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'field checkbox invalid' : 'field checkbox'}>
      <input
        type="checkbox"
        id={id}
        name={props.name}
        checked={props.checked}
        aria-describedby={describedBy(props)}
      />
      <label for={id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="error" role="alert" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/**
 * What needs attention in a form that came back: a list linking each field at fault, so a keyboard
 * or screen-reader user goes straight to it. rounds.js moves focus here when the page loads.
 */
export function ErrorSummary(props: { errors: Partial<Record<string, string>> }) {
  const { form, ...fields } = props.errors;
  const atFault = Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1]));
  if (!form && atFault.length === 0) return null;
  return (
    <div class="alert alert-error" role="alert" tabindex={-1} data-error-summary>
      {atFault.length === 0 ? (
        <p>{form}</p>
      ) : (
        <>
          <p>{form && form !== 'Some fields need attention.' ? form : 'Please check these:'}</p>
          <ul>
            {atFault.map(([name, message]) => (
              <li>
                <a href={`#field-${name}`}>{message}</a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function FormAlert(props: { children?: Child }) {
  if (isEmpty(props.children)) return null;
  return (
    <div class="alert alert-error" role="alert">
      {props.children}
    </div>
  );
}

export function Notice(props: { children?: Child }) {
  return (
    <p class="alert alert-ok" role="status">
      {props.children}
    </p>
  );
}

/** The typed value of a field as a string (a repeated field's first value). */
export function typed(
  values: Record<string, string | string[]> | undefined,
  name: string,
): string | undefined {
  const value = values?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Target audience (SPEC): specialties typed with commas, and professions from the organization's list. */
export function AudienceFields(props: {
  professions: readonly string[];
  values: { specialties: string; professions: readonly string[] };
  errors: { specialties?: string | undefined; professions?: string | undefined };
}) {
  return (
    <>
      <Field
        name="specialties"
        label="Specialties"
        required={false}
        hint="Separate specialties with commas, e.g. Cardiology, Nephrology."
        value={props.values.specialties}
        error={props.errors.specialties}
      />
      <ChoicesField
        name="professions"
        label="Professions"
        options={props.professions}
        selected={props.values.professions}
        error={props.errors.professions}
      />
    </>
  );
}
