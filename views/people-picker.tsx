import type { Person } from '../server/people';

/**
 * Choose several people out of thousands, by keyboard: type a last name, press a match's Add
 * button, remove with the button beside a name. The chosen ones are hidden inputs named `name`, so
 * the form submits their ids. Matches come from GET {base}/people (htmx); removing is done in
 * rounds.js.
 */
export function PeoplePicker(props: {
  base: string;
  name: string;
  /** "Owners" */
  label: string;
  /** "owner": for "Add an owner" */
  one: string;
  chosen: Person[];
  error?: string | undefined;
}) {
  const { name } = props;
  const id = `field-${name}`;
  return (
    <fieldset class={props.error ? 'field people-picker invalid' : 'field people-picker'}>
      <legend>{props.label}</legend>
      <ul id={`${name}-chosen`} class="chosen" aria-label={`Chosen ${props.label.toLowerCase()}`}>
        {props.chosen.map((person) => (
          <ChosenPerson name={name} person={person} />
        ))}
      </ul>
      <label for={id}>
        Add {/^[aeiou]/i.test(props.one) ? 'an' : 'a'} {props.one}
      </label>
      <p class="hint" id={`${id}-hint`}>
        Type a last name (or a first name or email), then press Add beside the person.
      </p>
      <input
        id={id}
        type="search"
        name="q"
        autocomplete="off"
        aria-describedby={[`${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ')}
        aria-invalid={props.error ? 'true' : undefined}
        hx-get={`${props.base}/people?for=${name}`}
        hx-trigger="input changed delay:250ms, search"
        hx-target={`#${name}-matches`}
        hx-include={`#${name}-chosen, this`}
      />
      <div id={`${name}-matches`} aria-live="polite" />
      {props.error && (
        <p class="error" role="alert" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

/** One chosen person: the hidden input the form submits, and the button that takes them out. */
export function ChosenPerson(props: { name: string; person: Person; focus?: boolean }) {
  const { person } = props;
  const full = `${person.firstName} ${person.lastName}`;
  return (
    <li tabindex={props.focus ? -1 : undefined} data-focus-here={props.focus ? true : undefined}>
      <input type="hidden" name={props.name} value={person.id} />
      <span>
        {person.lastName}, {person.firstName}
        {person.degree ? `, ${person.degree}` : ''} <span class="muted">{person.email}</span>
      </span>{' '}
      <button type="button" class="link" data-remove-chosen aria-label={`Remove ${full}`}>
        Remove
      </button>
    </li>
  );
}

/** The matches for what was typed, each with its Add button. */
export function PeopleMatches(props: {
  base: string;
  name: string;
  typed: string;
  people: Person[];
  more: boolean;
}) {
  if (props.typed.trim() === '') return null;
  if (props.people.length === 0) return <p class="muted">No one matches “{props.typed}”.</p>;
  return (
    <>
      <ul class="matches">
        {props.people.map((person) => (
          <li>
            <button
              type="button"
              class="secondary"
              hx-get={`${props.base}/people/chosen?for=${props.name}&id=${person.id}`}
              hx-target={`#${props.name}-chosen`}
              hx-swap="beforeend"
              aria-label={`Add ${person.firstName} ${person.lastName}, ${person.email}`}
            >
              Add
            </button>{' '}
            {person.lastName}, {person.firstName}
            {person.degree ? `, ${person.degree}` : ''} <span class="muted">{person.email}</span>
          </li>
        ))}
      </ul>
      {props.more && <p class="muted">More people match: type more of the name.</p>}
    </>
  );
}
