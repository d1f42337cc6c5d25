/**
 * The words carriers and Twilio treat as opt-out, opt-in and help requests (CTIA Messaging
 * Principles; Twilio's default opt-out keywords, with the 2025 additions OPTOUT and REVOKE). A
 * keyword counts only as the whole message, in any case and with any spacing or punctuation
 * around it: "Stop." and " stop " stop; "stop by the lab" does not.
 */
const STOP = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE', 'STOP ALL'];
const START = ['START', 'YES', 'UNSTOP', 'SUBSCRIBE'];
const HELP = ['HELP', 'INFO'];

export type TextKeyword = 'stop' | 'start' | 'help';

const KEYWORDS = new Map<string, TextKeyword>([
  ...STOP.map((word) => [word, 'stop'] as const),
  ...START.map((word) => [word, 'start'] as const),
  ...HELP.map((word) => [word, 'help'] as const),
]);

export function textKeyword(body: string): TextKeyword | null {
  const word = body
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} ]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
  return KEYWORDS.get(word) ?? null;
}
