import { CloudfrontCachePolicy } from '@cdktn/provider-aws/lib/cloudfront-cache-policy/index.js';
import { CloudfrontConnectionGroup } from '@cdktn/provider-aws/lib/cloudfront-connection-group/index.js';
import { CloudfrontFunction } from '@cdktn/provider-aws/lib/cloudfront-function/index.js';
import { CloudfrontMultitenantDistribution } from '@cdktn/provider-aws/lib/cloudfront-multitenant-distribution/index.js';
import { CloudfrontOriginAccessControl } from '@cdktn/provider-aws/lib/cloudfront-origin-access-control/index.js';
import { CloudfrontOriginRequestPolicy } from '@cdktn/provider-aws/lib/cloudfront-origin-request-policy/index.js';
import { CloudfrontResponseHeadersPolicy } from '@cdktn/provider-aws/lib/cloudfront-response-headers-policy/index.js';
import type { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket/index.js';
import { S3BucketCorsConfiguration } from '@cdktn/provider-aws/lib/s3-bucket-cors-configuration/index.js';
import { S3BucketPolicy } from '@cdktn/provider-aws/lib/s3-bucket-policy/index.js';
import { tenantParameterName } from '@upstate/aws';
import { cloudFrontFunctionSource, corsHeaders, embedFramePrefix, securityHeaders } from '@upstate/edge';
import { Construct } from 'constructs';

/** Hashed theme assets never change under a name: cached for a year. */
export const assetTtlSeconds = 31_536_000;
/** Pages and JSON: every publish invalidates them; this only bounds staleness if an invalidation is lost. */
export const pageTtl = { min: 0, default: 60, max: 300 };

/**
 * Terraform reads every JSON string as a template: `${` and `%{` would start an interpolation or a
 * directive. Doubling them keeps a script's own template literals literal.
 */
export const terraformLiteral = (text: string) =>
  // Replacement functions: in a replacement string, `$$` would itself mean one `$`.
  text.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');

const siteOrigin = 'tenant-site';
const assetOrigin = 'shared-assets';
const apiOrigin = 'platform-api';

/** The Statuspage-compatible subscribe call, served on every page domain by the API (not from S3). */
export const subscribePath = '/api/v2/subscribers.json';
/** The header the API finds the tenant by: the host the reader used, which the API cannot see itself. */
export const siteHostHeader = 'x-upstate-site-host';

/**
 * Viewer request of the subscribe behaviour: the API's origin must get its own Host (API Gateway routes
 * by it), so the viewer's Host travels as `x-upstate-site-host`. Always overwritten: a value the viewer
 * sent under that name never reaches the API. The Host itself is a domain of this distribution, since
 * CloudFront routes a request to a distribution tenant by it.
 */
export const siteHostFunctionSource = `function handler(event) {
  var request = event.request;
  request.headers['${siteHostHeader}'] = { value: request.headers.host ? request.headers.host.value : '' };
  return request;
}
`;

/** AWS's managed CachingDisabled cache policy: nothing cached, nothing in the key. */
export const cachingDisabledPolicyId = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

/**
 * The CDN: a multi-tenant distribution (one distribution tenant per page domain, created at runtime
 * by the API) behind one connection group, reading the private bucket through Origin Access Control.
 */
export class EdgeStack extends Construct {
  readonly distribution: CloudfrontMultitenantDistribution;
  readonly connectionGroup: CloudfrontConnectionGroup;
  readonly viewerRequest: CloudfrontFunction;

  readonly siteHost: CloudfrontFunction;

  constructor(
    scope: Construct,
    id: string,
    props: {
      prefix: string;
      bucket: S3Bucket;
      certificateArn: string;
      /** The API's public host (`api.{platform}`): the origin of the subscribe call. */
      apiHost: string;
    },
  ) {
    super(scope, id);
    const { bucket, prefix } = props;

    const oac = new CloudfrontOriginAccessControl(this, 'oac', {
      name: `${prefix}-sites`,
      description: 'CloudFront reads the private site bucket, signing every request',
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });

    // Verbatim the script the local edge runs, so both route a URI the same way.
    this.viewerRequest = new CloudfrontFunction(this, 'viewer-request', {
      name: `${prefix}-viewer-request`,
      runtime: 'cloudfront-js-2.0',
      comment: 'Directory URIs to index.html; refuses dot segments and encoded slashes',
      code: terraformLiteral(cloudFrontFunctionSource),
      publish: true,
    });

    this.siteHost = new CloudfrontFunction(this, 'site-host', {
      name: `${prefix}-site-host`,
      runtime: 'cloudfront-js-2.0',
      comment: 'Passes the page domain to the API as x-upstate-site-host',
      code: terraformLiteral(siteHostFunctionSource),
      publish: true,
    });

    const compressed = { enableAcceptEncodingBrotli: true, enableAcceptEncodingGzip: true };
    // Nothing in a request varies a static page: no cookies, headers or query strings in the key.
    const nothingVaries = {
      cookiesConfig: { cookieBehavior: 'none' },
      headersConfig: { headerBehavior: 'none' },
      queryStringsConfig: { queryStringBehavior: 'none' },
    };
    const assetsPolicy = new CloudfrontCachePolicy(this, 'assets-cache', {
      name: `${prefix}-hashed-assets`,
      comment: 'Content-hashed theme assets: one year',
      minTtl: assetTtlSeconds,
      defaultTtl: assetTtlSeconds,
      maxTtl: assetTtlSeconds,
      parametersInCacheKeyAndForwardedToOrigin: { ...compressed, ...nothingVaries },
    });
    const pagesPolicy = new CloudfrontCachePolicy(this, 'pages-cache', {
      name: `${prefix}-pages`,
      comment: 'HTML, JSON and feeds: short, and invalidated on every publish',
      minTtl: pageTtl.min,
      defaultTtl: pageTtl.default,
      maxTtl: pageTtl.max,
      parametersInCacheKeyAndForwardedToOrigin: { ...compressed, ...nothingVaries },
    });

    // The same values the local edge sends (apps/edge/src/headers.ts).
    const headers = securityHeaders({ https: true });
    const security = {
      contentSecurityPolicy: { contentSecurityPolicy: headers['content-security-policy'] ?? '', override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: 'DENY', override: true },
      referrerPolicy: { referrerPolicy: headers['referrer-policy'] ?? '', override: true },
      strictTransportSecurity: {
        accessControlMaxAgeSec: Number(/max-age=(\d+)/.exec(headers['strict-transport-security'] ?? '')?.[1]),
        includeSubdomains: false,
        preload: false,
        override: true,
      },
    };
    const permissionsPolicy = {
      items: [{ header: 'permissions-policy', value: headers['permissions-policy'] ?? '', override: true }],
    };
    const pageHeaders = new CloudfrontResponseHeadersPolicy(this, 'page-headers', {
      name: `${prefix}-page-headers`,
      comment: 'Security headers on every page',
      securityHeadersConfig: security,
      customHeadersConfig: permissionsPolicy,
    });
    // The embed's iframe page is the one path other sites may frame: no X-Frame-Options, and the
    // CSP the local edge sends for it (frame-ancestors *).
    const frameHeaders = securityHeaders({ https: true, uri: embedFramePrefix });
    const { frameOptions: _deny, ...frameable } = security;
    const embedFrameHeaders = new CloudfrontResponseHeadersPolicy(this, 'embed-frame-headers', {
      name: `${prefix}-embed-frame-headers`,
      comment: 'Security headers for the embed iframe: framable by any site',
      securityHeadersConfig: {
        ...frameable,
        contentSecurityPolicy: { contentSecurityPolicy: frameHeaders['content-security-policy'] ?? '', override: true },
      },
      customHeadersConfig: permissionsPolicy,
    });
    const cors = corsHeaders('/api/v2/summary.json');
    const apiHeaders = new CloudfrontResponseHeadersPolicy(this, 'api-v2-headers', {
      name: `${prefix}-statuspage-api-v2`,
      comment: 'Security headers, and CORS open for Statuspage-compatible widgets',
      securityHeadersConfig: security,
      customHeadersConfig: permissionsPolicy,
      corsConfig: {
        accessControlAllowCredentials: false,
        accessControlAllowOrigins: { items: [cors['access-control-allow-origin'] ?? ''] },
        accessControlAllowMethods: { items: (cors['access-control-allow-methods'] ?? '').split(/,\s*/) },
        accessControlAllowHeaders: { items: ['*'] },
        accessControlMaxAgeSec: Number(cors['access-control-max-age']),
        originOverride: true,
      },
    });

    // A browser preflights a widget's fetch of /api/v2/* (OPTIONS). S3 answers OPTIONS itself from the
    // bucket's CORS rules, without authorisation, but only when it sees the preflight's headers: the
    // pages cache policy forwards none, so without this S3 answered 403 and the custom error response
    // turned that into 404.html, which browsers reject. The headers policy then sets the CORS values.
    const preflightHeaders = ['origin', 'access-control-request-method', 'access-control-request-headers'];
    const corsRequest = new CloudfrontOriginRequestPolicy(this, 'cors-request', {
      name: `${prefix}-statuspage-api-v2-cors`,
      comment: 'Forwards the CORS preflight headers to S3',
      cookiesConfig: { cookieBehavior: 'none' },
      headersConfig: { headerBehavior: 'whitelist', headers: { items: preflightHeaders } },
      queryStringsConfig: { queryStringBehavior: 'none' },
    });
    // The subscribe call's origin sees the form or JSON body, its type, the CORS preflight headers, the
    // page domain and the reader's address (the API's per-address rate limit); never cookies or Host.
    const subscribeRequest = new CloudfrontOriginRequestPolicy(this, 'subscribe-request', {
      name: `${prefix}-statuspage-subscribe`,
      comment: 'Forwards the subscribe call to the API with the page domain',
      cookiesConfig: { cookieBehavior: 'none' },
      headersConfig: {
        headerBehavior: 'whitelist',
        headers: {
          items: ['content-type', 'accept', ...preflightHeaders, siteHostHeader, 'cloudfront-viewer-address'],
        },
      },
      queryStringsConfig: { queryStringBehavior: 'all' },
    });
    new S3BucketCorsConfiguration(this, 'sites-cors', {
      bucket: bucket.id,
      corsRule: [
        {
          allowedMethods: ['GET', 'HEAD'],
          allowedOrigins: [cors['access-control-allow-origin'] ?? '*'],
          allowedHeaders: ['*'],
          maxAgeSeconds: Number(cors['access-control-max-age']),
        },
      ],
    });

    const viewerRequest = [{ eventType: 'viewer-request', functionArn: this.viewerRequest.arn }];
    const readOnly = [{ items: ['GET', 'HEAD'], cachedMethods: ['GET', 'HEAD'] }];
    this.distribution = new CloudfrontMultitenantDistribution(this, 'distribution', {
      comment: `${prefix}: status pages`,
      enabled: true,
      httpVersion: 'http2and3',
      origin: [
        {
          id: siteOrigin,
          domainName: bucket.bucketRegionalDomainName,
          originAccessControlId: oac.id,
          // Each distribution tenant carries its Upstate tenant id: a domain only ever reads its own prefix.
          originPath: `/sites/{{${tenantParameterName}}}`,
        },
        { id: assetOrigin, domainName: bucket.bucketRegionalDomainName, originAccessControlId: oac.id },
        {
          id: apiOrigin,
          domainName: props.apiHost,
          customOriginConfig: [
            { httpPort: 80, httpsPort: 443, originProtocolPolicy: 'https-only', originSslProtocols: ['TLSv1.2'] },
          ],
        },
      ],
      defaultCacheBehavior: [
        {
          targetOriginId: siteOrigin,
          viewerProtocolPolicy: 'redirect-to-https',
          compress: true,
          allowedMethods: readOnly,
          cachePolicyId: pagesPolicy.id,
          responseHeadersPolicyId: pageHeaders.id,
          functionAssociation: viewerRequest,
        },
      ],
      cacheBehavior: [
        {
          pathPattern: '/assets/*',
          targetOriginId: assetOrigin,
          viewerProtocolPolicy: 'redirect-to-https',
          compress: true,
          allowedMethods: readOnly,
          cachePolicyId: assetsPolicy.id,
          responseHeadersPolicyId: pageHeaders.id,
          functionAssociation: viewerRequest,
        },
        {
          pathPattern: `${embedFramePrefix}*`,
          targetOriginId: siteOrigin,
          viewerProtocolPolicy: 'redirect-to-https',
          compress: true,
          allowedMethods: readOnly,
          cachePolicyId: pagesPolicy.id,
          responseHeadersPolicyId: embedFrameHeaders.id,
          functionAssociation: viewerRequest,
        },
        // Before /api/v2/*: the first matching pattern wins. CloudFront offers three method sets only
        // (GET+HEAD, +OPTIONS, or all seven): POST needs all seven, and the API answers the others 404.
        {
          pathPattern: subscribePath,
          targetOriginId: apiOrigin,
          viewerProtocolPolicy: 'https-only',
          compress: false,
          allowedMethods: [
            { items: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'], cachedMethods: ['GET', 'HEAD'] },
          ],
          cachePolicyId: cachingDisabledPolicyId,
          originRequestPolicyId: subscribeRequest.id,
          responseHeadersPolicyId: pageHeaders.id,
          functionAssociation: [{ eventType: 'viewer-request', functionArn: this.siteHost.arn }],
        },
        {
          pathPattern: '/api/v2/*',
          targetOriginId: siteOrigin,
          viewerProtocolPolicy: 'redirect-to-https',
          compress: true,
          allowedMethods: [{ items: ['GET', 'HEAD', 'OPTIONS'], cachedMethods: ['GET', 'HEAD'] }],
          cachePolicyId: pagesPolicy.id,
          originRequestPolicyId: corsRequest.id,
          responseHeadersPolicyId: apiHeaders.id,
          functionAssociation: viewerRequest,
        },
      ],
      // Without s3:ListBucket a missing key is a 403: both become the tenant's own 404 page.
      customErrorResponse: [403, 404].map((errorCode) => ({
        errorCode,
        responseCode: '404',
        responsePagePath: '/404.html',
        errorCachingMinTtl: 60,
      })),
      restrictions: [{ geoRestriction: [{ restrictionType: 'none' }] }],
      // Covers `*.{platformDomain}`; custom domains bring their own managed certificate.
      viewerCertificate: [
        {
          acmCertificateArn: props.certificateArn,
          sslSupportMethod: 'sni-only',
          minimumProtocolVersion: 'TLSv1.2_2021',
        },
      ],
      tenantConfig: [
        {
          parameterDefinition: [
            {
              name: tenantParameterName,
              definition: [{ stringSchema: [{ required: true, comment: 'Upstate tenant id: the S3 prefix served' }] }],
            },
          ],
        },
      ],
    });

    this.connectionGroup = new CloudfrontConnectionGroup(this, 'connection-group', {
      name: `${prefix}-pages`,
      enabled: true,
      // Readers on IPv6-only networks reach every page domain (the routing endpoint gets AAAA records).
      ipv6Enabled: true,
    });

    // Only this distribution may read, only GetObject, only the served prefixes (never manifests/).
    new S3BucketPolicy(this, 'sites-policy', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudFrontReadsPages',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: ['s3:GetObject'],
            Resource: [`${bucket.arn}/sites/*`, `${bucket.arn}/assets/*`],
            Condition: { StringEquals: { 'AWS:SourceArn': this.distribution.arn } },
          },
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: ['s3:*'],
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
  }
}
