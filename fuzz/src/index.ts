/**
 * @pgcodec/fuzz: fast-check arbitraries for the whole PostgreSQL protocol,
 * the properties pgcodec is held to, and a runner with a time budget.
 *
 *   arbitraries  frontendMessage(), backendMessage(), messageInput(), stream(), rawFrame(),
 *                chunking(), malformed(), conversation()
 *   properties   PROPERTIES: round-trip, encoder-safety, chunking, differential, robustness, model
 *   runner       runProperties({ budgetMs, seed }), regression cases
 */
export { Values } from './arbitraries/values.js';
export { backendMessage, frontendMessage, messageCases, messageInput, PHASE_FRAMED, type MessageInput, type MessageOptions, type Side } from './arbitraries/messages.js';
export { chunking, chunkingOf, concat, malformed, rawFrame, startupPacket, stream, type Chunking, type Malformed, type Stream, type StreamOptions } from './arbitraries/streams.js';
export { conversation, Conversations, wireOf, type Auth, type ConversationOptions, type Exchange, type Step } from './arbitraries/conversation.js';
export { forbidden } from "./properties/oracle.js";
export { PROPERTIES, chunkingIndependence, differential, encoderSafety, model, ownership, robustness, roundTrip, type FuzzProperty } from './properties/index.js';
export { checkChunking } from './properties/chunking.js';
export { checkDifferential } from './properties/differential.js';
export { checkRobustness, type Pull } from './properties/robustness.js';
export { decoderFor, transcript, projection, shape, WIRE_LIMITS, type DecoderSpec, type StreamCase, type ReadPath, type Event, type Projection } from './properties/support.js';
export { runProperties, replayProperty, selectProperties, type PropertyReport, type RunOptions } from './runner.js';
export { loadRegressions, regressionOf, replayRegression, type Regression } from './regressions.js';
export { defaultPg, type Pg } from './pg.js';
