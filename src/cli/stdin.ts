/**
 * @module cli/stdin
 * Reading stdin: all of it (for `--file -`), or its first line (a password in scripts).
 */
export async function readAll(input: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The first line of a non-terminal stdin; '' when it ends before any text. */
export function readFirstLine(input: NodeJS.ReadStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const finish = (line: string) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      // Stop reading so a still-open pipe does not keep the process alive.
      input.pause();
      input.unref?.();
      resolve(line.replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) finish(buffered.slice(0, newline));
    };
    const onEnd = () => finish(buffered);
    const onError = (error: Error) => reject(error);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
  });
}
