import { formatInstant } from './time';
import type { Message, Organization } from '../db/schema';
import { Layout, type PageChrome } from './layout';

/** Development outbox: every message Rounds recorded for this organization, newest first. */
export function OutboxPage(props: PageChrome & { organization: Organization; messages: Message[] }) {
  const base = `/${props.organization.code}/admin/outbox`;
  return (
    <Layout {...props} title="Outbox">
      <h1>Outbox</h1>
      <p class="muted">Mail recorded in development mode: nothing here left the building. Newest first.</p>
      {props.messages.length === 0 ? (
        <p>No messages yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {props.messages.map((message) => (
              <tr>
                <td data-label="When">{formatInstant(message.createdAt, props.organization.timeZone)}</td>
                <td data-label="To">{message.to}</td>
                <td data-label="Subject">
                  <a href={`${base}/${message.id}`}>{message.subject}</a>
                </td>
                <td data-label="Kind">{message.kind}</td>
                <td data-label="Status">{message.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** Links in a message's text, so a developer can follow a reset link from here. */
export function linksIn(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? [])];
}

export function OutboxMessagePage(props: PageChrome & { organization: Organization; message: Message }) {
  const { message } = props;
  const links = linksIn(message.text);
  return (
    <Layout {...props} title={message.subject}>
      <p>
        <a href={`/${props.organization.code}/admin/outbox`}>Back to the outbox</a>
      </p>
      <h1>{message.subject}</h1>
      <dl>
        <dt>To</dt>
        <dd>{message.to}</dd>
        <dt>Recorded</dt>
        <dd>{formatInstant(message.createdAt, props.organization.timeZone)}</dd>
        <dt>Kind</dt>
        <dd>{message.kind}</dd>
        <dt>Status</dt>
        <dd>
          {message.status} via {message.transport}
          {message.error && ` (${message.error})`}
        </dd>
      </dl>
      {links.length > 0 && (
        <section>
          <h2>Links in this message</h2>
          <ul>
            {links.map((link) => (
              <li>
                <a href={link}>{link}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <h2>Plain text</h2>
      <pre class="preformatted">{message.text}</pre>
      <h2>As sent (HTML)</h2>
      <iframe
        title={`HTML of ${message.subject}`}
        sandbox=""
        srcdoc={message.html}
        style="width:100%;min-height:28rem;border:1px solid #d9dee8;background:#fff"
      />
    </Layout>
  );
}
