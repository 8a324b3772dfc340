/**
 * What the protocol plainly forbids, judged from a valid conversation's
 * prefix without pgcodec's tables: a second opinion for the model, so a
 * rule wrong in the shared table (which both state machines would apply
 * alike, agreeing with each other) is still caught. Deliberately
 * conservative — only orders no server or client may produce:
 *
 *   during authentication   the client sends no query or extended-query message
 *                           (the server reads only password / SASL answers there)
 *   when idle               the server sends no answer: nothing of the query
 *                           cycle, no COPY message, no ReadyForQuery
 *   after the first RFQ     the server sends no Authentication request,
 *                           BackendKeyData or NegotiateProtocolVersion
 *   after it ended          (CancelRequest, FATAL, Terminate) nothing more,
 *                           but a repeated Terminate (pg_basebackup sends two)
 */
import type { ErrorResponse } from 'pgcodec';
import type { Step } from '../arbitraries/conversation.js';

const CLIENT_QUERY_CYCLE = new Set(['Query', 'Parse', 'Bind', 'Describe', 'Execute', 'Close', 'Sync', 'Flush', 'FunctionCall']);
const EXTENDED = new Set(['Parse', 'Bind', 'Describe', 'Execute', 'Close', 'Flush']);
const SERVER_ANSWERS = new Set([
  'ParseComplete',
  'BindComplete',
  'CloseComplete',
  'NoData',
  'ParameterDescription',
  'RowDescription',
  'DataRow',
  'CommandComplete',
  'EmptyQueryResponse',
  'PortalSuspended',
  'CopyInResponse',
  'CopyOutResponse',
  'CopyBothResponse',
  'CopyData',
  'CopyDone',
  'FunctionCallResponse',
  'ReadyForQuery',
]);
/** The messages whose order the oracle judges (the probes lean to them). */
export const ORDERED_TYPES: readonly string[] = [...CLIENT_QUERY_CYCLE, ...SERVER_ANSWERS, 'BackendKeyData', 'AuthenticationOk', 'AuthenticationCleartextPassword', 'NegotiateProtocolVersion'];

const SERVER_STARTUP_ONLY = (type: string) => type.startsWith('Authentication') || type === 'BackendKeyData' || type === 'NegotiateProtocolVersion';

/** Whether `from` sending `type` after `prefix` (a valid conversation's first steps) is an order the protocol forbids. */
export function forbidden(prefix: readonly Step[], from: 'client' | 'server', type: string): boolean {
  let started = false;
  let authenticating = false;
  let ready = false;
  let ended = false;
  let awaiting = 0;
  let unsynced = 0;
  for (const { from: who, message: m } of prefix) {
    const t = m.type;
    if (t === 'CancelRequest' || t === 'Terminate') ended = true;
    else if (t === 'ErrorResponse' && ['FATAL', 'PANIC'].includes((m as ErrorResponse).severity ?? '')) ended = true;
    else if (t === 'StartupMessage') started = authenticating = true;
    else if (t === 'AuthenticationOk') authenticating = false;
    else if (who === 'server' && t === 'ReadyForQuery') {
      if (ready) awaiting--;
      ready = true;
    } else if (who === 'client' && ready) {
      if (t === 'Query' || t === 'FunctionCall' || t === 'Sync') awaiting++;
      if (t === 'Sync') unsynced = 0;
      else if (EXTENDED.has(t)) unsynced++;
    }
  }
  if (ended) return !(from === 'client' && type === 'Terminate');
  if (from === 'client') return started && authenticating && CLIENT_QUERY_CYCLE.has(type);
  if (ready && SERVER_STARTUP_ONLY(type)) return true;
  return ready && awaiting === 0 && unsynced === 0 && SERVER_ANSWERS.has(type);
}
