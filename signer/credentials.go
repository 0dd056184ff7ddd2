package signer

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// CredentialSource says where AWS credentials come from. The zero value
// means the AWS SDK's default chain (environment, shared files, SSO,
// credential_process, web identity, ECS, IMDS), exactly as
// github.com/aws/aws-sdk-go-v2/config resolves it.
type CredentialSource struct {
	// Name identifies the source in messages (e.g. `credentials "ci"` at
	// main.hcl:3).
	Name string

	Profile                string
	Region                 string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string

	// Static keys; when AccessKeyID is set no other source is consulted.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// IsStatic reports whether the source is static keys.
func (s CredentialSource) IsStatic() bool { return s.AccessKeyID != "" }

// Describe says in a few words where the credentials come from, without any
// secret: "static keys", "profile ci", "the default credential chain".
func (s CredentialSource) Describe() string {
	switch {
	case s.IsStatic():
		return "static keys"
	case s.Profile != "":
		return "profile " + s.Profile
	}
	return "the default credential chain"
}

// NewCredentialsProvider returns a provider for src, cached with
// aws.CredentialsCache so that credentials are fetched once and refreshed
// before they expire; it is safe for concurrent use. Loading reads shared
// configuration files but retrieves nothing: the first Retrieve does.
func NewCredentialsProvider(ctx context.Context, src CredentialSource) (aws.CredentialsProvider, error) {
	if src.IsStatic() {
		if src.SecretAccessKey == "" {
			return nil, fmt.Errorf("%s: static credentials need both access_key_id and secret_access_key", src.Name)
		}
		return aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			src.AccessKeyID, src.SecretAccessKey, src.SessionToken)), nil
	}
	var opts []func(*config.LoadOptions) error
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
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot load AWS configuration for %s: %s", src.Name, src.Describe(), err)
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("%s: %s provides no credentials", src.Name, src.Describe())
	}
	return cfg.Credentials, nil
}

// RetrieveError wraps a failure to retrieve credentials with the source's
// name and a hint on how to fix it.
type RetrieveError struct {
	Source CredentialSource
	Err    error
}

func (e *RetrieveError) Error() string {
	msg := fmt.Sprintf("%s: no credentials from %s: %s", e.Source.Name, e.Source.Describe(), e.Err)
	if hint := retrieveHint(e.Source, e.Err); hint != "" {
		msg += ". " + hint
	}
	return msg
}

func (e *RetrieveError) Unwrap() error { return e.Err }

// Retrieve gets credentials from p, wrapping a failure in a RetrieveError.
func Retrieve(ctx context.Context, src CredentialSource, p aws.CredentialsProvider) (aws.Credentials, error) {
	creds, err := p.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, &RetrieveError{Source: src, Err: err}
	}
	return creds, nil
}

func retrieveHint(src CredentialSource, err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "token") && (strings.Contains(msg, "expired") || strings.Contains(msg, "refresh cached SSO token")):
		p := src.Profile
		if p == "" {
			p = "<profile>"
		}
		return fmt.Sprintf("The SSO session has expired: run `aws sso login --profile %s` and try again", p)
	case src.Profile == "" && !src.IsStatic():
		return "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, set AWS_PROFILE, or name a profile in the credentials block"
	}
	return ""
}
