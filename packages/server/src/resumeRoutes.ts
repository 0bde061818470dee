/** `POST /v1/resume`: bring back the actors a stop or crash of the server interrupted. */
import type { FastifyInstance } from 'fastify';
import { actorViewSchema, errorResponses } from './routeSchemas.js';
import type { ResumeOutcome } from './resumeActors.js';
import type { ServerContext } from './serverContext.js';

const resumeSchema = {
  summary: 'Resume every actor that was running when the server last stopped or was killed, parents first',
  response: {
    200: {
      type: 'object',
      properties: {
        resumed: { type: 'array', items: actorViewSchema },
        failed: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
    ...errorResponses,
  },
} as const;

export function resumeRoutes(app: FastifyInstance, context: ServerContext, resume: () => Promise<ResumeOutcome>): void {
  // One resume at a time: a second caller waits for the first and then finds nothing left to do.
  let running: Promise<unknown> = Promise.resolve();
  app.post('/v1/resume', { schema: resumeSchema }, async () => {
    const outcome = running.then(resume, resume);
    running = outcome.catch(() => {});
    const { resumed, failed } = await outcome;
    return { resumed: await Promise.all(resumed.map((id) => context.view(id))), failed };
  });
}
