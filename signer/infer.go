package signer

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// ErrCannotInfer is wrapped by *InferError.
var ErrCannotInfer = errors.New("set service and region explicitly")

// InferError says that a host name tells nothing about the signing service
// and region (a custom domain, an IP address, localhost, an unknown AWS form).
type InferError struct {
	Host   string
	Reason string
}

func (e *InferError) Error() string {
	return fmt.Sprintf("cannot infer the AWS signing service and region from host %q (%s): set service and region explicitly", e.Host, e.Reason)
}

func (e *InferError) Unwrap() error { return ErrCannotInfer }

// isRegion reports whether s looks like an AWS region: two letters, one or
// more lower-case words, a number ("us-east-1", "us-gov-west-1",
// "cn-north-1", "eu-isoe-west-1", "ap-southeast-5").
func isRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < 'a' || p[i] > 'z' {
				return false
			}
		}
	}
	last := parts[len(parts)-1]
	if last == "" {
		return false
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return true
}

// globalServices sign with a fixed region whatever the endpoint.
var globalServices = map[string]string{
	"iam":               "us-east-1",
	"sts":               "us-east-1",
	"route53":           "us-east-1",
	"cloudfront":        "us-east-1",
	"organizations":     "us-east-1",
	"shield":            "us-east-1",
	"waf":               "us-east-1",
	"budgets":           "us-east-1",
	"globalaccelerator": "us-west-2",
}

// signingNames maps endpoint labels whose signing name differs.
var signingNames = map[string]string{
	"appsync-api":          "appsync",
	"appsync-realtime-api": "appsync",
	"email":                "ses",
	"bedrock-runtime":      "bedrock",
	"bedrock-agent":        "bedrock",
	"runtime.sagemaker":    "sagemaker",
	"runtime.lex":          "lex",
	"streams.dynamodb":     "dynamodb",
	"api.ecr":              "ecr",
	"data.iot":             "iotdata",
	"iot-data":             "iotdata",
	"s3-fips":              "s3",
	"s3-accesspoint":       "s3",
	"s3-accesspoint-fips":  "s3",
	"s3-control":           "s3",
}

// InferParams infers the signing service and region (and SigV4a for S3
// Multi-Region Access Points) from an AWS host name. It is a heuristic over
// the documented endpoint forms; a host that tells nothing returns an
// *InferError (errors.Is(err, ErrCannotInfer)).
func InferParams(host string) (Params, error) {
	orig := host
	h := strings.ToLower(strings.TrimSpace(host))
	if hp, _, err := net.SplitHostPort(h); err == nil {
		h = hp
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	fail := func(reason string) (Params, error) {
		return Params{}, &InferError{Host: orig, Reason: reason}
	}
	if h == "" {
		return fail("empty host")
	}
	if net.ParseIP(h) != nil {
		return fail("an IP address")
	}
	var rest, partition string
	switch {
	case strings.HasSuffix(h, ".amazonaws.com.cn"):
		rest, partition = strings.TrimSuffix(h, ".amazonaws.com.cn"), "aws-cn"
	case strings.HasSuffix(h, ".amazonaws.com"):
		rest, partition = strings.TrimSuffix(h, ".amazonaws.com"), "aws"
	case strings.HasSuffix(h, ".on.aws"):
		rest, partition = strings.TrimSuffix(h, ".on.aws"), "on.aws"
	case strings.HasSuffix(h, ".api.aws"):
		rest, partition = strings.TrimSuffix(h, ".api.aws"), "api.aws"
	default:
		return fail("not an AWS endpoint: a custom domain or local host")
	}
	L := strings.Split(rest, ".")
	n := len(L)
	ok := func(service, region string) (Params, error) {
		return Params{Service: service, Region: region}, nil
	}

	if partition == "on.aws" {
		// {url-id}.lambda-url.{region}.on.aws
		if n >= 3 && L[n-2] == "lambda-url" && isRegion(L[n-1]) {
			return ok("lambda", L[n-1])
		}
		return fail("unknown on.aws form")
	}

	// S3 Multi-Region Access Point: {mrap}.accesspoint.s3-global.amazonaws.com
	if n >= 3 && L[n-1] == "s3-global" && L[n-2] == "accesspoint" {
		return Params{Service: "s3", Region: "*", Algorithm: SigV4A}, nil
	}
	last := L[n-1]

	// {domain}.{region}.es / {collection}.{region}.aoss
	if (last == "es" || last == "aoss") && n >= 2 && isRegion(L[n-2]) {
		return ok(last, L[n-2])
	}
	// VPC endpoint: vpce-….{service}.{region}.vpce.amazonaws.com
	if last == "vpce" && n >= 3 && isRegion(L[n-2]) {
		return ok(signingName(L[n-3], ""), L[n-2])
	}
	// Legacy S3 global and dash-region forms.
	if last == "s3" || last == "s3-external-1" {
		return ok("s3", "us-east-1")
	}
	if strings.HasPrefix(last, "s3-") && !isRegion(last) {
		r := strings.TrimPrefix(last, "s3-")
		r = strings.TrimPrefix(r, "fips-")
		if isRegion(r) {
			return ok("s3", r)
		}
	}
	if isRegion(last) {
		region := last
		if n < 2 {
			return fail("region without a service")
		}
		label := L[n-2]
		prev := ""
		if n >= 3 {
			prev = L[n-3]
		}
		switch {
		case label == "dualstack" || label == "fips":
			// {svc}.dualstack.{region}, s3-fips.dualstack.{region}
			if prev == "" {
				return fail("dualstack/fips without a service")
			}
			return ok(signingName(prev, ""), region)
		case strings.HasPrefix(label, "s3express-"):
			return ok("s3express", region)
		case label == "s3-object-lambda":
			return ok("s3-object-lambda", region)
		case label == "s3-outposts":
			return ok("s3-outposts", region)
		case label == "execute-api":
			return ok("execute-api", region)
		}
		return ok(signingName(label, prev), region)
	}
	// Global endpoints: iam.amazonaws.com, sts.amazonaws.com, …
	if n == 1 || n == 2 && last == "us-gov" {
		if r, found := globalServices[L[0]]; found {
			switch {
			case partition == "aws-cn":
				r = "cn-north-1"
			case last == "us-gov":
				r = "us-gov-west-1"
			}
			return ok(L[0], r)
		}
	}
	if n >= 2 && last == "global" || n >= 1 && strings.HasSuffix(last, "-global") {
		return fail("unknown global endpoint")
	}
	return fail("unrecognised AWS host form")
}

// signingName maps an endpoint label (and the label before it) to a signing name.
func signingName(label, prev string) string {
	if prev != "" {
		if s, found := signingNames[prev+"."+label]; found {
			return s
		}
	}
	if s, found := signingNames[label]; found {
		return s
	}
	if strings.HasSuffix(label, "-fips") {
		return signingName(strings.TrimSuffix(label, "-fips"), "")
	}
	if label == "iot" && prev != "" {
		return "iotdata" // {prefix}-ats.iot.{region}: the data plane
	}
	return label
}
