import { readFileSync } from 'node:fs';

/** The exact source infra deploys as the viewer-request CloudFront Function. */
export const cloudFrontFunctionSource = readFileSync(new URL('./cloudfront-function.js', import.meta.url), 'utf8');

type Rewrite = { uri: string; status?: undefined } | { status: number; uri?: undefined };
export interface CloudFrontFunctionResult {
  uri?: string;
  statusCode?: number;
  statusDescription?: string;
  headers?: Record<string, { value: string }>;
}
type Handler = (event: { request: { uri: string; method?: string } }) => Promise<CloudFrontFunctionResult>;

// The deployed file has no exports (CloudFront Functions are plain scripts), so the local edge
// evaluates that very source rather than a copy.
const loaded = new Function(`${cloudFrontFunctionSource}\nreturn { rewrite, handler };`)() as {
  rewrite: (uri: string) => Rewrite;
  handler: Handler;
};

export const rewriteUri = loaded.rewrite;
export const cloudFrontHandler = loaded.handler;
