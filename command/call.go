package command

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/signer"
)

// signingFlags are the flags of call and presign: where the credentials
// come from and what to sign for.
type signingFlags struct {
	profile, service, region string
}

func (s *signingFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.profile, "profile", "", "AWS profile (default: the SDK's default credential chain)")
	cmd.Flags().StringVar(&s.service, "service", "", "signing service (default: inferred from the host)")
	cmd.Flags().StringVar(&s.region, "region", "", "signing region (default: inferred from the host)")
}

// params decides the signing service and region for u: flags win, the
// rest is inferred from the host.
func (s *signingFlags) params(u *url.URL) (signer.Params, error) {
	p := signer.Params{Service: s.service, Region: s.region}
	if p.Service != "" && p.Region != "" {
		return p, nil
	}
	inferred, err := signer.InferParams(u.Hostname())
	if err != nil {
		return p, exitf(ExitInvalid, "%s is not an AWS host name that tells the signing service and region; set --service and --region (e.g. --service execute-api --region us-east-1)", u.Hostname())
	}
	if p.Service != "" {
		inferred.Service = p.Service
	}
	if p.Region != "" {
		inferred.Region = p.Region
	}
	return inferred, nil
}

// credentials resolves the credentials as a collection's credentials block
// would: the profile, else the default chain.
func (s *signingFlags) credentials(ctx context.Context) (aws.Credentials, error) {
	src := signer.CredentialSource{Name: "the default AWS credential chain", Profile: s.profile, Region: s.region}
	if s.profile != "" {
		src.Name = "--profile " + s.profile
	}
	prov, err := signer.NewCredentialsProvider(ctx, src)
	if err != nil {
		return aws.Credentials{}, exitf(ExitFailed, "%s", err)
	}
	creds, err := signer.Retrieve(ctx, src, prov)
	if err != nil {
		return aws.Credentials{}, exitf(ExitFailed, "%s", err)
	}
	return creds, nil
}

func parseURLArg(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, exitf(ExitInvalid, "%q is not an absolute http or https URL", raw)
	}
	return u, nil
}

