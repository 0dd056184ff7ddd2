package signer

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// parsedChunk is one chunk read back from an aws-chunked body.
type parsedChunk struct {
	size int
	sig  string
	data []byte
}

// parseChunked decodes an aws-chunked body strictly, returning chunks and
// trailer lines (name:value, including x-amz-trailer-signature).
func parseChunked(t *testing.T, body []byte, withTrailer bool) ([]parsedChunk, []string) {
	t.Helper()
	br := bufio.NewReader(bytes.NewReader(body))
	var chunks []parsedChunk
	for {
		line, err := br.ReadString('\n')
		if err != nil || !strings.HasSuffix(line, "\r\n") {
			t.Fatalf("bad chunk header %q: %v", line, err)
		}
		hexSize, sig, ok := strings.Cut(strings.TrimSuffix(line, "\r\n"), ";chunk-signature=")
		if !ok {
			t.Fatalf("chunk header without signature: %q", line)
		}
		n, err := strconv.ParseInt(hexSize, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(br, data); err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, parsedChunk{int(n), sig, data})
		if n == 0 {
			break
		}
		crlf := make([]byte, 2)
		if _, err := io.ReadFull(br, crlf); err != nil || string(crlf) != "\r\n" {
			t.Fatalf("chunk data not followed by CRLF")
		}
	}
	var trailer []string
	for {
		line, err := br.ReadString('\n')
		if err != nil || !strings.HasSuffix(line, "\r\n") {
			t.Fatalf("bad trailer line %q: %v", line, err)
		}
		if line == "\r\n" {
			break
		}
		trailer = append(trailer, strings.TrimSuffix(line, "\r\n"))
	}
	if rest, _ := io.ReadAll(br); len(rest) > 0 {
		t.Fatalf("%d bytes after the end of the chunked body", len(rest))
	}
	if !withTrailer && len(trailer) > 0 {
		t.Fatalf("unexpected trailer %q", trailer)
	}
	return chunks, trailer
}

func testS3Chunked(t *testing.T, s *Signer, c *s3Case) {
	payload := bytes.Repeat([]byte("a"), 66560)
	req, err := http.NewRequest(c.Inputs.Method, c.Inputs.URL, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	p := Params{Service: c.Inputs.Service, Region: c.Inputs.Region}
	var o StreamOptions
	o.ChunkSize = 65536
	for k, v := range c.Inputs.Headers {
		switch strings.ToLower(k) {
		case "host":
			req.Host = v
		case "x-amz-trailer":
			o.Trailer = v
		case "content-encoding", "x-amz-decoded-content-length", "content-length", "x-amz-content-sha256":
			// set by SignStreaming
		default:
			req.Header.Set(k, v)
		}
	}
	if _, ok := c.Inputs.Headers["Content-Length"]; !ok {
		// The docs example with a trailer does not sign content-length.
		p.UnsignedHeaders = []string{"Content-Length"}
	}
	if err := s.SignStreaming(req, c.creds(), p, o); err != nil {
		t.Fatal(err)
	}
	wantPayload := c.Inputs.PayloadHash
	exp, err := s.Explain(req, c.creds(), wantPayload, p)
	if err != nil {
		t.Fatal(err)
	}
	seed := c.Expected.Seed
	expectEqual(t, "seed canonical request", seed.CanonicalRequest, exp.CanonicalRequest)
	expectEqual(t, "seed string to sign", seed.StringToSign, exp.StringToSign)
	expectEqual(t, "seed signature", seed.Signature, exp.Signature)
	if seed.Authorization != "" {
		expectEqual(t, "authorization", seed.Authorization, req.Header.Get("Authorization"))
	}
	for k, v := range c.Inputs.Headers {
		if strings.EqualFold(k, "host") {
			continue
		}
		if strings.EqualFold(k, "content-length") {
			if strconv.FormatInt(req.ContentLength, 10) != v {
				t.Errorf("content-length: want %s got %d", v, req.ContentLength)
			}
			continue
		}
		if got := req.Header.Get(k); got != v {
			t.Errorf("header %s: want %q got %q", k, v, got)
		}
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(body)) != req.ContentLength {
		t.Errorf("encoded body is %d bytes, Content-Length says %d", len(body), req.ContentLength)
	}
	chunks, trailer := parseChunked(t, body, o.Trailer != "")
	if len(chunks) != len(c.Expected.Chunks) {
		t.Fatalf("got %d chunks, want %d", len(chunks), len(c.Expected.Chunks))
	}
	var decoded []byte
	for i, ch := range chunks {
		want := c.Expected.Chunks[i]
		if ch.size != want.Size || ch.sig != want.Signature {
			t.Errorf("chunk %d: got size %d sig %s, want size %d sig %s", i, ch.size, ch.sig, want.Size, want.Signature)
		}
		decoded = append(decoded, ch.data...)
	}
	if !bytes.Equal(decoded, payload) {
		t.Error("decoded chunks differ from the payload")
	}
	// The chunk strings to sign, recomputed with a ChunkSigner from the seed.
	cs, err := s.NewChunkSigner(c.creds(), time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC), p.Region, p.Service, seed.Signature)
	if err != nil {
		t.Fatal(err)
	}
	off := 0
	for i, want := range c.Expected.Chunks {
		cs.SignChunk(payload[off : off+want.Size])
		off += want.Size
		expectEqual(t, "chunk "+strconv.Itoa(i)+" string to sign", want.StringToSign, cs.StringToSign())
	}
	if o.Trailer != "" {
		if len(trailer) != 2 {
			t.Fatalf("trailer lines: %q", trailer)
		}
		expectEqual(t, "trailer canonical", strings.TrimSuffix(c.Inputs.TrailerCanonical, "\n"), trailer[0])
		sig := cs.SignTrailer([]byte(c.Inputs.TrailerCanonical))
		expectEqual(t, "trailer string to sign", c.Expected.Trailer.StringToSign, cs.StringToSign())
		expectEqual(t, "trailer signature (ChunkSigner)", c.Expected.Trailer.Signature, sig)
		expectEqual(t, "trailer signature (stream)", "x-amz-trailer-signature:"+c.Expected.Trailer.Signature, trailer[1])
	}
}

func testS3TrailingHeadersNonDocs(t *testing.T, c *s3Case) {
	s := New()
	cs, err := s.NewChunkSigner(c.creds(), time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC), c.Inputs.Region, c.Inputs.Service, c.Inputs.PreviousSig)
	if err != nil {
		t.Fatal(err)
	}
	var canon strings.Builder
	for _, h := range c.Inputs.TrailingHeaders { // already sorted by name
		canon.WriteString(strings.ToLower(h[0]) + ":" + h[1] + "\n")
	}
	expectEqual(t, "trailer signature", c.Expected.TrailerSignature, cs.SignTrailer([]byte(canon.String())))
}
