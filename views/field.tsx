import type { Child } from 'hono/jsx';

interface FieldProps {
  name: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
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
        {props.required === false && <span class="muted"> (optional)</span>}
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
    type?: 'text' | 'email' | 'password' | 'tel' | 'number' | 'date';
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
