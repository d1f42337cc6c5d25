import { raw } from 'hono/html';
import type { Organization, Series, Session } from '../db/schema';
import type { ClaimWindow } from '../server/claim-window';
import { Layout, type PageChrome } from './layout';
import { formatInstant } from './time';

export interface ScreenState {
  window: ClaimWindow;
  state: 'early' | 'open' | 'closed';
  /** The code to show and text: the session's attendance code. */
  code: string;
  /** The QR code (inline SVG) leading to the claim page for that code, while the window is open. */
  qr: string | null;
  claimUrl: string;
}

/**
 * What the room sees on the projector: the QR code, the attendance code and the number to text it
 * to, in type large enough for the back row, and only while attendance can be recorded. It checks
 * again every 20 seconds, so it opens and closes itself.
 */
export function ClaimScreen(props: {
  organization: Organization;
  session: Session;
  series: Series;
  screen: ScreenState;
  path: string;
}) {
  const { organization, session, screen } = props;
  const zone = session.timeZone;
  return (
    <div
      id="claim-screen"
      class="claim-screen"
      hx-get={props.path}
      hx-trigger="every 20s"
      hx-swap="outerHTML"
    >
      <h1>{session.name}</h1>
      <p class="muted">{props.series.name}</p>
      {screen.state === 'open' && screen.qr ? (
        <div class="claim-ways">
          <figure
            class="claim-qr"
            role="img"
            aria-label={`QR code: opens the claim page for ${session.name}`}
          >
            {raw(screen.qr)}
          </figure>
          <div>
            <p class="claim-step">Record your attendance</p>
            {organization.smsNumber && (
              <p class="claim-big">
                Text <strong class="code">{screen.code}</strong> to <strong>{organization.smsNumber}</strong>
              </p>
            )}
            <p class="claim-step">or scan the QR code, or go to</p>
            <p class="claim-url">
              {screen.claimUrl} and enter <strong class="code">{screen.code}</strong>
            </p>
            <p class="muted">Open until {formatInstant(screen.window.closesAt, zone)}.</p>
          </div>
        </div>
      ) : (
        <p class="claim-big" role="status">
          {screen.state === 'early'
            ? `Attendance opens at ${formatInstant(screen.window.opensAt, zone)}.`
            : `Attendance closed at ${formatInstant(screen.window.closesAt, zone)}.`}
        </p>
      )}
    </div>
  );
}

export function ClaimScreenPage(
  props: PageChrome & {
    organization: Organization;
    session: Session;
    series: Series;
    screen: ScreenState;
    path: string;
  },
) {
  return (
    <Layout {...props} title={`Attendance: ${props.session.name}`}>
      <ClaimScreen {...props} />
    </Layout>
  );
}
