/** An error as Graph returns it: an HTTP status and `{ "error": { "code", "message", "innerError" } }`. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export const notFound = (message = 'The specified object was not found in the store.'): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', message);

export const badRequest = (message: string, code = 'ErrorInvalidRequest'): GraphError =>
  new GraphError(400, code, message);
