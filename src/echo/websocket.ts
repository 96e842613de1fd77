// The WebSocket echo after the handshake: every data frame goes back with the same opcode and
// FIN bit (so fragmentation is visible end to end), pings get pongs, a close is answered with
// the same close code and then the connection ends.
import type { Socket } from 'node:net';
import {
  closePayload,
  encodeFrame,
  Opcode,
  WebSocketFrameReader,
  WebSocketProtocolError,
  type WebSocketFrame,
} from './websocket-frames.js';

export const WEBSOCKET_FRAME_LIMIT = 64 * 1024 * 1024;

export function serveWebSocketEcho(socket: Socket, head: Buffer): void {
  const reader = new WebSocketFrameReader(WEBSOCKET_FRAME_LIMIT);
  let closing = false;

  const send = (frame: Buffer): void => {
    // Echoing is reading and writing at the same pace: stop reading while the peer is not reading.
    if (!socket.write(frame)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  };
  const close = (payload: Buffer): void => {
    closing = true;
    socket.end(encodeFrame(true, Opcode.Close, payload));
  };
  /** False once the conversation is over. */
  const answer = (frame: WebSocketFrame): boolean => {
    if (frame.opcode === Opcode.Close) {
      close(frame.payload.length >= 2 ? frame.payload.subarray(0, 2) : Buffer.alloc(0));
      return false;
    }
    if (frame.opcode === Opcode.Ping) {
      send(encodeFrame(true, Opcode.Pong, frame.payload));
    } else if (frame.opcode !== Opcode.Pong) {
      send(encodeFrame(frame.fin, frame.opcode, frame.payload));
    }
    return true;
  };
  const receive = (chunk: Buffer): void => {
    if (closing) return;
    try {
      for (const frame of reader.push(chunk)) {
        if (!answer(frame)) return;
      }
    } catch (error) {
      if (!(error instanceof WebSocketProtocolError)) throw error;
      close(closePayload(error.code));
    }
  };

  socket.on('error', () => socket.destroy());
  socket.on('data', receive);
  if (head.length > 0) receive(head);
}
