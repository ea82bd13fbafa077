// Line endings on the wire: mail bodies travel and are stored with CRLF line endings only.

const CR = 0x0d;
const LF = 0x0a;

/** True when `data` holds a CR not followed by LF or an LF not preceded by CR. */
export function hasBareLineEnding(data: Buffer): boolean {
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === CR) {
      if (data[i + 1] !== LF) return true;
      i++; // the LF of this CRLF
    } else if (c === LF) return true;
  }
  return false;
}

const bareLineEnding = /\r(?!\n)|(?<!\r)\n/;

/** `text` with every bare CR and bare LF turned into CRLF (CRLF pairs are kept as they are). */
export function toCrlf(text: string): string {
  return bareLineEnding.test(text) ? text.replace(/\r\n|\r|\n/g, '\r\n') : text;
}
