import { zValidator } from '@hono/zod-validator';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { Organization } from '../db/schema';
import type { AppEnv } from './context';
import { renderError } from './respond';

/** One message per field, keyed by the form field's name. `form` holds a message about the whole form. */
export type FieldErrors = Partial<Record<string, string>>;

/** What the person typed, as strings, to put back into the form. Passwords are never kept. */
export type FormValues = Record<string, string | string[]>;

export interface Rejected {
  values: FormValues;
  errors: FieldErrors;
}

const NEVER_ECHOED = /password|_csrf/i;

/**
 * Every form field, whatever its schema: longer than this is not something a person typed. Schemas
 * set tighter limits per field (an email, 254); this catches the rest before zod sees it, and keeps
 * pages from echoing a flood back.
 */
export const FIELD_MAX_CHARS = 5000;
/** A field sent more times than this (checkbox lists, multi-selects) is refused too. */
export const FIELD_MAX_VALUES = 1000;

/**
 * Validates a form with zod through @hono/zod-validator. A rejected form is not a JSON 400: the
 * route renders its page again with a message per field and the values typed (onInvalid). The
 * schema may depend on the organization (its degree list, its password policy).
 */
export function validForm<T extends z.ZodType>(
  schema: T | ((organization: Organization) => T),
  onInvalid: (c: Context<AppEnv>, rejected: Rejected) => Response | Promise<Response>,
): MiddlewareHandler<AppEnv, string, { in: { form: z.input<T> }; out: { form: z.output<T> } }> {
  return async (c, next) => {
    let raw: Record<string, unknown>;
    try {
      raw = await c.req.parseBody({ all: true });
    } catch {
      throw new HTTPException(400, { message: 'malformed form body' });
    }
    const overLimit = fieldsOverLimit(raw);
    if (overLimit) {
      return onInvalid(c as unknown as Context<AppEnv>, { values: formValues(raw), errors: overLimit });
    }
    const resolved = typeof schema === 'function' ? schema(c.get('organization')) : schema;
    const check = zValidator('form', resolved, (result, hookContext) => {
      if (result.success) return;
      const page = hookContext as unknown as Context<AppEnv>;
      return onInvalid(page, { values: formValues(result.data), errors: fieldErrors(result.error.issues) });
    }) as unknown as MiddlewareHandler<AppEnv>;
    return check(c as unknown as Context<AppEnv>, next);
  };
}

export function fieldsOverLimit(raw: Record<string, unknown>): FieldErrors | null {
  const errors: FieldErrors = {};
  for (const [name, value] of Object.entries(raw)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.length > FIELD_MAX_VALUES) {
      errors[name] = `Choose at most ${FIELD_MAX_VALUES.toLocaleString('en-US')} here.`;
    } else if (values.some((one) => typeof one === 'string' && one.length > FIELD_MAX_CHARS)) {
      errors[name] = `This can be at most ${FIELD_MAX_CHARS.toLocaleString('en-US')} characters.`;
    } else if (values.some((one) => typeof one === 'string' && one.includes('\u0000'))) {
      // PostgreSQL stores no NUL in text; nobody types one, but a pasted or forged field may hold it.
      errors[name] = 'This contains a character that cannot be saved (a NUL). Type it again.';
    }
  }
  if (Object.keys(errors).length === 0) return null;
  errors.form ??= 'Some fields need attention.';
  return errors;
}

export function fieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return errors;
}

export function formValues(raw: unknown): FormValues {
  const values: FormValues = {};
  if (typeof raw !== 'object' || raw === null) return values;
  for (const [name, value] of Object.entries(raw)) {
    if (NEVER_ECHOED.test(name)) continue;
    // Echoed back whole, even past FIELD_MAX_CHARS, so what a person typed is never lost: the body
    // limit (64 KB for forms) already bounds how much can come back.
    if (typeof value === 'string') values[name] = value;
    else if (Array.isArray(value)) {
      values[name] = value.slice(0, FIELD_MAX_VALUES).filter((v): v is string => typeof v === 'string');
    }
  }
  return values;
}

/** A form field that may arrive once, several times, or not at all (checkboxes, multi-selects). */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** Text areas with one entry a line. */
export function lines(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Validates path parameters; a malformed one (not a UUID, say) names nothing that exists: 404. */
export function validParams<T extends z.ZodType>(
  schema: T,
): MiddlewareHandler<AppEnv, string, { out: { param: z.output<T> } }> {
  const check = zValidator('param', schema, (result, hookContext) => {
    if (result.success) return;
    return renderError(hookContext as unknown as Context<AppEnv>, 'not_found');
  }) as unknown as MiddlewareHandler<AppEnv>;
  return (c, next) => check(c as unknown as Context<AppEnv>, next);
}

/** A text field as typed; absent is empty. The domain judges what it says. */
export const typedField = z.string().optional().default('');

/** Checkboxes and multi-selects arrive once, several times, or not at all: always a list. */
export const repeatedField = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

/** A single checkbox: present when ticked. */
export const checkboxField = z
  .string()
  .optional()
  .transform((value) => value === 'on' || value === 'true');
