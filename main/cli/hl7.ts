// `npm run --silent smsp -- hl7 parse FILE`: prints one Spine message (bare HL7, SOAP envelope,
// ebXML multipart body, or a whole captured HTTP message) as the JSON shape of issue 3. Exit 0 on
// success; unreadable or unparseable input → one line on stderr, exit 2.
import { readFile, stat } from 'node:fs/promises';
import { describeMessage, MAX_MESSAGE_BYTES, parseAny } from '../hl7/index';

const USAGE = 'usage: smsp hl7 parse FILE';

function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

export async function run(args: string[]): Promise<number> {
  const [command, file, ...rest] = args;
  if (command !== 'parse' || !file || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    const info = await stat(file);
    // Why: the 5 MB Spine limit also bounds what we read (a whole HTTP capture adds headers).
    if (info.size > MAX_MESSAGE_BYTES + 64 * 1024) {
      throw new Error(`${file} is larger than the 5 MB Spine message limit`);
    }
    const text = await readFile(file, 'utf8');
    const json = describeMessage(parseAny(text));
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`hl7 parse: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return 2;
  }
}
