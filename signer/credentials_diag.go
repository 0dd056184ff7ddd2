package signer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
)

// getenv is os.Getenv; a variable for nothing but readability.
var getenv = os.Getenv

// diagnose lists what was tried for src and hints at a fix for err.
func diagnose(ctx context.Context, src CredentialSource, err error) ([]Attempt, string) {
	if a := src.AssumeRole; a != nil {
		var be *baseError
		if errors.As(err, &be) {
			tried, hint := diagnose(ctx, be.src, be.err)
			tried = append(tried, Attempt{
				Source: "assume role " + a.RoleARN,
				Result: "not attempted: the base identity (" + be.src.Describe() + ") has no credentials",
			})
			return tried, hint
		}
		res := errText(err)
		var ae *assumeError
		if errors.As(err, &ae) {
			res = errText(ae.err)
		}
		tried := []Attempt{
			{Source: "base identity (" + src.baseSource().Describe() + ")", Result: "credentials obtained"},
			{Source: fmt.Sprintf("assume role %s through %s", a.RoleARN, src.stsDescription()), Result: res, Used: true},
		}
		return tried, assumeHint(ctx, src, err)
	}
	switch {
	case src.IsStatic():
		if isExpired(err) {
			return nil, "The session credentials have expired: " + RenewHint(ctx, src)
		}
		return nil, ""
	case src.WebIdentity != nil:
		w := src.webIdentity()
		res := errText(err)
		if _, statErr := os.Stat(w.TokenFile); statErr != nil {
			res = fmt.Sprintf("token file %s cannot be read (%v); %s", w.TokenFile, statErr, res)
		}
		tried := []Attempt{{Source: fmt.Sprintf("web identity role %s through %s", w.RoleARN, src.stsDescription()), Result: res, Used: true}}
		return tried, webIdentityHint(src, err)
	}
	return diagnoseChain(ctx, src, err)
}

// errText is err's message without SDK noise, on one line.
func errText(err error) string {
	return oneLine(unwrapCache(err).Error())
}

// chain stages, in the SDK's order of precedence.
const (
	stageEnv     = "environment variables"
	stageFiles   = "shared config/credentials files"
	stageSSO     = "SSO"
	stageLogin   = "aws login session"
	stageProcess = "credential_process"
	stageWebID   = "web identity"
	stageECS     = "ECS container endpoint"
	stageIMDS    = "EC2 instance metadata (IMDS)"
)

// chainInfo is what the environment and the shared files say, as the SDK
// reads them.
type chainInfo struct {
	env       config.EnvConfig
	explicit  bool // the credentials block names the profile
	profile   string
	cfgFiles  []string
	credFiles []string
	sc        config.SharedConfig
	scErr     error
	// leaf is the profile that supplies the base credentials (after
	// following source_profile).
	leaf config.SharedConfig
}

func loadChainInfo(ctx context.Context, src CredentialSource) chainInfo {
	var ci chainInfo
	ci.env, _ = config.NewEnvConfig()
	ci.explicit = src.Profile != ""
	ci.profile = src.Profile
	if ci.profile == "" {
		ci.profile = ci.env.SharedConfigProfile
	}
	if ci.profile == "" {
		ci.profile = "default"
	}
	ci.cfgFiles = src.SharedConfigFiles
	if len(ci.cfgFiles) == 0 {
		if ci.env.SharedConfigFile != "" {
			ci.cfgFiles = []string{ci.env.SharedConfigFile}
		} else {
			ci.cfgFiles = []string{config.DefaultSharedConfigFilename()}
		}
	}
	ci.credFiles = src.SharedCredentialsFiles
	if len(ci.credFiles) == 0 {
		if ci.env.SharedCredentialsFile != "" {
			ci.credFiles = []string{ci.env.SharedCredentialsFile}
		} else {
			ci.credFiles = []string{config.DefaultSharedCredentialsFilename()}
		}
	}
	ci.sc, ci.scErr = config.LoadSharedConfigProfile(ctx, ci.profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = ci.cfgFiles
		o.CredentialsFiles = ci.credFiles
	})
	ci.leaf = ci.sc
	for i := 0; ci.leaf.Source != nil && i < maxSourceDepth; i++ {
		ci.leaf = *ci.leaf.Source
	}
	return ci
}

