/** @module Interface theater:simple/http-client **/
export function sendHttp(req: HttpRequest): HttpResponse;
export type HttpRequest = import('./theater-simple-http-types.js').HttpRequest;
export type HttpResponse = import('./theater-simple-http-types.js').HttpResponse;
