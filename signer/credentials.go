package signer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// CredentialSource says where AWS credentials come from. The zero value
// means the AWS SDK's default chain (environment, shared files, SSO,
// credential_process, web identity, ECS, IMDS), exactly as
// github.com/aws/aws-sdk-go-v2/config resolves it.
//
// The base identity is, in this order: static keys (AccessKeyID), a web
// identity (WebIdentity), or the SDK's chain for Profile (the default chain
// when Profile is empty). AssumeRole, when set, assumes a role with that base
// identity, or with AssumeRole.Source when that is set.
type CredentialSource struct {
	// Name identifies the source in messages (e.g. `credentials "ci"` at
	// main.hcl:3).
	Name string

	Profile string
	// Region is the region of the SDK configuration and of STS; empty means
	// the SDK's (AWS_REGION, the profile's region), else us-east-1 for STS.
	Region                 string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string

	// Static keys; when AccessKeyID is set no other source is consulted for
	// the base identity.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string

	// AssumeRole assumes a role through STS (stscreds) with the base
	// identity.
	AssumeRole *AssumeRole
	// WebIdentity exchanges an OIDC token for role credentials through STS
	// AssumeRoleWithWebIdentity; it is the base identity.
	WebIdentity *WebIdentity
	// STSEndpoint is the base endpoint of every STS call made for this
	// source (private endpoints, tests): AssumeRole, AssumeRoleWithWebIdentity
	// and the role_arn / web_identity_token_file of a shared-config profile.
	// Empty means the SDK's endpoint resolution (AWS_ENDPOINT_URL_STS, the
	// profile's endpoint_url or services section, the regional endpoint).
	STSEndpoint string

	// ExpiryWindow is how long before they expire credentials are
	// refreshed; 0 means DefaultExpiryWindow. It is capped at half the
	// remaining lifetime of the credentials being cached, so short-lived
	// credentials are refreshed half-way rather than on every request.
	ExpiryWindow time.Duration
}

// AssumeRole configures an STS AssumeRole call.
type AssumeRole struct {
	RoleARN     string
	ExternalID  string
	SessionName string // default "sigrun-<unix nanos>"
	// Duration of the role session; 0 means the SDK's default (15 min).
	Duration time.Duration
	// Source is the base identity to assume the role with; nil means the
	// enclosing source's own static keys, web identity, profile or default
	// chain. Its Region and STSEndpoint are not used for this call: the
	// enclosing source's are.
	Source *CredentialSource
}

// WebIdentity configures STS AssumeRoleWithWebIdentity. Empty RoleARN and
// TokenFile default to AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE.
type WebIdentity struct {
	RoleARN     string
	TokenFile   string
	SessionName string // default AWS_ROLE_SESSION_NAME, else "sigrun-<unix nanos>"
}

// DefaultExpiryWindow is how long before their expiry credentials are
// refreshed when CredentialSource.ExpiryWindow is 0.
const DefaultExpiryWindow = time.Minute

// maxSourceDepth bounds AssumeRole.Source nesting (and catches cycles).
const maxSourceDepth = 8

// IsStatic reports whether the base identity is static keys.
func (s CredentialSource) IsStatic() bool { return s.AccessKeyID != "" }

// Describe says in a few words where the credentials come from, without any
// secret: "static keys", "profile ci", "the default credential chain",
// "role arn:… assumed with profile ci".
func (s CredentialSource) Describe() string {
	if s.AssumeRole != nil {
		return fmt.Sprintf("role %s assumed with %s", s.AssumeRole.RoleARN, s.baseSource().Describe())
	}
	return s.describeBase()
}

func (s CredentialSource) describeBase() string {
	switch {
	case s.IsStatic():
		return "static keys"
	case s.WebIdentity != nil:
		w := s.webIdentity()
		return fmt.Sprintf("web identity role %s (token file %s)", w.RoleARN, w.TokenFile)
	case s.Profile != "":
		return "profile " + s.Profile
	}
	return "the default credential chain"
}

// baseSource is the identity AssumeRole is called with.
func (s CredentialSource) baseSource() CredentialSource {
	if s.AssumeRole != nil && s.AssumeRole.Source != nil {
		b := *s.AssumeRole.Source
		if b.Name == "" {
			b.Name = s.Name + " assume_role source"
		}
		return b
	}
	b := s
	b.AssumeRole = nil
	return b
}

func (s CredentialSource) webIdentity() WebIdentity {
	w := *s.WebIdentity
	if w.RoleARN == "" {
		w.RoleARN = getenv("AWS_ROLE_ARN")
	}
	if w.TokenFile == "" {
		w.TokenFile = getenv("AWS_WEB_IDENTITY_TOKEN_FILE")
	}
	if w.SessionName == "" {
		w.SessionName = getenv("AWS_ROLE_SESSION_NAME")
	}
	return w
}

