import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { VerifyPage } from '../../views/verify-page';
import { allow, anyone } from '../access';
import { formatSerial, parseSerial, verifyCertificate } from '../certificates';
import type { AppEnv } from '../context';
import { throttle } from '../throttle';

/**
 * Public certificate verification, for anyone a learner shows a certificate to. Signed out, so
 * every request spends the address's budget: numbers are random, and a sweep is slowed to nothing.
 */
export const verifyRoutes = new Hono<AppEnv>();

const serialQuery = z.object({ serial: z.string().max(40).optional() });

async function answer(c: Context<AppEnv>, typed: string | undefined) {
  if (typed === undefined || typed.trim() === '') return c.html(<VerifyPage values={{}} />);
  const serial = parseSerial(typed);
  if (!serial) {
    return c.html(
      <VerifyPage
        values={{ serial: typed }}
        errors={{ serial: 'A certificate number is twelve letters and digits, e.g. 7KQ2-M9XD-4HTA.' }}
      />,
      400,
    );
  }
  const found = await verifyCertificate(c.get('deps').db, serial);
  c.header('Cache-Control', 'no-store');
  return c.html(
    <VerifyPage values={{ serial: formatSerial(serial) }} found={found} asked={formatSerial(serial)} />,
    found ? 200 : 404,
  );
}

verifyRoutes.get('/verify', allow(anyone), throttle('verify-certificate'), (c) => {
  const parsed = serialQuery.safeParse(c.req.query());
  return answer(c, parsed.success ? parsed.data.serial : '');
});

verifyRoutes.get('/verify/:serial', allow(anyone), throttle('verify-certificate'), (c) => {
  const typed = c.req.param('serial');
  return answer(c, typed.length > 40 ? 'x' : typed);
});
