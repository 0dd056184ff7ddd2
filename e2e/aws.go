package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/signer"
)

// RequestTimeout bounds every request the helpers send.
const RequestTimeout = 15 * time.Second

// Client is the HTTP client of the helpers: no proxy (every server is on
// 127.0.0.1), no redirects, bounded in time.
var Client = &http.Client{
	Timeout: RequestTimeout,
	Transport: &http.Transport{
		Proxy:               nil,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
	},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Response is a server's answer, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *Response) String() string {
	return fmt.Sprintf("%d %s", r.Status, strings.TrimSpace(string(r.Body)))
}

// PayloadHash is the hex SHA-256 of body.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// SignedRequest builds a request for rawURL with body, signs it with
// sigrun's signer (SigV4, header authentication) for service and region,
// and sends it.
func SignedRequest(ctx context.Context, method, rawURL string, header http.Header, body []byte, creds aws.Credentials, service, region string) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, rawURL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if len(body) == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if err := signer.New().SignHTTP(req, creds, PayloadHash(body), signer.Params{Service: service, Region: region}); err != nil {
		return nil, fmt.Errorf("signing %s %s: %w", method, rawURL, err)
	}
	resp, err := Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// QueryAPI sends an AWS Query-protocol call (form POST to "/") signed for
// service, e.g. STS AssumeRole.
func QueryAPI(ctx context.Context, endpoint string, form url.Values, creds aws.Credentials, service, region string) (*Response, error) {
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	return SignedRequest(ctx, http.MethodPost, strings.TrimRight(endpoint, "/")+"/", h, []byte(form.Encode()), creds, service, region)
}

// STSCredentials are the Credentials element of an AssumeRole answer.
type STSCredentials struct {
	AccessKeyID     string    `xml:"AccessKeyId"`
	SecretAccessKey string    `xml:"SecretAccessKey"`
	SessionToken    string    `xml:"SessionToken"`
	Expiration      time.Time `xml:"Expiration"`
}

// AWS converts c to aws.Credentials.
func (c STSCredentials) AWS() aws.Credentials {
	return aws.Credentials{
		AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken,
		CanExpire: !c.Expiration.IsZero(), Expires: c.Expiration, Source: "e2e STS",
	}
}

// ParseAssumeRole reads the credentials out of an AssumeRoleResponse.
func ParseAssumeRole(body []byte) (STSCredentials, error) {
	var v struct {
		Result struct {
			Credentials STSCredentials `xml:"Credentials"`
		} `xml:"AssumeRoleResult"`
	}
	if err := xml.Unmarshal(body, &v); err != nil {
		return STSCredentials{}, fmt.Errorf("AssumeRole answer is not XML: %w", err)
	}
	c := v.Result.Credentials
	if c.AccessKeyID == "" || c.SecretAccessKey == "" || c.SessionToken == "" {
		return STSCredentials{}, fmt.Errorf("AssumeRole answer has no credentials: %.300s", body)
	}
	return c, nil
}

// ErrorCode is the first <Code> of an AWS XML error body ("" if none):
// <Error><Code> (S3, MinIO) or <ErrorResponse><Errors><Error><Code> (moto).
func ErrorCode(body []byte) string {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Code" {
			var code string
			if d.DecodeElement(&code, &se) != nil {
				return ""
			}
			return strings.TrimSpace(code)
		}
	}
}

// PutGet PUTs body at bucketURL/key and GETs it back, both signed for s3
// with creds; it fails unless both answer 200 and the bytes round-trip.
func PutGet(ctx context.Context, bucketURL, key string, body []byte, creds aws.Credentials, region string) error {
	u := strings.TrimRight(bucketURL, "/") + "/" + key
	put, err := SignedRequest(ctx, http.MethodPut, u, nil, body, creds, "s3", region)
	if err != nil {
		return fmt.Errorf("PUT %s: %w", key, err)
	}
	if put.Status != http.StatusOK {
		return fmt.Errorf("PUT %s: %s", key, put)
	}
	get, err := SignedRequest(ctx, http.MethodGet, u, nil, nil, creds, "s3", region)
	if err != nil {
		return fmt.Errorf("GET %s: %w", key, err)
	}
	if get.Status != http.StatusOK {
		return fmt.Errorf("GET %s: %s", key, get)
	}
	if !bytes.Equal(get.Body, body) {
		return fmt.Errorf("GET %s returned %q, want %q", key, get.Body, body)
	}
	return nil
}
