// The lines of an NDJSON file as the verifier reads them: exactly the lines Node's readline gives
// (`\n`, `\r\n` and a lone `\r` end a line, also across chunk boundaries; a last line without an
// ending counts unless empty; bytes of an unfinished UTF-8 character at the very end are dropped),
// but a chunk's worth of lines at a time, so the walk takes each line without an asynchronous
// step of its own (readline's per-line iteration cost about a tenth of the walk).
import { StringDecoder } from 'node:string_decoder';

const lineEnd = /\r\n|\n|\r/;

export async function* ndjsonLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<readonly string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  /** The text so far ended with `\r`: a `\n` starting the next chunk belongs to that ending. */
  let afterReturn = false;
  for await (const chunk of chunks) {
    let text = rest + decoder.write(chunk);
    if (afterReturn && text.startsWith('\n')) text = text.slice(1);
    afterReturn = text.endsWith('\r');
    const lines = text.includes('\r') ? text.split(lineEnd) : text.split('\n');
    rest = lines.pop() as string;
    if (lines.length > 0) yield lines;
  }
  if (rest !== '') yield [rest];
}
