import { Hono } from 'hono';
import type { AppEnv } from '../app';

export const accountRoutes = new Hono<AppEnv>();
