import { Hono } from 'hono';
import type { AppEnv } from '../app';

export const adminRoutes = new Hono<AppEnv>();
