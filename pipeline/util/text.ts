const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode strict UTF-8 (a BOM is dropped); undefined for invalid bytes or a NUL. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  return text.includes('\u0000') ? undefined : text;
}
