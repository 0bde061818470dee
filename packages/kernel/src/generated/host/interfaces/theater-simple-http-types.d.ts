/** @module Interface theater:simple/http-types **/
export type Bytes = Uint8Array;
export interface HttpRequest {
  method: string,
  uri: string,
  headers: Array<[string, string]>,
  body?: Bytes,
}
export interface HttpResponse {
  status: number,
  headers: Array<[string, string]>,
  body?: Bytes,
}
export interface TlsConfig {
  certPath: string,
  keyPath: string,
}
export interface ServerConfig {
  port?: number,
  host?: string,
  tlsConfig?: TlsConfig,
}
export interface ServerInfo {
  id: bigint,
  port: number,
  host: string,
  running: boolean,
  routesCount: number,
  middlewareCount: number,
  websocketEnabled: boolean,
}
export interface MiddlewareResult {
  proceed: boolean,
  request: HttpRequest,
}
