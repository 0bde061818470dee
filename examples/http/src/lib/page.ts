/** The example's HTML page (shared with the benchmark's bare baseline server, so both answer the same bytes). */
export function page(visits: number): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Theater http example</title></head>
<body>
<h1>Hello from a Theater actor</h1>
<p>This page is served by a WebAssembly actor. You are visitor number <strong id="visits">${visits}</strong>.</p>
<p>Every visit is an operation in the actor's event chain. The count as JSON: <a href="/api/count">/api/count</a>.</p>
</body>
</html>
`;
}
