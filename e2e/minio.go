package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// MinIOVersion is the MinIO module version scripts/e2e-setup.sh builds (a
// test checks that the two agree).
const MinIOVersion = "v0.0.0-20260212201848-7aac2a2c5b7c"

// MinIOBinEnv names a MinIO server binary to use instead of the cached one.
const MinIOBinEnv = "SIGRUN_MINIO_BIN"

// MinIO is a MinIO server started for a test, with a bucket.
type MinIO struct {
	*Process
	Endpoint     string // http://127.0.0.1:PORT
	Region       string
	RootUser     string
	RootPassword string
	Bucket       string
}

// RootCredentials are MinIO's root keys.
func (m *MinIO) RootCredentials() aws.Credentials {
	return aws.Credentials{AccessKeyID: m.RootUser, SecretAccessKey: m.RootPassword, Source: "MinIO root"}
}

// BucketURL is the path-style URL of Bucket.
func (m *MinIO) BucketURL() string { return m.Endpoint + "/" + m.Bucket }

// MinIOPath is the MinIO binary the suite uses: $SIGRUN_MINIO_BIN, else
// the one scripts/e2e-setup.sh builds into the cache.
func MinIOPath() string {
	if p := os.Getenv(MinIOBinEnv); p != "" {
		return p
	}
	return filepath.Join(CacheDir(), "bin", "minio-"+MinIOVersion)
}

// StartMinIO starts a single-drive MinIO on 127.0.0.1 with fresh data and
// root keys, creates a bucket and stops the server when t ends. Without the
// binary the test is skipped (failed when SIGRUN_E2E_REQUIRED=1).
func StartMinIO(t testing.TB) *MinIO {
	t.Helper()
	bin := MinIOPath()
	if st, err := os.Stat(bin); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		Missing(t, fmt.Sprintf("no MinIO server binary at %s (set $%s or build it)", bin, MinIOBinEnv), SetupCommand)
	}
	dir := t.TempDir()
	m := &MinIO{
		Region:   "us-east-1",
		RootUser: "sigrun-e2e-root", RootPassword: "sigrun-e2e-root-password",
		Bucket: "sigrun-e2e",
	}
	p := StartProcess(t, ProcessSpec{
		Name: "minio",
		Args: func(port int) []string {
			return []string{bin, "server", "--quiet",
				"--address", "127.0.0.1:" + strconv.Itoa(port),
				"--console-address", "127.0.0.1:" + strconv.Itoa(freePort()),
				"--certs-dir", filepath.Join(dir, "certs"),
				filepath.Join(dir, "data")}
		},
		Env: []string{
			"MINIO_ROOT_USER=" + m.RootUser,
			"MINIO_ROOT_PASSWORD=" + m.RootPassword,
			"MINIO_REGION=" + m.Region,
			"MINIO_BROWSER=off",
			"MINIO_UPDATE=off",
			"MINIO_CALLHOME_ENABLE=off",
			"HOME=" + dir,
		},
		// Ready once it answers a signed ListBuckets: /minio/health/ready
		// answers 200 while the object layer is still initialising.
		Ready: func(ctx context.Context, port int) error {
			if err := HTTPReady("/minio/health/ready", http.StatusOK)(ctx, port); err != nil {
				return err
			}
			resp, err := SignedRequest(ctx, http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(port)+"/", nil, nil, m.RootCredentials(), "s3", m.Region)
			if err != nil {
				return err
			}
			if resp.Status != http.StatusOK {
				return fmt.Errorf("ListBuckets: %s", resp)
			}
			// STS comes up after S3: until IAM is initialised AssumeRole
			// answers "Server not initialized, please try again".
			probe := *m
			probe.Endpoint = "http://127.0.0.1:" + strconv.Itoa(port)
			sts, err := probe.AssumeRole(ctx, m.RootCredentials(), 900)
			if err != nil {
				return err
			}
			if sts.Status != http.StatusOK {
				return fmt.Errorf("AssumeRole: %s", sts)
			}
			return nil
		},
	})
	m.Process = p
	m.Endpoint = "http://127.0.0.1:" + strconv.Itoa(p.Port)
	ctx, cancel := context.WithTimeout(context.Background(), RequestTimeout)
	defer cancel()
	resp, err := SignedRequest(ctx, http.MethodPut, m.BucketURL(), nil, nil, m.RootCredentials(), "s3", m.Region)
	if err != nil {
		t.Fatalf("MinIO CreateBucket: %v", err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("MinIO CreateBucket: %s", resp)
	}
	return m
}

// AssumeRole calls MinIO's STS AssumeRole (POST / Action=AssumeRole,
// Version=2011-06-15, signed for service "sts") with creds.
func (m *MinIO) AssumeRole(ctx context.Context, creds aws.Credentials, durationSeconds int) (*Response, error) {
	form := url.Values{
		"Action":          {"AssumeRole"},
		"Version":         {"2011-06-15"},
		"DurationSeconds": {strconv.Itoa(durationSeconds)},
	}
	return QueryAPI(ctx, m.Endpoint, form, creds, "sts", m.Region)
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
