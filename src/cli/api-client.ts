/** A small client of a running Tributary, for the CLI commands that drive one. */
export interface ApiResponse {
  status: number;
  body: any;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Like call, but a non-2xx answer is an error naming DR's error code. */
  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const response = await this.call(method, path, body);
    if (response.status >= 300) {
      const error = response.body?.errors?.[0];
      throw new Error(
        `${method} ${path} answered ${response.status} ${error?.code ?? ''}: ${error?.message ?? ''}`,
      );
    }
    return response.body;
  }
}

export interface ConnectionFlags {
  apiUrl?: string | undefined;
  key?: string | undefined;
}

export function clientFrom(flags: ConnectionFlags, env: Record<string, string | undefined>): ApiClient {
  const key = flags.key ?? env['TRIBUTARY_SECRET_KEY'];
  if (!key) throw new Error('give a secret key with --key or TRIBUTARY_SECRET_KEY');
  const url = (flags.apiUrl ?? env['TRIBUTARY_API_URL'] ?? 'http://localhost:8080').replace(/\/$/, '');
  return new ApiClient(url, key);
}
