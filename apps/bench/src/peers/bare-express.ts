import express from 'express';

// The floor for "GET one object": Express 5 answering the same JSON from memory, with no validation,
// no authentication and no database.
const port = Number(process.argv[2] ?? 0);
const body = JSON.parse(process.argv[3] ?? '{}') as unknown;
const app = express();
app.get('/object', (_req, res) => {
  res.json(body);
});
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.listen(port, '127.0.0.1');
