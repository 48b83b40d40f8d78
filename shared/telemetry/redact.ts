/**
 * Credentials masked by what they look like, wherever they are in a text: a log line's field whose name
 * says nothing (`error`, `reason`, `url`) can still hold an error message that echoes a request URL with
 * its SAS signature, an `Authorization` header, or a token endpoint's answer.
 */

export const REDACTED = '[redacted]';

/** Query, form and connection-string parameters (`name=value`) whose values are credentials. */
const PARAMETERS = [
  'code',
  'sig',
  'signature',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'client_assertion',
  'secret',
  'password',
  'passwd',
  'pwd',
  'key',
  'api_?key',
  'accountkey',
  'sharedaccesskey',
  'sharedaccesssignature',
  'clientstate',
];

/** Headers and `name: value` pairs whose values are credentials. */
const HEADERS = [
  'authorization',
  'proxy-authorization',
  'x-functions-key',
  'x-api-key',
  'api-key',
  'ocp-apim-subscription-key',
  'cookie',
  'set-cookie',
  'password',
  'client_secret',
  'clientstate',
];

const alternatives = (names: string[]): string => names.join('|');
const NOT_MASKED_YET = `(?!${REDACTED.replace(/[[\]]/g, '\\$&')})`;

const PATTERNS: [RegExp, string][] = [
  // `Authorization: Bearer …`, `SharedKey account:…`, `Basic dXNlcjpwYXNz`: any scheme's credentials.
  [/\b(Bearer|SharedKey|SharedAccessSignature)\s+(?!\[redacted\])[\w.~+/=:%-]+/gi, `$1 ${REDACTED}`],
  [/\bBasic\s+[A-Za-z0-9+/]{8,}={0,2}/g, `Basic ${REDACTED}`],
  // A JWT (header.payload.signature, base64url; a JSON header always starts `{"`, so `eyJ`).
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, REDACTED],
  // `"client_secret": "…"` in JSON text (an error quoting a request or an answer body).
  [
    new RegExp(
      `("(?:${alternatives([...PARAMETERS, ...HEADERS])})"\\s*:\\s*)"${NOT_MASKED_YET}(?:[^"\\\\]|\\\\.)*"`,
      'gi',
    ),
    `$1"${REDACTED}"`,
  ],
  // `?code=…&sig=…`, `AccountKey=…;`, `password=…`.
  [
    new RegExp(`(^|[^\\w-])(${alternatives(PARAMETERS)})=${NOT_MASKED_YET}[^&;\\s"',}]+`, 'gi'),
    `$1$2=${REDACTED}`,
  ],
  // `Authorization: …`, `x-functions-key: …` in a header dump (to the end of the value).
  [
    new RegExp(`(^|[^\\w-])(${alternatives(HEADERS)})(\\s*:\\s*)${NOT_MASKED_YET}[^\\r\\n,;"'}]+`, 'gi'),
    `$1$2$3${REDACTED}`,
  ],
  // Credentials in a URL's userinfo: `https://user:password@host`. Each part bounded, so a long run of
  // letters and dots cannot make the scan quadratic.
  [/\b([a-z][a-z0-9+.-]{0,15}:\/\/[^/\s:@]{1,256}):[^@\s/]{1,256}@/gi, `$1:${REDACTED}@`],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
