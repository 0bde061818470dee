/** The frames of the channel WebSocket (`/v1/actors/:id/channel`), and how a client's frame is read. */
import { BASE64, fromBase64 } from './payloadBody.js';

/** A frame the client sends, its bytes decoded. */
export type ChannelClientFrame =
  | { readonly type: 'open'; readonly message: Uint8Array }
  | { readonly type: 'message'; readonly message: Uint8Array }
  | { readonly type: 'close' };

/** A frame the server sends (see `ChannelServerFrame` in @theater/client). */
export type ChannelServerFrame =
  | { readonly type: 'opened'; readonly channelId: string; readonly welcome: string | null }
  | { readonly type: 'message'; readonly base64: string }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly error: { readonly code: string; readonly message: string } };

/** A client frame from the socket's text, or why it is not one (answered as an `invalid-request` error frame). */
export function parseChannelFrame(data: string): { readonly frame: ChannelClientFrame } | { readonly problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { problem: 'a channel frame must be a JSON object' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'a channel frame must be a JSON object' };
  const { type, base64 } = value as Record<string, unknown>;
  if (type === 'close') return { frame: { type } };
  if (type !== 'open' && type !== 'message')
    return { problem: `unknown channel frame type ${JSON.stringify(type)} (expected open, message or close)` };
  if (typeof base64 !== 'string' || !BASE64.test(base64)) return { problem: `a ${type} frame needs base64, the message's bytes in base64` };
  return { frame: { type, message: fromBase64(base64) } };
}
