/** The scripted fake chat-completions server the agent tests and demos run against, spoken to over real HTTP. */
import { describe, expect, it } from 'vitest';
import { startFakeLlmServer, type ChatRequest, type FakeLlmServer } from '@theater/test-actors';

const KEY = 'sk-fake';

async function post(
  llm: FakeLlmServer,
  body: unknown,
  options: { key?: string | null; path?: string } = {},
): Promise<{ status: number; text: string }> {
  const key = options.key === undefined ? KEY : options.key;
  const response = await fetch(`http://${llm.host}${options.path ?? '/v1/chat/completions'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const question: ChatRequest = {
  model: 'fake-model',
  messages: [{ role: 'user', content: 'What time is it? Note it.' }],
  tools: [{ type: 'function', function: { name: 'now', description: 'the time', parameters: { type: 'object', properties: {} } } }],
};

describe('startFakeLlmServer', () => {
  it('answers from a list of replies: tool calls with JSON-text arguments, then content, in order', async () => {
    await using llm = await startFakeLlmServer({
      apiKey: KEY,
      script: [{ toolCalls: [{ name: 'now' }, { name: 'note', arguments: { text: 'late' } }] }, { content: 'It is late; noted.' }],
    });
    expect(llm.baseUrl).toBe(`http://127.0.0.1:${llm.port}/v1`);
    const first = JSON.parse((await post(llm, question)).text) as Record<string, unknown>;
    expect(first).toEqual({
      id: 'chatcmpl-fake-0',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'fake-model',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_0_0', type: 'function', function: { name: 'now', arguments: '{}' } },
              { id: 'call_0_1', type: 'function', function: { name: 'note', arguments: '{"text":"late"}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: expect.objectContaining({ prompt_tokens: expect.any(Number) }),
    });
    const second = JSON.parse((await post(llm, question)).text) as { choices: unknown[] };
    expect(second.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'It is late; noted.' }, finish_reason: 'stop' }]);
    expect(llm.requests.map((request) => [request.status, request.authorization, request.body?.model])).toEqual([
      [200, `Bearer ${KEY}`, 'fake-model'],
      [200, `Bearer ${KEY}`, 'fake-model'],
    ]);
    expect(llm.requests[0]!.body).toEqual(question);
  });

  it('answers the same request with the same bytes every run', async () => {
    const run = async (): Promise<string[]> => {
      await using llm = await startFakeLlmServer({ script: [{ toolCalls: [{ name: 'now' }] }, { content: 'done' }] });
      return [(await post(llm, question)).text, (await post(llm, question)).text];
    };
    expect(await run()).toEqual(await run());
  });

  it('answers from a function of the request and its index', async () => {
    await using llm = await startFakeLlmServer({
      script: (request, index) => {
        const last = request.messages.at(-1);
        return last?.role === 'tool'
          ? { content: `tool said ${last.content ?? ''} (${index})` }
          : { toolCalls: [{ name: 'now', id: 'fixed' }] };
      },
    });
    const asked = JSON.parse((await post(llm, question)).text) as { choices: [{ message: { tool_calls: [{ id: string }] } }] };
    expect(asked.choices[0].message.tool_calls[0].id).toBe('fixed');
    const answered = await post(llm, {
      ...question,
      messages: [...question.messages, { role: 'tool', tool_call_id: 'fixed', content: '12:00' }],
    });
    expect(JSON.parse(answered.text)).toMatchObject({ choices: [{ message: { content: 'tool said 12:00 (1)' }, finish_reason: 'stop' }] });
  });

  it('refuses a missing or wrong bearer token with 401, and records the attempt', async () => {
    await using llm = await startFakeLlmServer({ apiKey: KEY, script: [{ content: 'never' }] });
    for (const key of [null, 'sk-wrong']) {
      const refused = await post(llm, question, { key });
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text)).toEqual({
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      });
    }
    expect(llm.requests.map((request) => [request.status, request.authorization])).toEqual([
      [401, undefined],
      [401, 'Bearer sk-wrong'],
    ]);
    // Refusals use no reply of the script.
    expect(JSON.parse((await post(llm, question)).text)).toMatchObject({ choices: [{ message: { content: 'never' } }] });
  });

  it('answers another path with 404, a body that is not a chat request with 400, a scripted error and an exhausted script with their statuses', async () => {
    await using llm = await startFakeLlmServer({ script: [{ status: 429, error: 'slow down' }] });
    expect((await post(llm, question, { path: '/v1/models' })).status).toBe(404);
    expect((await post(llm, 'not json')).status).toBe(400);
    expect((await post(llm, { model: 'm' })).status).toBe(400);
    expect((await post(llm, { ...question, stream: true })).status).toBe(400);
    const limited = await post(llm, question);
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.text)).toMatchObject({ error: { message: 'slow down' } });
    const exhausted = await post(llm, question);
    expect(exhausted.status).toBe(500);
    expect(JSON.parse(exhausted.text)).toMatchObject({ error: { message: 'the script has no reply for request 1' } });
    expect(llm.requests.map((request) => request.status)).toEqual([404, 400, 400, 400, 429, 500]);
  });

  it('stops listening when closed', async () => {
    const llm = await startFakeLlmServer({ script: [] });
    await llm.close();
    await llm.close();
    await expect(post(llm, question)).rejects.toThrow();
  });
});
