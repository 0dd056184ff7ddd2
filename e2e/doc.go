// Package e2e is sigrun's end-to-end suite: it checks AWS credential
// resolution (package signer's CredentialSource) and SigV4 signing against
// real servers that were not written here, started by the suite itself.
//
// The helpers (exported, so that other packages' tests may use them) start
// each server on a free 127.0.0.1 port, wait until it answers, and stop it
// (SIGTERM, then SIGKILL) when the test ends:
//
//   - StartMoto runs moto_server (Python's moto) with IAM authentication
//     switched on: INITIAL_NO_AUTH_ACTION_COUNT lets exactly the bootstrap
//     through (an IAM user with an access key, two roles — one requiring an
//     external id — and a bucket, created with aws-sdk-go-v2's IAM client),
//     after which moto verifies the SigV4 signature of every request
//     against the access keys it knows, checks session tokens, and applies
//     IAM policies. CheckAuthOn proves it.
//   - StartMinIO runs a MinIO server built by scripts/e2e-setup.sh (pinned
//     to MinIOVersion; the binary is $SIGRUN_MINIO_BIN or the setup
//     script's cache) with root keys and a bucket.
//
// A missing binary skips the test with the reason and the command that
// installs it; with SIGRUN_E2E_REQUIRED=1 (CI) it fails instead.
//
// What the suite covers: static keys; AssumeRole through STS at a given
// endpoint (moto, and MinIO's STS API), with external id and a nested
// source; wrong role ARNs and wrong keys reported clearly; web identity;
// shared config and credentials files (static profile, source_profile +
// role_arn with the STS endpoint from a services section, from
// AWS_ENDPOINT_URL_STS or from STSEndpoint, credential_process, expired
// credential_process output, expired SSO tokens); the SDK's default chain
// from the environment and from an IMDSv2 server; the list of sources
// tried when nothing resolves; no secret in any message; credentials that
// expire two seconds into a five-second concurrent run being refreshed
// with no request failing; S3 PUT/GET signed by sigrun with the resulting
// credentials and accepted by moto and MinIO; a tampered session token
// refused.
//
// What it does not cover: real AWS (nothing leaves 127.0.0.1: TestMain
// points HTTP(S)_PROXY at a closed loopback port so that a wrongly
// resolved endpoint fails at once); real SSO sign-in and token refresh
// (only expired or missing cached tokens); ECS container credentials;
// validation of web identity tokens (moto accepts any); SigV4a, presigned
// URLs and streaming uploads against these servers; the runner and the
// HCL language on top of the signer.
//
// Tests change process-wide environment variables with t.Setenv, so none
// of them runs in parallel. Every server, request and run is bounded in
// time (StartTimeout, RequestTimeout, a 60 s budget per test) and the
// refresh runs in request count. See docs/e2e.md for how to run it.
package e2e
