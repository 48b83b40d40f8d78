/** An error as the contract shapes it: an HTTP status and `{ "error": { "code", "message", "field"? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): { error: { code: string; message: string; field?: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
      },
    };
  }
}

export const invalid = (field: string, message: string): ApiError =>
  new ApiError(400, 'invalid', message, field);

export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);