func newCallCommand(p *Process) *cobra.Command {
	var sf signingFlags
	var method, data string
	var headers []string
	var include, explain, fail bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "call URL",
		Short: "Send one signed request, like awscurl",
		Long: "Call sends one request signed with AWS SigV4 and prints the response body. Credentials\n" +
			"come from --profile or the AWS SDK's default chain, as for a collection's credentials\n" +
			"block. Service and region are inferred from AWS host names; set them for other hosts.\n" +
			"The exit code is 0 for any HTTP answer (1 with --fail when it is 400 or more).",
		Example: "  sigrun call https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets\n" +
			"  sigrun call -X POST -H 'content-type: application/json' -d '{\"a\":1}' --profile ci https://...\n" +
			"  sigrun call --explain --service execute-api --region us-east-1 http://127.0.0.1:8080/demo/items",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := parseURLArg(args[0])
			if err != nil {
				return err
			}
			params, err := sf.params(u)
			if err != nil {
				return err
			}
			body := []byte(data)
			if strings.HasPrefix(data, "@") {
				if body, err = os.ReadFile(data[1:]); err != nil {
					return exitf(ExitInvalid, "-d %s: %s", data, pathErr(err))
				}
			}
			if method == "" {
				method = http.MethodGet
				if len(body) > 0 {
					method = http.MethodPost
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, strings.ToUpper(method), u.String(), strings.NewReader(string(body)))
			if err != nil {
				return exitf(ExitInvalid, "%s", err)
			}
			if len(body) == 0 {
				req.Body = http.NoBody
			}
			for _, h := range headers {
				k, v, ok := strings.Cut(h, ":")
				if !ok {
					return exitf(ExitInvalid, "-H %q: a header is written 'Name: value'", h)
				}
				req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
			creds, err := sf.credentials(cmd.Context())
			if err != nil {
				return err
			}
			s := signer.New()
			hash := signer.HashBytes(body)
			if len(body) == 0 {
				hash = signer.EmptyPayloadHash
			}
			if err := s.SignHTTP(req, creds, hash, params); err != nil {
				return exitf(ExitInvalid, "signing: %s", err)
			}
			redact := redactor(creds, req.Header.Get("Authorization"))
			if explain {
				stripped := req.Clone(ctx)
				stripped.Header.Del("Authorization")
				if ex, err := s.Explain(stripped, creds, hash, params); err == nil {
					fmt.Fprintf(p.Stderr, "Canonical request:\n%s\n\nString to sign:\n%s\n\nScope: %s\n\n",
						redact(ex.CanonicalRequest), ex.StringToSign, ex.Scope)
				}
			}
			resp, err := runner.NewHTTPClient(1).Do(req)
			if err != nil {
				return exitf(ExitFailed, "%s %s: %s", req.Method, u.Redacted(), err)
			}
			defer resp.Body.Close()
			if include {
				fmt.Fprintf(p.Stdout, "%s %s\n", resp.Proto, resp.Status)
				resp.Header.Write(p.Stdout)
				fmt.Fprintln(p.Stdout)
			}
			respBody, err := io.ReadAll(resp.Body)
			if err != nil {
				return exitf(ExitFailed, "reading the response: %s", err)
			}
			p.Stdout.Write([]byte(redact(string(respBody))))
			if resp.StatusCode >= 400 {
				if theirs, ok := signer.ParseMismatch(respBody); ok {
					stripped := req.Clone(ctx)
					stripped.Header.Del("Authorization")
					if ours, err := s.Explain(stripped, creds, hash, params); err == nil {
						d := signer.Diagnose(ours, theirs)
						fmt.Fprintf(p.Stderr, "\nsigrun: signature mismatch. Likely cause: %s\n%s\n", d.Cause, redact(strings.Join(d.Diff, "\n")))
					}
				}
				if fail {
					return silentExit(ExitFailed)
				}
			}
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVarP(&method, "request", "X", "", "HTTP method (default GET, or POST with -d)")
	cmd.Flags().StringArrayVarP(&headers, "header", "H", nil, "a header, 'Name: value' (repeatable)")
	cmd.Flags().StringVarP(&data, "data", "d", "", "the body, or @FILE")
	cmd.Flags().BoolVarP(&include, "include", "i", false, "print the status line and headers")
	cmd.Flags().BoolVar(&explain, "explain", false, "print the canonical request and string to sign (on stderr)")
	cmd.Flags().BoolVarP(&fail, "fail", "f", false, "exit 1 when the status is 400 or more")
	cmd.Flags().DurationVar(&timeout, "timeout", runner.DefaultTimeout, "give up after this long")
	return cmd
}

// redactor hides the secret key, the session token and the signature.
func redactor(creds aws.Credentials, authz string) func(string) string {
	var secrets []string
	for _, s := range []string{creds.SecretAccessKey, creds.SessionToken} {
		if len(s) >= 4 {
			secrets = append(secrets, s)
		}
	}
	if _, sig, ok := strings.Cut(authz, "Signature="); ok && len(sig) >= 16 {
		secrets = append(secrets, sig)
	}
	return func(s string) string {
		for _, secret := range secrets {
			s = strings.ReplaceAll(s, secret, runner.Redacted)
		}
		return s
	}
}

func newPresignCommand(p *Process) *cobra.Command {
	var sf signingFlags
	var method string
	var expires time.Duration
	cmd := &cobra.Command{
		Use:   "presign URL",
		Short: "Print a presigned URL (query-string SigV4)",
		Long: "Presign prints the URL with its signature in the query string, valid for --expires\n" +
			"(from 1s to 7 days, as AWS allows). With temporary credentials the URL also stops working\n" +
			"when they expire. Anyone with the URL can make the request: treat it as a secret.",
		Example: "  sigrun presign https://my-bucket.s3.eu-west-1.amazonaws.com/report.pdf --expires 15m\n" +
			"  sigrun presign -X PUT --profile ci https://my-bucket.s3.amazonaws.com/upload.bin",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := parseURLArg(args[0])
			if err != nil {
				return err
			}
			if expires < time.Second || expires > 7*24*time.Hour {
				return exitf(ExitInvalid, "--expires must be from 1s to 168h (7 days), not %s", expires)
			}
			params, err := sf.params(u)
			if err != nil {
				return err
			}
			req, err := http.NewRequestWithContext(cmd.Context(), strings.ToUpper(method), u.String(), http.NoBody)
			if err != nil {
				return exitf(ExitInvalid, "%s", err)
			}
			creds, err := sf.credentials(cmd.Context())
			if err != nil {
				return err
			}
			hash := signer.EmptyPayloadHash
			if signer.IsS3Service(params.Service) {
				hash = signer.UnsignedPayload
			}
			signed, err := signer.New().Presign(req, creds, hash, params, expires)
			if err != nil {
				return exitf(ExitInvalid, "presigning: %s", err)
			}
			fmt.Fprintln(p.Stdout, signed.String())
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVarP(&method, "request", "X", http.MethodGet, "the HTTP method the URL is for")
	cmd.Flags().DurationVar(&expires, "expires", time.Hour, "how long the URL is valid (1s to 168h)")
	return cmd
}
