import { Hono } from 'hono';
import type { AppEnv } from '../app';

export const seriesRoutes = new Hono<AppEnv>();
