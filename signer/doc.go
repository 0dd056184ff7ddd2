// Package signer is sigrun's AWS request-signing core.
//
// It owns:
//   - AWS Signature Version 4 (AWS4-HMAC-SHA256) and SigV4a
//     (AWS4-ECDSA-P256-SHA256) signing of net/http requests, with header
//     authentication (Signer.SignHTTP) and query authentication
//     (Signer.Presign), and a derived-key cache safe for concurrent use;
//   - stand-alone signing keys (SigningKey) that sign without keeping the
//     secret access key;
//   - server-side verification (Verify) as used by sigrun's embedded demo
//     API and the benchmark target, with API Gateway's error wording;
//   - inference of the signing service and region from AWS host names
//     (InferParams);
//   - aws-chunked streaming payloads with chunk and trailer signatures
//     (Signer.SignStreaming, ChunkSigner);
//   - the mismatch explainer (Explain, ParseMismatch, Diagnose), clock-skew
//     detection and correction, and an http.RoundTripper (Transport) that
//     signs every request and never sends a signature to another host.
//
// It does not own: the HCL configuration language and its evaluation
// (package dsl), where credentials come from and how credential sources are
// configured (credential resolution lives in its own files and packages and
// hands this package an aws.Credentials or aws.CredentialsProvider), or HTTP
// execution policy such as retries, timeouts, concurrency and assertions
// (package runner and friends). Transport retries only once, and only to
// correct clock skew.
//
// # Canonicalisation rules
//
// Canonical URI: for every service except the S3 family the wire path
// (URL.Opaque, else URL.EscapedPath) is normalised (dot segments removed,
// "//" collapsed, empty → "/") and UriEncoded again. For s3, s3express,
// s3-outposts and s3-object-lambda the wire path is decoded and UriEncoded
// exactly once and never normalised; SignHTTP then sends exactly that
// encoding (so a '+' in a key goes out as %2B).
//
// Canonical query: the raw query is split on '&' and '=', each part decoded
// ('+' is a space) and strictly re-encoded (%20, %2F, %2B …), sorted by
// name then value; a valueless key becomes "k=". Query components are never
// encoded twice. A malformed percent-escape is an error.
//
// Headers: names lower-cased, values trimmed with runs of whitespace
// (including obs-fold line breaks) collapsed to one space, repeated names
// joined with ',' in order. Never signed: Authorization, Connection, Expect,
// Keep-Alive, Proxy-Authorization, Proxy-Connection, TE, Trailer,
// Transfer-Encoding, Upgrade, User-Agent, X-Amzn-Trace-Id, and anything in
// Params.UnsignedHeaders. host comes from req.Host, else req.URL.Host, with
// :80 (http) and :443 (https) removed.
//
// content-length is signed exactly when net/http will send a Content-Length
// header, with the value it sends: req.ContentLength when it is > 0 (a
// Content-Length entry in req.Header is ignored, as net/http ignores it), or
// 0 when the caller put an explicit Content-Length header on a bodyless
// request whose method is not GET or HEAD. An unknown length (-1, sent
// chunked) is never signed.
//
// # Hashing
//
// On amd64 CPUs with the SHA extensions (SHA-NI) the signer hashes
// canonical requests and computes the signature's HMAC with its own SHA-256
// driver: a compression function in assembly (sha256block_amd64.s), padding
// written after the message in the signer's own buffer, and HMAC states kept
// as eight words per derived key. Elsewhere, and in builds with the purego
// tag, it uses crypto/sha256. Both paths are tested on every machine that
// has SHA-NI (TestCryptoSHA256Path turns the driver off); the compression
// is checked against crypto/sha256 for every length up to 1,100 bytes and by
// FuzzSHANI. Streaming chunk signatures and Verify use crypto/sha256.
package signer
