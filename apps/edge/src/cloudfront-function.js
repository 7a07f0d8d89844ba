// Viewer-request CloudFront Function (runtime cloudfront-js-2.0), deployed verbatim by infra and
// executed by the local edge server, so both route the same way.
// - "/" and "/x/" serve "index.html" of that directory; "/x" (no extension) serves "/x/index.html".
// - Paths with dot segments or encoded slashes/dots are refused: they could escape the tenant's prefix.
// - OPTIONS on /api/v2/* is a CORS preflight from a Statuspage widget: answered here, at the edge,
//   with the headers of apps/edge/src/headers.ts (corsHeaders); OPTIONS elsewhere is refused.
function rewrite(uri) {
  if (typeof uri !== 'string' || uri.charAt(0) !== '/') return { status: 400 };
  var lower = uri.toLowerCase();
  if (
    lower.indexOf('%2e') !== -1 ||
    lower.indexOf('%2f') !== -1 ||
    lower.indexOf('%5c') !== -1 ||
    uri.indexOf('\\') !== -1
  ) {
    return { status: 400 };
  }
  var segments = uri.split('/');
  for (var i = 0; i < segments.length; i++) {
    if (segments[i] === '..' || segments[i] === '.') return { status: 400 };
  }
  if (uri.charAt(uri.length - 1) === '/') return { uri: uri + 'index.html' };
  var last = segments[segments.length - 1];
  if (last.indexOf('.') === -1) return { uri: uri + '/index.html' };
  return { uri: uri };
}

var preflightHeaders = {
  'access-control-allow-origin': { value: '*' },
  'access-control-allow-methods': { value: 'GET, HEAD, OPTIONS' },
  'access-control-max-age': { value: '86400' },
};

async function handler(event) {
  var request = event.request;
  var result = rewrite(request.uri);
  if (result.status) {
    return { statusCode: result.status, statusDescription: 'Bad Request' };
  }
  if (request.method === 'OPTIONS') {
    if (request.uri.indexOf('/api/v2/') === 0) {
      return { statusCode: 204, statusDescription: 'No Content', headers: preflightHeaders };
    }
    return { statusCode: 405, statusDescription: 'Method Not Allowed', headers: { allow: { value: 'GET, HEAD' } } };
  }
  request.uri = result.uri;
  return request;
}
