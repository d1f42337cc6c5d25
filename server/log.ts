import type { Config } from './config';

export type LogLevel = Config['LOG_LEVEL'];

/** Rounds' own messages, filtered by LOG_LEVEL. Passed in like any dependency. */
export interface Log {
  debug(message: string, error?: unknown): void;
  info(message: string, error?: unknown): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

const ORDER: LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function createLog(level: LogLevel, sink: Pick<Console, 'log' | 'error'> = console): Log {
  const threshold = ORDER.indexOf(level);
  const at =
    (messageLevel: LogLevel) =>
    (message: string, error?: unknown): void => {
      if (ORDER.indexOf(messageLevel) < threshold) return;
      const line = `[rounds] ${messageLevel === 'info' ? '' : `${messageLevel}: `}${message}`;
      const write = messageLevel === 'warn' || messageLevel === 'error' ? sink.error : sink.log;
      if (error === undefined) write(line);
      else write(line, error);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The Temporal SDK's name for the same level, so the worker's own logs follow LOG_LEVEL too. */
export function temporalLogLevel(level: LogLevel): 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' {
  return level.toUpperCase() as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}
