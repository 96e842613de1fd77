// Tells an HTTP/2 (prior knowledge, h2c) connection from an HTTP/1 one by its first bytes: the
// HTTP/2 connection preface. The preface may arrive split over several reads.

export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** 'undecided' while the bytes so far are a proper prefix of the preface. */
export function sniffProtocol(bytes: Buffer): 'http2' | 'http1' | 'undecided' {
  const compared = Math.min(bytes.length, HTTP2_PREFACE.length);
  if (!bytes.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared))) return 'http1';
  return compared === HTTP2_PREFACE.length ? 'http2' : 'undecided';
}