func (ci *chainInfo) hasSSO(sc config.SharedConfig) bool {
	return sc.SSOSession != nil || sc.SSOStartURL != "" || sc.SSOSessionName != ""
}

// profileStage is the stage the SDK resolves a profile's base credentials
// with.
func (ci *chainInfo) profileStage() string {
	l := ci.leaf
	switch {
	case ci.scErr == nil && l.Credentials.HasKeys():
		return stageFiles
	case ci.scErr == nil && l.CredentialSource != "":
		switch l.CredentialSource {
		case "Environment":
			return stageEnv
		case "EcsContainer":
			return stageECS
		}
		return stageIMDS
	case ci.scErr == nil && l.WebIdentityTokenFile != "":
		return stageWebID
	case ci.scErr == nil && ci.hasSSO(l):
		return stageSSO
	case ci.scErr == nil && l.LoginSession != "":
		return stageLogin
	case ci.scErr == nil && l.CredentialProcess != "":
		return stageProcess
	case ci.env.ContainerCredentialsRelativePath != "" || ci.env.ContainerCredentialsEndpoint != "":
		return stageECS
	}
	return stageIMDS
}

// chosen is the stage the SDK settled on, as resolveCredentialChain in
// github.com/aws/aws-sdk-go-v2/config picks it.
func (ci *chainInfo) chosen() string {
	switch {
	case ci.explicit:
		return ci.profileStage()
	case ci.env.Credentials.HasKeys():
		return stageEnv
	case ci.env.WebIdentityTokenFilePath != "":
		return stageWebID
	}
	return ci.profileStage()
}

func fileStates(files []string) string {
	parts := make([]string, len(files))
	for i, f := range files {
		if _, err := os.Stat(f); err != nil {
			parts[i] = f + " (missing)"
		} else {
			parts[i] = f
		}
	}
	return strings.Join(parts, ", ")
}

// ssoToken reports the state of the cached SSO token of sc.
func ssoToken(sc config.SharedConfig) (state string, expired bool) {
	key := sc.SSOStartURL
	if sc.SSOSession != nil {
		key = sc.SSOSession.Name
	} else if sc.SSOSessionName != "" {
		key = sc.SSOSessionName
	}
	path, err := ssocreds.StandardCachedTokenFilepath(key)
	if err != nil {
		return "no SSO token cache: " + err.Error(), true
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "no cached SSO token (" + path + ")", true
	}
	var tok struct {
		ExpiresAt string `json:"expiresAt"`
	}
	if json.Unmarshal(data, &tok) != nil || tok.ExpiresAt == "" {
		return "the cached SSO token " + path + " cannot be read", true
	}
	exp, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	if err != nil {
		return "the cached SSO token " + path + " has no valid expiresAt", true
	}
	if !exp.After(time.Now()) {
		return "the cached SSO token expired at " + exp.UTC().Format(time.RFC3339), true
	}
	return "the cached SSO token is valid until " + exp.UTC().Format(time.RFC3339), false
}