func (s CredentialSource) expiryWindow() time.Duration {
	if s.ExpiryWindow > 0 {
		return s.ExpiryWindow
	}
	return DefaultExpiryWindow
}

// stsDescription names the STS endpoint used for this source in messages.
func (s CredentialSource) stsDescription() string {
	if s.STSEndpoint != "" {
		return "STS at " + s.STSEndpoint
	}
	if s.Region != "" {
		return "STS in " + s.Region
	}
	return "STS"
}

func (s CredentialSource) validate(depth int) error {
	if depth > maxSourceDepth {
		return fmt.Errorf("%s: assume_role sources nest more than %d deep (is there a cycle?)", s.Name, maxSourceDepth)
	}
	if s.IsStatic() && s.SecretAccessKey == "" {
		return fmt.Errorf("%s: static credentials need both access_key_id and secret_access_key", s.Name)
	}
	if !s.IsStatic() && s.SecretAccessKey != "" {
		return fmt.Errorf("%s: secret_access_key is set but access_key_id is empty", s.Name)
	}
	if s.IsStatic() && s.WebIdentity != nil {
		return fmt.Errorf("%s: set either static keys or web_identity, not both", s.Name)
	}
	if s.WebIdentity != nil {
		w := s.webIdentity()
		if w.RoleARN == "" {
			return fmt.Errorf("%s: web_identity needs role_arn (or AWS_ROLE_ARN)", s.Name)
		}
		if w.TokenFile == "" {
			return fmt.Errorf("%s: web_identity needs token_file (or AWS_WEB_IDENTITY_TOKEN_FILE)", s.Name)
		}
	}
	if a := s.AssumeRole; a != nil {
		if a.RoleARN == "" {
			return fmt.Errorf("%s: assume_role needs role_arn", s.Name)
		}
		if a.Duration < 0 {
			return fmt.Errorf("%s: assume_role duration must not be negative", s.Name)
		}
		if a.Source != nil {
			if s.IsStatic() || s.WebIdentity != nil || s.Profile != "" {
				return fmt.Errorf("%s: assume_role has its own source, so the block's own keys, profile or web_identity would be ignored: set one or the other", s.Name)
			}
			if err := s.baseSource().validate(depth + 1); err != nil {
				if depth == 0 {
					return fmt.Errorf("%s: in assume_role source: %w", s.Name, err)
				}
				return err
			}
		}
	}
	return nil
}

// NewCredentialsProvider returns a provider for src, cached with
// aws.CredentialsCache so that credentials are fetched once and refreshed
// before they expire (see CredentialSource.ExpiryWindow); it is safe for
// concurrent use. Creating it reads shared configuration files but makes no
// network call: the first Retrieve does.
func NewCredentialsProvider(ctx context.Context, src CredentialSource) (aws.CredentialsProvider, error) {
	if err := src.validate(0); err != nil {
		return nil, err
	}
	p, err := build(ctx, src)
	if err != nil {
		return nil, err
	}
	return &provider{src: src, cache: newCache(p, src.expiryWindow())}, nil
}

// provider is what NewCredentialsProvider returns.
type provider struct {
	src   CredentialSource
	cache *aws.CredentialsCache
}

func (p *provider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	return p.cache.Retrieve(ctx)
}

// Invalidate drops the cached credentials so that the next Retrieve fetches
// new ones (e.g. after a server answered ExpiredToken).
func (p *provider) Invalidate() { p.cache.Invalidate() }

func newCache(p aws.CredentialsProvider, window time.Duration) *aws.CredentialsCache {
	return aws.NewCredentialsCache(p, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = window
		o.ExpiryWindowJitterFrac = 0.1
	})
}

// build returns the uncached provider for src.
func build(ctx context.Context, src CredentialSource) (aws.CredentialsProvider, error) {
	if src.AssumeRole == nil {
		return buildBase(ctx, src)
	}
	baseSrc := src.baseSource()
	base, err := build(ctx, baseSrc) // AssumeRole.Source may assume a role too
	if err != nil {
		return nil, err
	}
	baseCache := newCache(base, baseSrc.expiryWindow())
	client, err := stsClient(ctx, src, baseCache)
	if err != nil {
		return nil, err
	}
	a := src.AssumeRole
	arp := stscreds.NewAssumeRoleProvider(client, a.RoleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = a.SessionName
		if o.RoleSessionName == "" {
			o.RoleSessionName = defaultSessionName()
		}
		if a.ExternalID != "" {
			o.ExternalID = aws.String(a.ExternalID)
		}
		if a.Duration > 0 {
			o.Duration = a.Duration
		}
	})
	return &refreshEarly{p: &assumeRoleStep{base: baseCache, baseSrc: baseSrc, assume: arp, src: src}}, nil
}

