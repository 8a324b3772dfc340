/**
 * @pgcodec/fuzz: fast-check arbitraries for the whole PostgreSQL protocol,
 * the properties pgcodec is held to, and a runner with a time budget.
 *
 *   arbitraries  frontendMessage(), backendMessage(), messageInput(), stream(), rawFrame(),
 *                chunking(), malformed(), conversation()
 *   properties   PROPERTIES: round-trip, encoder-safety, chunking, differential, robustness, ownership, model
 *   runner       runProperties({ budgetMs, seed }), regression cases
 *   live         fuzzTarget({ host, port, cred, minutes }) for servers and proxies,
 *                serve({ port }) — a hostile server for clients; replays of both
 */
export { Values } from './arbitraries/values.js';
export { backendMessage, frontendMessage, messageCases, messageInput, PHASE_FRAMED, type MessageInput, type MessageOptions, type Side } from './arbitraries/messages.js';
export { chunking, chunkingOf, concat, malformed, mutate, MUTATIONS, rawFrame, startupPacket, stream, type Chunking, type Malformed, type Stream, type StreamOptions } from './arbitraries/streams.js';
export { conversation, Conversations, wireOf, type Auth, type ConversationOptions, type Exchange, type Step } from './arbitraries/conversation.js';
export { forbidden, ORDERED_TYPES } from './properties/oracle.js';
export { PROPERTIES, chunkingIndependence, differential, encoderSafety, model, ownership, robustness, roundTrip, type FuzzProperty } from './properties/index.js';
export { checkChunking } from './properties/chunking.js';
export { checkDifferential } from './properties/differential.js';
export { checkRobustness, type Pull } from './properties/robustness.js';
export { checkOwnership, type Keep } from './properties/ownership.js';
export { decoderFor, transcript, projection, shape, WIRE_LIMITS, type DecoderSpec, type StreamCase, type ReadPath, type Event, type Projection } from './properties/support.js';
export { runProperties, replayProperty, selectProperties, type PropertyReport, type RunOptions } from './runner.js';
export { loadRegressions, regressionOf, replayRegression, type Regression } from './regressions.js';
export { defaultPg, type Pg } from './pg.js';
export { fuzzTarget, formatTargetReport, replayTargetFinding, type TargetFinding, type TargetOptions, type TargetReport } from './live/target.js';
export { runSession, probeHealth, FINDINGS, type Outcome, type SessionResult, type Target } from './live/session.js';
export { plan, PROBE, type Plan, type PlanKind } from './live/plans.js';
export { explain } from './live/explain.js';
export { serve, replayServe, type HostileServer, type ServeOptions, type ServeRecord } from './live/serve.js';
export { SCENARIOS, scenarioNamed, type Scenario } from './live/scenarios.js';
export { login, LoginRefused, PeerConnection, type Credentials } from './live/login.js';
export { Peer } from './live/peer.js';
export { loopbackAddress, hostPort } from './live/loopback.js';
export { observed, unreached } from './observed.js';
