package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sigrun-dev/sigrun/signer"
)

// patternReader yields n bytes of a pattern without holding them.
type patternReader struct{ left int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.left)
	for i := range n {
		b[i] = byte('A' + (p.left-i)%23)
	}
	p.left -= n
	return int(n), nil
}

// Against MinIO's S3 checks: objects whose keys need encoding are listed
// back by name; a presigned GET works without credentials; a 64 MiB
// streaming chunked upload (aws-chunked, chunk signatures, a CRC32C
// trailer) is read back intact.
func TestSignerMinIO(t *testing.T) {
	isolateAWS(t)
	m := StartMinIO(t)
	ctx := testContext(t)
	creds := m.RootCredentials()
	keys := []string{"list/a b.txt", "list/c+d.txt", "list/e=f:g.txt", "list/ünï ✓.txt"}
	for _, k := range keys {
		if err := PutGet(ctx, m.BucketURL(), k, []byte("x"), creds, m.Region); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}

	t.Run("list", func(t *testing.T) {
		q := url.Values{"list-type": {"2"}, "prefix": {"list/"}}
		resp, err := SignedRequest(ctx, http.MethodGet, m.BucketURL()+"?"+q.Encode(), nil, nil, creds, "s3", m.Region)
		if err != nil || resp.Status != 200 {
			t.Fatalf("%v %v", err, resp)
		}
		var out struct {
			Contents []struct{ Key string } `xml:"Contents"`
		}
		if err := xml.Unmarshal(resp.Body, &out); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range out.Contents {
			got = append(got, c.Key)
		}
		sort.Strings(got)
		want := append([]string(nil), keys...)
		sort.Strings(want)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("listed %q, want %q", got, want)
		}
	})

	t.Run("presigned GET", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.BucketURL()+"/list/c+d.txt", http.NoBody)
		u, err := signer.New().Presign(req, creds, signer.UnsignedPayload, signer.Params{Service: "s3", Region: m.Region}, 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "x" {
			t.Fatalf("presigned GET: %d %s", resp.StatusCode, body)
		}
	})

	t.Run("64 MiB streaming upload", func(t *testing.T) {
		const size = 64 << 20
		key := m.BucketURL() + "/streamed/big.bin"
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, key, io.NopCloser(&patternReader{left: size}))
		req.ContentLength = size
		err := signer.New().SignStreaming(req, creds, signer.Params{Service: "s3", Region: m.Region},
			signer.StreamOptions{ChunkSize: 1 << 20, Trailer: "x-amz-checksum-crc32c"})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("streaming PUT: %d %s", resp.StatusCode, body)
		}
		get, _ := http.NewRequestWithContext(ctx, http.MethodGet, key, http.NoBody)
		if err := signer.New().SignHTTP(get, creds, signer.EmptyPayloadHash, signer.Params{Service: "s3", Region: m.Region}); err != nil {
			t.Fatal(err)
		}
		resp, err = http.DefaultClient.Do(get)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		n, _ := io.Copy(h, resp.Body)
		resp.Body.Close()
		want := sha256.New()
		io.Copy(want, &patternReader{left: size})
		if resp.StatusCode != 200 || n != size || hex.EncodeToString(h.Sum(nil)) != hex.EncodeToString(want.Sum(nil)) {
			t.Fatalf("read back %d bytes (status %d), hash mismatch or short", n, resp.StatusCode)
		}
	})
}