func diagnoseChain(ctx context.Context, src CredentialSource, err error) ([]Attempt, string) {
	ci := loadChainInfo(ctx, src)
	chosen := ci.chosen()
	failure := errText(err)
	p := fmt.Sprintf("profile %q", ci.profile)
	notTried := "configured but not tried: the SDK uses " + chosen + " first"
	var tried []Attempt
	add := func(stage, reason string, configured bool) {
		a := Attempt{Source: stage, Result: reason}
		switch {
		case stage == chosen:
			a.Used = true
			if reason != "" {
				a.Result = reason + "; " + failure
			} else {
				a.Result = failure
			}
		case configured && reason == "":
			a.Result = notTried
		}
		tried = append(tried, a)
	}

	// Environment.
	var envReason string
	akid, secret := getenv("AWS_ACCESS_KEY_ID") != "" || getenv("AWS_ACCESS_KEY") != "",
		getenv("AWS_SECRET_ACCESS_KEY") != "" || getenv("AWS_SECRET_KEY") != ""
	switch {
	case ci.explicit:
		envReason = fmt.Sprintf("skipped: the credentials block names profile %q, which the SDK uses first", ci.profile)
	case akid && secret:
		envReason = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set"
		if chosen == stageEnv {
			envReason = ""
		}
	case akid:
		envReason = "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
	case secret:
		envReason = "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
	default:
		envReason = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
	}
	if ci.leaf.CredentialSource == "Environment" && chosen == stageEnv && !akid {
		envReason = fmt.Sprintf("profile %q has credential_source = Environment but %s", ci.leaf.Profile, envReason)
	}
	add(stageEnv, envReason, false)

	// Shared files.
	files := "config " + fileStates(ci.cfgFiles) + "; credentials " + fileStates(ci.credFiles)
	var filesReason string
	var notExist config.SharedConfigProfileNotExistError
	switch {
	case errors.As(ci.scErr, &notExist):
		filesReason = fmt.Sprintf("%s is in none of the files (%s)", p, files)
	case ci.scErr != nil:
		filesReason = fmt.Sprintf("%s cannot be read (%s): %s", p, files, oneLine(ci.scErr.Error()))
	case ci.leaf.Credentials.HasKeys():
		filesReason = ""
		if ci.leaf.Profile != ci.profile {
			filesReason = fmt.Sprintf("%s takes keys from source_profile %q", p, ci.leaf.Profile)
		}
	default:
		filesReason = fmt.Sprintf("%s has no aws_access_key_id and aws_secret_access_key (%s)", p, files)
	}
	if ci.scErr == nil && ci.sc.RoleARN != "" {
		role := fmt.Sprintf("%s assumes role %s", p, ci.sc.RoleARN)
		if ci.sc.SourceProfileName != "" {
			role += fmt.Sprintf(" with source_profile %q", ci.sc.SourceProfileName)
		}
		if isSTSCallError(err) {
			// The base credentials were fine; the role could not be assumed.
			tried = append(tried, Attempt{Source: stageFiles, Result: role + ": " + failure, Used: true})
			chosen = "the role of " + p
		} else {
			filesReason = strings.TrimPrefix(filesReason+"; "+role, "; ")
		}
	}
	if chosen != "the role of "+p {
		add(stageFiles, filesReason, ci.leaf.Credentials.HasKeys())
	}

	// SSO.
	var ssoReason string
	if ci.scErr == nil && ci.hasSSO(ci.leaf) {
		ssoReason, _ = ssoToken(ci.leaf)
		if chosen != stageSSO {
			ssoReason = ""
		}
	} else {
		ssoReason = fmt.Sprintf("%s has no sso_session or sso_start_url", p)
	}
	add(stageSSO, ssoReason, ci.scErr == nil && ci.hasSSO(ci.leaf))
	if chosen == stageLogin {
		add(stageLogin, fmt.Sprintf("%s has login_session", p), true)
	}

	// credential_process.
	var procReason string
	if ci.scErr != nil || ci.leaf.CredentialProcess == "" {
		procReason = fmt.Sprintf("%s has no credential_process", p)
	}
	add(stageProcess, procReason, procReason == "")

	// Web identity.
	var webReason string
	switch {
	case !ci.explicit && ci.env.WebIdentityTokenFilePath != "":
		webReason = "AWS_WEB_IDENTITY_TOKEN_FILE is " + ci.env.WebIdentityTokenFilePath
		if ci.env.RoleARN == "" {
			webReason += " but AWS_ROLE_ARN is not set"
		}
	case ci.scErr == nil && ci.leaf.WebIdentityTokenFile != "":
		webReason = fmt.Sprintf("%s has web_identity_token_file %s", p, ci.leaf.WebIdentityTokenFile)
	default:
		webReason = fmt.Sprintf("AWS_WEB_IDENTITY_TOKEN_FILE is not set and %s has no web_identity_token_file", p)
	}
	webConfigured := (!ci.explicit && ci.env.WebIdentityTokenFilePath != "") || (ci.scErr == nil && ci.leaf.WebIdentityTokenFile != "")
	if webConfigured && chosen != stageWebID {
		webReason = ""
	}
	add(stageWebID, webReason, webConfigured)

	// ECS.
	var ecsReason string
	switch {
	case ci.env.ContainerCredentialsRelativePath != "":
		ecsReason = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set"
	case ci.env.ContainerCredentialsEndpoint != "":
		ecsReason = "AWS_CONTAINER_CREDENTIALS_FULL_URI is " + ci.env.ContainerCredentialsEndpoint
	default:
		ecsReason = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"
	}
	ecsConfigured := ci.env.ContainerCredentialsRelativePath != "" || ci.env.ContainerCredentialsEndpoint != ""
	if ecsConfigured && chosen != stageECS {
		ecsReason = ""
	}
	add(stageECS, ecsReason, ecsConfigured)

	// IMDS.
	var imdsReason string
	if strings.EqualFold(getenv("AWS_EC2_METADATA_DISABLED"), "true") {
		imdsReason = "disabled by AWS_EC2_METADATA_DISABLED=true"
	} else {
		ep := ci.env.EC2IMDSEndpoint
		if ep == "" {
			ep = ci.sc.EC2IMDSEndpoint
		}
		if ep == "" {
			ep = "http://169.254.169.254"
		}
		imdsReason = "endpoint " + ep
		if chosen != stageIMDS {
			imdsReason = "not tried: the SDK uses " + chosen + " first"
		}
	}
	add(stageIMDS, imdsReason, false)

	return tried, chainHint(ctx, src, &ci, chosen, err)
}