// buildBase returns the uncached provider of src's base identity (its
// AssumeRole is ignored).
func buildBase(ctx context.Context, src CredentialSource) (aws.CredentialsProvider, error) {
	switch {
	case src.IsStatic():
		return credentials.NewStaticCredentialsProvider(src.AccessKeyID, src.SecretAccessKey, src.SessionToken), nil
	case src.WebIdentity != nil:
		client, err := stsClient(ctx, src, aws.AnonymousCredentials{})
		if err != nil {
			return nil, err
		}
		w := src.webIdentity()
		p := stscreds.NewWebIdentityRoleProvider(client, w.RoleARN, stscreds.IdentityTokenFile(w.TokenFile),
			func(o *stscreds.WebIdentityRoleOptions) {
				o.RoleSessionName = w.SessionName
				if o.RoleSessionName == "" {
					o.RoleSessionName = defaultSessionName()
				}
			})
		return &refreshEarly{p: p}, nil
	}
	opts := loadOptions(src)
	opts = append(opts,
		config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
			o.Client = adjustSTSClient(o.Client, src)
		}),
		config.WithWebIdentityRoleCredentialOptions(func(o *stscreds.WebIdentityRoleOptions) {
			o.Client = adjustSTSClient(o.Client, src)
		}),
	)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot load AWS configuration for %s: %s", src.Name, src.describeBase(), redact(err.Error(), secretsOf(src)))
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("%s: %s provides no credentials", src.Name, src.describeBase())
	}
	// The SDK wraps its chain in a CredentialsCache that refreshes only
	// once credentials have expired; refreshEarly invalidates it whenever
	// our cache decides to refresh earlier.
	inv, _ := cfg.Credentials.(interface{ Invalidate() })
	return &refreshEarly{p: cfg.Credentials, invalidate: inv}, nil
}

func loadOptions(src CredentialSource) []func(*config.LoadOptions) error {
	opts := []func(*config.LoadOptions) error{
		config.WithAPIOptions([]func(*middleware.Stack) error{serverErrors}),
	}
	if src.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(src.Profile))
	}
	if len(src.SharedConfigFiles) > 0 {
		opts = append(opts, config.WithSharedConfigFiles(src.SharedConfigFiles))
	}
	if len(src.SharedCredentialsFiles) > 0 {
		opts = append(opts, config.WithSharedCredentialsFiles(src.SharedCredentialsFiles))
	}
	if src.Region != "" {
		opts = append(opts, config.WithRegion(src.Region))
	}
	return opts
}

// stsClient is the STS client sigrun itself calls for src, signing with
// creds.
func stsClient(ctx context.Context, src CredentialSource, creds aws.CredentialsProvider) (*sts.Client, error) {
	opts := loadOptions(src)
	opts = append(opts, config.WithCredentialsProvider(creds))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot load AWS configuration for STS: %s", src.Name, redact(err.Error(), secretsOf(src)))
	}
	return sts.NewFromConfig(cfg, func(o *sts.Options) { stsOptions(o, src) }), nil
}

func stsOptions(o *sts.Options, src CredentialSource) {
	if src.Region != "" {
		o.Region = src.Region
	}
	if o.Region == "" {
		o.Region = "us-east-1" // STS is global; any region signs for it
	}
	if src.STSEndpoint != "" {
		o.BaseEndpoint = aws.String(src.STSEndpoint)
	}
}

// adjustSTSClient applies src's STS endpoint and a fallback region to an STS
// client the SDK built for a profile's role_arn or web identity.
func adjustSTSClient[C any](c C, src CredentialSource) C {
	sc, ok := any(c).(*sts.Client)
	if !ok {
		return c
	}
	o := sc.Options()
	if src.STSEndpoint == "" && o.Region != "" {
		return c
	}
	adjusted, ok := any(sts.New(o, func(o *sts.Options) { stsOptions(o, src) })).(C)
	if !ok {
		return c
	}
	return adjusted
}

func defaultSessionName() string {
	return "sigrun-" + strconv.FormatInt(time.Now().UnixNano(), 10)
}

// refreshEarly wraps a provider for aws.CredentialsCache: it caps the
// expiry window at half the credentials' remaining lifetime, invalidates
// an inner SDK cache before fetching, and refuses credentials that have
// already expired.
type refreshEarly struct {
	p          aws.CredentialsProvider
	invalidate interface{ Invalidate() }
}

func (r *refreshEarly) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if r.invalidate != nil {
		r.invalidate.Invalidate()
	}
	creds, err := r.p.Retrieve(ctx)
	if err != nil {
		return creds, err
	}
	if creds.CanExpire && !creds.Expires.After(time.Now()) {
		return aws.Credentials{}, &ExpiredCredentialsError{Expires: creds.Expires}
	}
	return creds, nil
}

