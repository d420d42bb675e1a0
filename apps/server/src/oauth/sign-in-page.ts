import { createHash } from 'node:crypto';

// The sign-in page: server-rendered, no script, no external asset. Its one stylesheet is inline and allowed by hash in
// the Content-Security-Policy, so nothing else can run or load.

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
main{width:100%;max-width:24rem;margin:1rem;padding:2rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{margin:0 0 .25rem;font-size:1.5rem}
p.app{margin:0 0 1.5rem;color:#4b5563}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;padding:.625rem .75rem;font:inherit;border:1px solid #6b7280;border-radius:.375rem}
input:focus{outline:3px solid #2563eb;outline-offset:1px;border-color:#2563eb}
button{width:100%;margin-top:1.5rem;padding:.75rem;font:inherit;font-weight:600;color:#fff;background:#1d4ed8;border:0;border-radius:.375rem;cursor:pointer}
button:hover,button:focus{background:#1e40af}
button:focus{outline:3px solid #93c5fd;outline-offset:2px}
.alert{margin:0 0 1rem;padding:.75rem 1rem;color:#7f1d1d;background:#fee2e2;border:1px solid #fca5a5;border-radius:.375rem}
`.trim();

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Headers of every page: nothing external, no framing, no referrer, no caching. `form-action` allows this server and
 * the client's redirect origin, because browsers apply it to the redirect that follows the form post too.
 */
export function pageHeaders(redirectOrigin: string | null): Record<string, string> {
  const formAction = ["'self'", ...(redirectOrigin ? [redirectOrigin] : [])].join(' ');
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${content}
</main>
</body>
</html>
`;
}

export interface SignInPageInput {
  appName: string;
  requestId: string;
  username?: string;
  error?: string;
}

/** The sign-in form. The POST carries the pending request's id, never loose OAuth parameters. */
export function signInPage(input: SignInPageInput): string {
  const alert = input.error ? `<p class="alert" role="alert" id="sign-in-error">${escapeHtml(input.error)}</p>\n` : '';
  const described = input.error ? ' aria-describedby="sign-in-error"' : '';
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p class="app">to continue to ${escapeHtml(input.appName)}</p>
${alert}<form method="post" action="/oauth/authorize" novalidate>
<input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="200" value="${escapeHtml(input.username ?? '')}"${described}${input.error ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200"${described}${input.error ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** A page for errors that must not be redirected (unknown client, unregistered redirect URI, expired request). */
export function errorPage(message: string): string {
  return layout('Sign-in error', `<h1>Sign-in error</h1>\n<p class="alert" role="alert">${escapeHtml(message)}</p>`);
}
