import { asc } from 'drizzle-orm';
import { Hono } from 'hono';
import { organizations } from '../../db/schema';
import { OrganizationsPage } from '../../views/organizations-page';
import { allow, anyone } from '../access';
import type { AppEnv } from '../context';

export const homeRoutes = new Hono<AppEnv>();

/** One installation serves several offices; with one, go straight to it. */
homeRoutes.get('/', allow(anyone), async (c) => {
  const { db } = c.get('deps');
  const list = await db.select().from(organizations).orderBy(asc(organizations.name));
  if (list.length === 1 && list[0]) return c.redirect(`/${list[0].code}`, 302);
  return c.html(<OrganizationsPage organizations={list} organization={null} viewer={null} csrfToken="" />);
});
