// Command floor is the plain Go program bench/run.sh uses as the floor for
// sigrun: net/http and the aws-sdk-go-v2 SigV4 signer, the same workloads
// and the same parallelism, nothing else. It is not part of sigrun.
//
//	floor -url http://127.0.0.1:PORT -workload independent -n 2000 -parallel 8
//
// Workloads are those of bench/gen: independent, chain, fanout, upload
// (-body-file, streamed: hashed once, then sent from disk) and download
// (-size bytes, streamed to nowhere). Every answer's status must be below 400
// and every body is read in full; it exits 1 if a request failed.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	defaultAccessKeyID     = "AKIASIGRUNBENCH00001"
	defaultSecretAccessKey = "sigrun/bench/secret/not+a+real+aws+key0"
	emptyPayloadHash       = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

type client struct {
	base     string
	http     *http.Client
	signer   *v4.Signer
	creds    aws.Credentials
	service  string
	region   string
	failures atomic.Int64
	firstErr atomic.Value
}

func (c *client) fail(err error) {
	c.failures.Add(1)
	c.firstErr.CompareAndSwap(nil, err.Error())
}

// do sends one signed request and returns the "next" field of a JSON answer
// when want is true.
func (c *client) do(ctx context.Context, method, path string, body io.Reader, size int64, payloadHash string, want bool) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.ContentLength = size
	}
	if err := c.signer.SignHTTP(ctx, c.creds, req, payloadHash, c.service, c.region, time.Now()); err != nil {
		return 0, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, fmt.Errorf("%s %s: status %d: %s", method, path, resp.StatusCode, b)
	}
	if !want {
		_, err := io.Copy(io.Discard, resp.Body)
		return 0, err
	}
	var v struct{ Next int64 }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return 0, fmt.Errorf("%s %s: %v", method, path, err)
	}
	io.Copy(io.Discard, resp.Body)
	return v.Next, nil
}

// pool runs n jobs on parallel workers.
func pool(n, parallel int, job func(i int)) {
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for w := 0; w < parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				job(i)
			}
		}()
	}
	wg.Wait()
}

func fileHash(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

func main() {
	base := flag.String("url", "", "the target's base URL")
	workload := flag.String("workload", "independent", "independent, chain, fanout, upload or download")
	n := flag.Int("n", 2000, "number of requests (fanout: N after the first)")
	parallel := flag.Int("parallel", 8, "requests in flight at most")
	bodyFile := flag.String("body-file", "", "upload: the file to PUT")
	size := flag.Int64("size", 0, "download: bytes to GET")
	flag.Parse()
	if *base == "" || *parallel < 1 {
		fmt.Fprintln(os.Stderr, "floor: -url is required and -parallel must be at least 1")
		os.Exit(2)
	}

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = *parallel
	c := &client{
		base:    *base,
		http:    &http.Client{Transport: tr},
		signer:  v4.NewSigner(),
		creds:   aws.Credentials{AccessKeyID: defaultAccessKeyID, SecretAccessKey: defaultSecretAccessKey},
		service: "execute-api",
		region:  "us-east-1",
	}
	ctx := context.Background()
	sent := 0

	switch *workload {
	case "independent":
		pool(*n, *parallel, func(i int) {
			if _, err := c.do(ctx, "GET", fmt.Sprintf("/items/%d", i), nil, 0, emptyPayloadHash, false); err != nil {
				c.fail(err)
			}
		})
		sent = *n
	case "chain":
		var next int64
		for i := 0; i < *n; i++ {
			v, err := c.do(ctx, "GET", fmt.Sprintf("/items/%d", next), nil, 0, emptyPayloadHash, true)
			sent++
			if err != nil {
				c.fail(err)
				break // its dependents cannot run
			}
			next = v
		}
	case "fanout":
		root, err := c.do(ctx, "GET", "/items/0", nil, 0, emptyPayloadHash, true)
		sent++
		if err != nil {
			c.fail(err)
			break
		}
		pool(*n, *parallel, func(i int) {
			if _, err := c.do(ctx, "GET", fmt.Sprintf("/items/%d/children/%d", root, i), nil, 0, emptyPayloadHash, false); err != nil {
				c.fail(err)
			}
		})
		sent += *n
	case "upload":
		hash, sz, err := fileHash(*bodyFile)
		if err != nil {
			c.fail(err)
			break
		}
		f, err := os.Open(*bodyFile)
		if err != nil {
			c.fail(err)
			break
		}
		_, err = c.do(ctx, "PUT", "/upload", f, sz, hash, false)
		f.Close()
		sent = 1
		if err != nil {
			c.fail(err)
		}
	case "download":
		sent = 1
		if _, err := c.do(ctx, "GET", fmt.Sprintf("/download/%d", *size), nil, 0, emptyPayloadHash, false); err != nil {
			c.fail(err)
		}
	default:
		fmt.Fprintf(os.Stderr, "floor: unknown workload %q\n", *workload)
		os.Exit(2)
	}

	if f := c.failures.Load(); f > 0 {
		msg, _ := c.firstErr.Load().(string)
		fmt.Fprintf(os.Stderr, "floor: %d of %d requests failed; first: %s\n", f, sent, msg)
		os.Exit(1)
	}
	fmt.Printf("floor: %d requests ok\n", sent)
}
