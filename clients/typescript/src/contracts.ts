import type { components } from './generated/openapi.js';

type Schemas = components['schemas'];

/** The service's records, as its OpenAPI document (openapi.json) defines them. */
export type MessageList = Schemas['MessageList'];
export type ChatMessage = MessageList['messages'][number];
export type Attachment = ChatMessage['attachments'][number];
export type PostMessageResult = Schemas['PostMessageResult'];
export type MarkReadResult = Schemas['MarkReadResult'];
export type MessageChange = Schemas['MessageChange'];
export type MessageAudit = Schemas['MessageAudit'];
export type TypingResult = Schemas['TypingResult'];
export type MachineUpdates = Schemas['MachineUpdates'];
export type MachineSession = Schemas['MachineSessionView'];
export type MachineEnrollment = Schemas['MachineEnrollment'];
export type HeartbeatResult = Schemas['HeartbeatResult'];
export type AgentSession = Schemas['AgentSessionView'];
export type StartSessionResult = Schemas['StartSessionResult'];
export type TicketSession = Schemas['TicketSessionView'];
export type ChatHistory = Schemas['ChatHistory'];
export type OkResult = Schemas['OkResult'];
export type UploadTicket = Schemas['UploadTicket'];
export type NegotiateResult = Schemas['NegotiateResult'];
export type PostMessageRequest = Schemas['PostMessageRequest'];
