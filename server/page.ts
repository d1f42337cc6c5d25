import type { Context } from 'hono';
import type { AppEnv, Viewer } from './context';

/** What every organization page's Layout needs: the organization, the viewer and the CSRF token. */
export function chrome(c: Context<AppEnv>) {
  return { organization: c.get('organization'), viewer: c.get('viewer'), csrfToken: c.get('csrfToken') };
}

/** The signed-in viewer of a route whose access rule required one; only narrows the type. */
export function viewerOf(c: Context<AppEnv>): Viewer {
  const viewer = c.get('viewer');
  if (!viewer) throw new Error(`${c.req.method} ${c.req.path} ran without a signed-in viewer`);
  return viewer;
}

/**
 * A `next` address to return to after signing in, kept only when it is a path inside this
 * organization, so a crafted link cannot send someone off-site (or to another organization).
 */
export function sameOrganizationPath(next: string | undefined, organizationCode: string): string | null {
  if (!next?.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  let url: URL;
  try {
    url = new URL(next, 'http://rounds.invalid');
  } catch {
    return null;
  }
  if (url.origin !== 'http://rounds.invalid') return null;
  const base = `/${organizationCode}`;
  if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return null;
  return url.pathname + url.search;
}
