// The shapes every board request shares, in their own file so the client, the auth layer and the
// redirect rule can all name them without importing each other.
import type http from 'node:http';

export interface Target {
  host: string;
  port: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