// isSTSCallError reports whether err comes from an STS call (as opposed to
// the credentials it is signed with).
func isSTSCallError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "operation error STS:") && !strings.Contains(msg, "failed to retrieve credentials")
}

// isExpired reports whether err says that session credentials or an SSO
// session have expired.
func isExpired(err error) bool {
	var ee *ExpiredCredentialsError
	if errors.As(err, &ee) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired":
			return true
		}
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "token included in the request is expired") ||
		strings.Contains(msg, "token has expired") ||
		strings.Contains(msg, "sso session has expired")
}

func isSSOError(err error) bool {
	var ite *ssocreds.InvalidTokenError
	if errors.As(err, &ite) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "SSO token") || strings.Contains(msg, "SSO session")
}

func ssoLogin(profile string) string {
	if profile == "" {
		profile = "<profile>"
	}
	return fmt.Sprintf("run `aws sso login --profile %s` and try again", profile)
}

func chainHint(ctx context.Context, src CredentialSource, ci *chainInfo, chosen string, err error) string {
	switch {
	case chosen == stageSSO || isSSOError(err):
		if _, expired := ssoToken(ci.leaf); expired || isExpired(err) {
			return "The SSO session has expired or was never started: " + ssoLogin(ci.profile)
		}
		return "The SSO sign-in failed: " + ssoLogin(ci.profile)
	case isExpired(err):
		return "The session credentials have expired: " + RenewHint(ctx, src)
	case chosen == stageProcess:
		return fmt.Sprintf("Check the credential_process of profile %q: it must exit 0 and print on stdout a JSON object with Version 1, AccessKeyId and SecretAccessKey (SessionToken and Expiration optional)", ci.leaf.Profile)
	case strings.HasPrefix(chosen, "the role of"):
		return fmt.Sprintf("Check role_arn of profile %q, that its source identity may call sts:AssumeRole on it, and the STS endpoint (AWS_ENDPOINT_URL_STS, endpoint_url, sts_endpoint)", ci.profile)
	case chosen == stageIMDS && !ci.explicit:
		return "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, set AWS_PROFILE, or name a profile in the credentials block"
	}
	return ""
}

func assumeHint(ctx context.Context, src CredentialSource, err error) string {
	var api smithy.APIError
	code, msg := "", ""
	if errors.As(err, &api) {
		code, msg = api.ErrorCode(), strings.ToLower(api.ErrorMessage())
	}
	if strings.Contains(msg, "signature") || strings.Contains(msg, "access key") {
		code = "SignatureDoesNotMatch" // MinIO says AccessDenied for a bad signature
	}
	switch {
	case isExpired(err):
		return "The base identity's session credentials have expired: " + RenewHint(ctx, src.baseSource())
	case code == "AccessDenied" || code == "AccessDeniedException":
		return fmt.Sprintf("STS refused: check role_arn %s, that the base identity may call sts:AssumeRole on it, that the role's trust policy allows the base identity, and external_id", src.AssumeRole.RoleARN)
	case code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" || code == "UnrecognizedClientException":
		return "STS does not accept the base identity's keys: check its access key id and secret access key"
	case code == "":
		return "Check that STS can be reached (region, sts_endpoint, network)"
	}
	return ""
}

func webIdentityHint(src CredentialSource, err error) string {
	if isExpired(err) || strings.Contains(err.Error(), "ExpiredTokenException") {
		return "The web identity token has expired: write a fresh one to " + src.webIdentity().TokenFile
	}
	return "Check the token file, role_arn and that the role trusts the token's identity provider"
}