// AdjustExpiresBy implements aws.AdjustExpiresByCredentialsCacheStrategy.
func (r *refreshEarly) AdjustExpiresBy(creds aws.Credentials, dur time.Duration) (aws.Credentials, error) {
	if !creds.CanExpire {
		return creds, nil
	}
	if half := time.Until(creds.Expires) / 2; -dur > half {
		dur = -half
	}
	if dur < 0 {
		creds.Expires = creds.Expires.Add(dur)
	}
	return creds, nil
}

// assumeRoleStep retrieves the base identity first, so that a failure there
// is reported as the base's, then calls STS AssumeRole.
type assumeRoleStep struct {
	base    aws.CredentialsProvider
	baseSrc CredentialSource
	assume  aws.CredentialsProvider
	src     CredentialSource
}

func (s *assumeRoleStep) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if _, err := s.base.Retrieve(ctx); err != nil {
		return aws.Credentials{}, &baseError{src: s.baseSource(), err: unwrapCache(err)}
	}
	creds, err := s.assume.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, &assumeError{src: s.src, err: err}
	}
	return creds, nil
}

func (s *assumeRoleStep) baseSource() CredentialSource { return s.baseSrc }

// baseError is a failure of an AssumeRole's base identity.
type baseError struct {
	src CredentialSource
	err error
}

func (e *baseError) Error() string {
	return fmt.Sprintf("the base identity (%s) has no credentials: %s", e.src.Describe(), e.err)
}
func (e *baseError) Unwrap() error { return e.err }

// assumeError is a failure of the STS AssumeRole call itself.
type assumeError struct {
	src CredentialSource
	err error
}

func (e *assumeError) Error() string {
	return fmt.Sprintf("assuming role %s through %s failed: %s", e.src.AssumeRole.RoleARN, e.src.stsDescription(), e.err)
}
func (e *assumeError) Unwrap() error { return e.err }

// unwrapCache strips aws.CredentialsCache's "failed to refresh cached
// credentials, " prefix.
func unwrapCache(err error) error {
	const prefix = "failed to refresh cached credentials, "
	for strings.HasPrefix(err.Error(), prefix) {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	return err
}

// ExpiredCredentialsError is returned when a source hands out credentials
// whose expiry time has already passed.
type ExpiredCredentialsError struct {
	Expires time.Time
}

func (e *ExpiredCredentialsError) Error() string {
	return fmt.Sprintf("the credentials obtained expired at %s", e.Expires.UTC().Format(time.RFC3339))
}

// RetrieveError wraps a failure to retrieve credentials with the source's
// name, what was tried and a hint on how to fix it. Its message never
// contains a secret.
type RetrieveError struct {
	Source CredentialSource
	Err    error
	// Tried lists the sources consulted, in the SDK's order of precedence,
	// and why each gave no credentials.
	Tried []Attempt
	// Hint says how to fix it ("" when there is nothing to say).
	Hint string

	// secrets are further values to keep out of the message (those of the
	// shared-config profile).
	secrets []string
}

// Attempt is one source of credentials consulted and what came of it.
type Attempt struct {
	Source string // "environment", "shared files (profile ci)", "SSO", …
	Result string // why it gave nothing
	// Used is true for the source the SDK settled on (whose failure is
	// the error).
	Used bool
}

func (e *RetrieveError) Error() string {
	secrets := append(secretsOf(e.Source), e.secrets...)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: no credentials from %s", e.Source.Name, e.Source.Describe())
	used := false
	for _, a := range e.Tried {
		used = used || a.Used
	}
	if !used {
		b.WriteString(": " + oneLine(e.Err.Error()))
	}
	if len(e.Tried) > 0 {
		b.WriteString("\n  tried:")
		for _, a := range e.Tried {
			mark := "-"
			if a.Used {
				mark = "*"
			}
			fmt.Fprintf(&b, "\n    %s %s: %s", mark, a.Source, oneLine(a.Result))
		}
	}
	if e.Hint != "" {
		b.WriteString("\n  ")
		b.WriteString(e.Hint)
	}
	return redact(b.String(), secrets)
}

func (e *RetrieveError) Unwrap() error { return e.Err }

// Retrieve gets credentials from p, wrapping a failure in a RetrieveError
// that names src, lists what was tried and hints at a fix.
func Retrieve(ctx context.Context, src CredentialSource, p aws.CredentialsProvider) (aws.Credentials, error) {
	creds, err := p.Retrieve(ctx)
	if err != nil {
		err = unwrapCache(err)
		tried, hint := diagnose(ctx, src, err)
		return aws.Credentials{}, &RetrieveError{Source: src, Err: err, Tried: tried, Hint: hint, secrets: profileSecrets(ctx, src)}
	}
	return creds, nil
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
