import { randomBytes } from 'node:crypto';
import { zValidator } from '@hono/zod-validator';
import type { Context } from 'hono';
import { Hono } from 'hono';
import twilio from 'twilio';
import { z } from 'zod';
import { PairPhonePage } from '../../views/pair-phone-page';
import { PhonePage } from '../../views/phone-page';
import { allow, anyone } from '../access';
import type { AppEnv } from '../context';
import { validForm } from '../forms';
import { normalizeMobile } from '../identifiers';
import { TEXT_MAX_CHARACTERS } from '../inbound-texts';
import { chrome } from '../page';
import { confirmPairingByLink, pairingByToken } from '../phone-pairing';
import { renderError } from '../respond';
import { conversation, webhookToken } from '../texting';
import { throttle } from '../throttle';
import { TWILIO_SMS_WEBHOOK_PATH } from './twilio';

export const phoneRoutes = new Hono<AppEnv>();

// ---- The emailed pairing link ----

const INVALID_LINK = 'This pairing link has expired or was already used.';

const tokenQuery = zValidator('query', z.object({ token: z.string().max(100).optional().catch(undefined) }));

phoneRoutes.get('/pair-phone', allow(anyone), throttle('account-link'), tokenQuery, async (c) => {
  const organization = c.get('organization');
  const token = c.req.valid('query').token ?? '';
  const pairing = await pairingByToken(c.get('deps'), organization, token);
  if (!pairing)
    return c.html(
      <PairPhonePage {...chrome(c)} organization={organization} invalidLink={INVALID_LINK} />,
      410,
    );
  return c.html(
    <PairPhonePage
      {...chrome(c)}
      organization={organization}
      token={token}
      phone={pairing.phone}
      email={pairing.account.email}
    />,
  );
});

phoneRoutes.post(
  '/pair-phone',
  allow(anyone),
  throttle('account-link'),
  validForm(z.object({ token: z.string().max(100).optional().default('') }), (c) =>
    renderError(c, 'bad_request'),
  ),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const { token } = c.req.valid('form');
    const pending = await pairingByToken(deps, organization, token);
    const paired = pending ? await confirmPairingByLink(deps, organization, token) : null;
    if (!pending || !paired) {
      return c.html(
        <PairPhonePage {...chrome(c)} organization={organization} invalidLink={INVALID_LINK} />,
        410,
      );
    }
    return c.html(
      <PairPhonePage
        {...chrome(c)}
        organization={organization}
        phone={paired.phone}
        email={pending.account.email}
        paired
      />,
    );
  },
);

// ---- Development phone ----

/** The phone page exists only outside production: there it would let anyone text as anyone. */
const notInProduction = (c: Context<AppEnv>) => c.get('deps').config.NODE_ENV !== 'production';

const phoneQuery = zValidator('query', z.object({ from: z.string().max(40).optional().catch(undefined) }));

phoneRoutes.get('/phone', allow(notInProduction), throttle('phone-page'), phoneQuery, async (c) => {
  const organization = c.get('organization');
  const phone = normalizeMobile(c.req.valid('query').from ?? '');
  return c.html(
    <PhonePage
      {...chrome(c)}
      organization={organization}
      values={{ from: phone ?? '', body: '' }}
      phone={phone}
      entries={phone ? await conversation(c.get('deps').db, organization.id, phone) : []}
    />,
  );
});

const phoneText = z.object({
  from: z
    .string()
    .optional()
    .default('')
    .transform((typed, ctx) => {
      const phone = normalizeMobile(typed);
      if (!phone) {
        ctx.addIssue({
          code: 'custom',
          message: 'Enter a phone number, like (555) 010-2030 or +44 20 7946 0958.',
        });
        return z.NEVER;
      }
      return phone;
    }),
  body: z
    .string()
    .optional()
    .default('')
    .refine(
      (body) => body.length <= TEXT_MAX_CHARACTERS,
      `A text can be at most ${TEXT_MAX_CHARACTERS} characters.`,
    ),
});

phoneRoutes.post(
  '/phone',
  allow(notInProduction),
  throttle('phone-page'),
  validForm(phoneText, async (c, rejected) => {
    const organization = c.get('organization');
    const phone = normalizeMobile(typeof rejected.values.from === 'string' ? rejected.values.from : '');
    return c.html(
      <PhonePage
        {...chrome(c)}
        organization={organization}
        {...rejected}
        phone={phone}
        entries={phone ? await conversation(c.get('deps').db, organization.id, phone) : []}
      />,
      400,
    );
  }),
  async (c) => {
    const organization = c.get('organization');
    const deps = c.get('deps');
    const { from, body } = c.req.valid('form');
    const token = webhookToken(organization, deps.config);
    let failure: string | undefined;
    if (!organization.smsNumber || !token) {
      failure = 'Set the organization’s SMS number under Settings first: texts go to that number.';
    } else {
      // What Twilio would send, signed the way Twilio signs it.
      const url = `${deps.config.publicUrl}${TWILIO_SMS_WEBHOOK_PATH}`;
      const params: Record<string, string> = {
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        AccountSid: organization.twilioAccountSid ?? `AC${'0'.repeat(32)}`,
        From: from,
        To: organization.smsNumber,
        Body: body,
        NumMedia: '0',
      };
      const response = await c.get('selfFetch')(
        new Request(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'X-Twilio-Signature': twilio.getExpectedTwilioSignature(token, url, params),
          },
          body: new URLSearchParams(params).toString(),
        }),
      );
      if (response.status === 200) {
        return c.redirect(`/${organization.code}/phone?from=${encodeURIComponent(from)}`, 303);
      }
      failure = `The webhook answered ${response.status}: ${(await response.text()).slice(0, 200)}`;
    }
    return c.html(
      <PhonePage
        {...chrome(c)}
        organization={organization}
        values={{ from, body }}
        phone={from}
        entries={await conversation(deps.db, organization.id, from)}
        failure={failure}
      />,
      409,
    );
  },
);