// RenewHint says how to get fresh credentials for src once its session
// credentials have expired (e.g. after a server answered ExpiredToken):
// "run `aws sso login --profile ci`", … It never contains a secret.
func RenewHint(ctx context.Context, src CredentialSource) string {
	switch {
	case src.AssumeRole != nil:
		return "sigrun assumes the role again by itself; if that fails, renew the base identity: " + RenewHint(ctx, src.baseSource())
	case src.IsStatic():
		return fmt.Sprintf("replace the access_key_id, secret_access_key and session_token of %s with fresh ones (e.g. from `aws sts get-session-token` or `aws configure export-credentials`)", src.Name)
	case src.WebIdentity != nil:
		return "write a fresh token to " + src.webIdentity().TokenFile
	}
	ci := loadChainInfo(ctx, src)
	switch ci.chosen() {
	case stageEnv:
		return "export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (e.g. from `aws configure export-credentials --format env`)"
	case stageSSO:
		return ssoLogin(ci.profile)
	case stageProcess:
		return fmt.Sprintf("the credential_process of profile %q must print credentials with a future Expiration: refresh whatever it reads (e.g. its cache or login)", ci.leaf.Profile)
	case stageFiles:
		return fmt.Sprintf("replace aws_access_key_id, aws_secret_access_key and aws_session_token of profile %q with fresh ones (e.g. `aws configure --profile %s`)", ci.leaf.Profile, ci.leaf.Profile)
	case stageLogin:
		return fmt.Sprintf("run `aws login --profile %s` and try again", ci.profile)
	}
	return "get fresh credentials from " + ci.chosen() + " and try again"
}

// secretsOf lists the secret values known for src: its static secrets (and
// those of its assume_role source) and the secrets in the environment.
func secretsOf(src CredentialSource) []string {
	var out []string
	for s, i := &src, 0; s != nil && i <= maxSourceDepth; i++ {
		out = append(out, s.SecretAccessKey, s.SessionToken)
		if s.AssumeRole == nil {
			break
		}
		s = s.AssumeRole.Source
	}
	for _, k := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN"} {
		out = append(out, getenv(k))
	}
	return out
}

var (
	secretKV = lazyRegexp(`(?i)("?(?:secret_?access_?key|aws_secret_access_key|session_?token|aws_session_token|security_?token|access_?token|refresh_?token|client_?secret|authorization)"?\s*[:=]\s*)("[^"]*"|[^\s,;}]+)`)
	jwtLike  = lazyRegexp(`eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
)

const (
	processOutputPrefix = "parse failed of process output: "
	processOutputSuffix = ", error: "
)

// redact removes secrets from msg: the known values, anything that looks
// like a secret field (JSON or INI), JWTs, and the raw output of a
// credential_process (which the SDK quotes when it cannot parse it).
func redact(msg string, secrets []string) string {
	if i := strings.Index(msg, processOutputPrefix); i >= 0 {
		rest := msg[i+len(processOutputPrefix):]
		if j := strings.LastIndex(rest, processOutputSuffix); j >= 0 {
			msg = msg[:i] + "parse failed of process output: [output not shown]" + rest[j:]
		} else {
			msg = msg[:i] + "parse failed of process output: [output not shown]"
		}
	}
	// Longest first, so that a secret containing another is removed whole.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	for _, s := range secrets {
		if len(s) >= 6 {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	msg = secretKV().ReplaceAllString(msg, "${1}[redacted]")
	return jwtLike().ReplaceAllString(msg, "[redacted token]")
}

// profileSecrets lists the static secrets of the shared-config profile src
// resolves with (and of its source_profile chain).
func profileSecrets(ctx context.Context, src CredentialSource) []string {
	var out []string
	for s, i := &src, 0; s != nil && i <= maxSourceDepth; i++ {
		if !s.IsStatic() && s.WebIdentity == nil {
			ci := loadChainInfo(ctx, *s)
			for sc, j := &ci.sc, 0; sc != nil && j <= maxSourceDepth; j++ {
				out = append(out, sc.Credentials.SecretAccessKey, sc.Credentials.SessionToken)
				sc = sc.Source
			}
		}
		if s.AssumeRole == nil {
			break
		}
		s = s.AssumeRole.Source
	}
	return out
}
