import { createInterface, type Interface } from 'node:readline';
import { UsageError } from './args';

/** Ctrl-C at a prompt. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

/**
 * Where passwords and confirmations come from. On a terminal: prompts on stderr, passwords
 * hidden. Otherwise (scripts, pipes): one stdin line per answer, in the order asked.
 * Never from arguments or the environment.
 */
export interface Prompter {
  readonly interactive: boolean;
  secret(question: string): Promise<string>;
  line(question: string): Promise<string>;
  close(): void;
}

export function stdioPrompter(): Prompter {
  return process.stdin.isTTY ? new TtyPrompter() : new StdinLines();
}

class StdinLines implements Prompter {
  readonly interactive = false;
  private rl: Interface | null = null;
  private lines: AsyncIterator<string> | null = null;

  async secret(question: string): Promise<string> {
    return this.next(question);
  }

  async line(question: string): Promise<string> {
    return this.next(question);
  }

  private async next(question: string): Promise<string> {
    this.rl ??= createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    this.lines ??= this.rl[Symbol.asyncIterator]();
    const { value, done } = await this.lines.next();
    if (done) throw new UsageError(`Expected a line on stdin for: ${question.replace(/[:\s]+$/, '')}.`);
    return value.replace(/\r$/, '');
  }

  close(): void {
    this.rl?.close();
    process.stdin.destroy();
  }
}

class TtyPrompter implements Prompter {
  readonly interactive = true;

  secret(question: string): Promise<string> {
    return hiddenLine(question);
  }

  line(question: string): Promise<string> {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    return new Promise<string>((resolve, reject) => {
      rl.on('SIGINT', () => {
        rl.close();
        reject(new Interrupted());
      });
      rl.question(question, (answer) => {
        rl.close();
        resolve(answer);
      });
    });
  }

  close(): void {
    process.stdin.pause();
  }
}

/** Read one line in raw mode without echoing it. */
function hiddenLine(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  let value = '';
  return new Promise<string>((resolve, reject) => {
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      if (chunk.startsWith('\u001b')) return; // arrow keys and other escape sequences
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new Interrupted());
        if (ch === '\u0004') {
          if (value === '') return finish(new Interrupted());
          return finish();
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015') value = ''; // Ctrl-U
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
