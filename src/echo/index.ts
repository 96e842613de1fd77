// The echo test backend (`sidelane echo`): answers every request with what it received, on
// HTTP/1.1, h2c, gRPC and WebSocket. It knows nothing of the mesh; tests and users point at it.
export { startEcho, type EchoOptions, type EchoServer } from './server.js';
export { parseListenAddress, httpUrl, type ListenAddress } from '../shared/listen-address.js';
export type { RequestLog, RequestOutcome } from './context.js';
export type { EchoControls } from './controls.js';
export type { BodyDigest, EchoRequestInfo, GrpcEchoReport, HttpEchoReport } from './report.js';
export { FILLER_ALPHABET, fillerBytes } from './filler.js';
export { GRPC_MESSAGE_LIMIT } from './grpc-echo.js';
export { WEBSOCKET_FRAME_LIMIT } from './websocket.js';
