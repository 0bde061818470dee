/** JSON Schemas shared by the routes: they validate requests, shape responses and make the OpenAPI description. */
import type { FastifyInstance } from 'fastify';

/** `:id`: a full actor id or a unique prefix of at least 4 characters. */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128, description: 'An actor id, or a unique prefix of at least 4 characters' },
  },
} as const;

export const actorViewSchema = {
  type: 'object',
  required: ['id', 'name', 'status', 'parentId', 'componentHash', 'startedAt', 'uptimeMs'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: ['starting', 'running', 'stopping', 'stopped', 'failed'] },
    parentId: { type: ['string', 'null'] },
    componentHash: { type: 'string' },
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    uptimeMs: { type: ['number', 'null'] },
    failure: { type: 'object', properties: { reason: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

/** `{ error: { code, message, … }, requestId }`. */
const errorSchema = {
  type: 'object',
  required: ['error', 'requestId'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      additionalProperties: true,
    },
    requestId: { type: 'string' },
  },
} as const;

/** The failures any route may answer. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

/** Shared schemas referenced by `$ref` (`TreeNode#`). */
export function addSharedSchemas(app: FastifyInstance): void {
  app.addSchema({
    $id: 'TreeNode',
    type: 'object',
    required: ['actor', 'children'],
    properties: { actor: actorViewSchema, children: { type: 'array', items: { $ref: 'TreeNode#' } } },
  });
}
