/**
 * Test helper: what code prints with `console.log`, as lines (the arguments of each call joined by
 * spaces), with the console restored afterwards even when the code throws.
 */

function startCapture(): { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.join(' '));
  };
  return { lines, stop: () => (console.log = original) };
}

/** Runs `body` with `console.log` captured and returns the lines it printed. */
export function captureLog(body: () => void): string[] {
  const capture = startCapture();
  try {
    body();
  } finally {
    capture.stop();
  }
  return capture.lines;
}

/** Runs the async `body` with `console.log` captured; returns its result and the lines it printed. */
export async function captureLogAsync<T>(body: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const capture = startCapture();
  try {
    return { result: await body(), lines: capture.lines };
  } finally {
    capture.stop();
  }
}
