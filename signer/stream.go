package signer

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ChunkSigner computes the signatures of an aws-chunked body
// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]): each chunk's signature
// chains on the previous one, starting from the seed (the request's own
// signature). It holds the derived signing key, never the secret. Not safe
// for concurrent use (a body is a sequence).
type ChunkSigner struct {
	entry   *keyEntry
	amzDate string
	prev    string
	hm      hmacState
	buf     []byte
}

// NewChunkSigner returns a ChunkSigner for a request signed at t for
// region/service whose seed signature is seed.
func (s *Signer) NewChunkSigner(creds aws.Credentials, t time.Time, region, service, seed string) (*ChunkSigner, error) {
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return nil, ErrMissingCredentials
	}
	t = t.UTC()
	date := appendAmzDate(nil, t)
	e := s.cache.get(creds.AccessKeyID, creds.SecretAccessKey, dayNumber(t), date[:8], region, service)
	return &ChunkSigner{entry: e, amzDate: string(date), prev: seed, hm: newHMACState()}, nil
}

// StringToSign returns the string to sign of the last chunk or trailer signed.
func (c *ChunkSigner) StringToSign() string { return string(c.buf) }

// Previous returns the last signature in the chain (the seed at first).
func (c *ChunkSigner) Previous() string { return c.prev }

// SignChunk signs the next chunk (an empty chunk ends the body).
func (c *ChunkSigner) SignChunk(data []byte) string {
	sum := sha256.Sum256(data)
	return c.signChunkSum(sum[:])
}

func (c *ChunkSigner) signChunkSum(sum []byte) string {
	b := append(c.buf[:0], "AWS4-HMAC-SHA256-PAYLOAD\n"...)
	b = append(b, c.amzDate...)
	b = append(b, '\n')
	b = append(b, c.entry.scope...)
	b = append(b, '\n')
	b = append(b, c.prev...)
	b = append(b, '\n')
	b = append(b, EmptyPayloadHash...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, sum)
	c.buf = b
	return c.finish(b)
}

func (c *ChunkSigner) finish(sts []byte) string {
	var mac [64]byte
	m := c.hm.sum(mac[:0], c.entry, sts)
	c.prev = hex.EncodeToString(m)
	return c.prev
}

// SignTrailer signs the trailing headers, given in canonical form (each
// "lower-case-name:value\n", sorted by name).
func (c *ChunkSigner) SignTrailer(canonicalTrailer []byte) string {
	sum := sha256.Sum256(canonicalTrailer)
	b := append(c.buf[:0], "AWS4-HMAC-SHA256-TRAILER\n"...)
	b = append(b, c.amzDate...)
	b = append(b, '\n')
	b = append(b, c.entry.scope...)
	b = append(b, '\n')
	b = append(b, c.prev...)
	b = append(b, '\n')
	b = hex.AppendEncode(b, sum[:])
	c.buf = b
	return c.finish(b)
}

// StreamOptions configure SignStreaming.
type StreamOptions struct {
	// ChunkSize is the number of payload bytes per chunk (default 64 KiB;
	// S3 requires at least 8 KiB for every chunk but the last).
	ChunkSize int
	// DecodedLength is the payload length. Zero means req.ContentLength,
	// which then must be known (>= 0).
	DecodedLength int64
	// Trailer names a checksum sent, and signed, after the last chunk:
	// "x-amz-checksum-crc32c", "x-amz-checksum-crc32", "x-amz-checksum-sha1"
	// or "x-amz-checksum-sha256". Empty: no trailer.
	Trailer string
}

// ErrStreamLength: the body yielded a different number of bytes than announced.
var ErrStreamLength = errors.New("signer: streaming body length differs from the decoded content length")

const chunkSigPrefix = ";chunk-signature="

func newTrailerHash(name string) (hash.Hash, error) {
	switch name {
	case "x-amz-checksum-crc32c":
		return crc32.New(crc32.MakeTable(crc32.Castagnoli)), nil
	case "x-amz-checksum-crc32":
		return crc32.NewIEEE(), nil
	case "x-amz-checksum-sha1":
		return sha1.New(), nil
	case "x-amz-checksum-sha256":
		return sha256.New(), nil
	}
	return nil, fmt.Errorf("signer: unsupported trailing checksum %q", name)
}

// EncodedLength returns the length of the aws-chunked encoding of a payload
// of decodedLen bytes in chunks of chunkSize, with the named trailer ("" none).
func EncodedLength(decodedLen int64, chunkSize int, trailer string) (int64, error) {
	if chunkSize <= 0 {
		chunkSize = 64 << 10
	}
	chunk := func(n int64) int64 {
		return int64(len(strconv.FormatInt(n, 16))) + int64(len(chunkSigPrefix)) + 64 + 2 + n + 2
	}
	full := decodedLen / int64(chunkSize)
	total := full * chunk(int64(chunkSize))
	if rem := decodedLen % int64(chunkSize); rem > 0 {
		total += chunk(rem)
	}
	total += 1 + int64(len(chunkSigPrefix)) + 64 + 2 // final 0-size chunk header
	if trailer == "" {
		return total + 2, nil
	}
	h, err := newTrailerHash(trailer)
	if err != nil {
		return 0, err
	}
	total += int64(len(trailer)+1+base64.StdEncoding.EncodedLen(h.Size())) + 2
	total += int64(len("x-amz-trailer-signature:")) + 64 + 2
	return total + 2, nil
}

// SignStreaming signs req for an S3 aws-chunked upload with chunk signatures
// and replaces req.Body with the encoded stream, which it produces chunk by
// chunk without holding the body. It sets Content-Encoding: aws-chunked,
// x-amz-decoded-content-length, x-amz-content-sha256 (STREAMING-…),
// x-amz-trailer when o.Trailer is set, and req.ContentLength to the encoded
// length (signed as content-length unless p.UnsignedHeaders lists it). When
// req.GetBody is set, GetBody is replaced so that a retry re-encodes the
// body with the same chunk signatures. SigV4 only.
func (s *Signer) SignStreaming(req *http.Request, creds aws.Credentials, p Params, o StreamOptions) error {
	if p.Algorithm != SigV4 {
		return errors.New("signer: streaming signatures are implemented for SigV4 only")
	}
	if o.ChunkSize == 0 {
		o.ChunkSize = 64 << 10
	}
	if o.ChunkSize < 8<<10 {
		return fmt.Errorf("signer: chunk size %d is below S3's 8 KiB minimum", o.ChunkSize)
	}
	decoded := o.DecodedLength
	if decoded == 0 {
		decoded = req.ContentLength
		if req.Body == nil || req.Body == http.NoBody {
			decoded = 0
		}
	}
	if decoded < 0 {
		return errors.New("signer: streaming needs the decoded content length")
	}
	encoded, err := EncodedLength(decoded, o.ChunkSize, o.Trailer)
	if err != nil {
		return err
	}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if ce := req.Header.Get("Content-Encoding"); ce == "" {
		req.Header.Set("Content-Encoding", "aws-chunked")
	} else if !strings.Contains(ce, "aws-chunked") {
		req.Header.Set("Content-Encoding", "aws-chunked,"+ce)
	}
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.FormatInt(decoded, 10))
	payload := StreamingPayload
	if o.Trailer != "" {
		payload = StreamingPayloadTrailer
		req.Header.Set("X-Amz-Trailer", o.Trailer)
	}
	req.Header.Del("X-Amz-Content-Sha256")
	req.Header.Del("Content-Length")
	body := req.Body
	if body == nil {
		body = http.NoBody
	}
	req.ContentLength = encoded

	st := getState()
	defer putState(st)
	if err := s.build(st, req, &signInput{akid: creds.AccessKeyID, secret: creds.SecretAccessKey, token: creds.SessionToken, payloadHash: payload, p: p}); err != nil {
		return err
	}
	st.apply(req, p.Algorithm, p.Region, creds.SessionToken)
	if !st.addSHA {
		req.Header.Set("X-Amz-Content-Sha256", payload)
	}
	seed := string(st.sig)
	entry, amzDate := st.entry, string(st.amzDate)
	newReader := func(rc io.ReadCloser) io.ReadCloser {
		return &chunkedReader{
			src: rc, size: o.ChunkSize, left: decoded, trailer: o.Trailer,
			signer: &ChunkSigner{entry: entry, amzDate: amzDate, prev: seed, hm: newHMACState()},
		}
	}
	req.Body = newReader(body)
	if gb := req.GetBody; gb != nil {
		req.GetBody = func() (io.ReadCloser, error) {
			rc, err := gb()
			if err != nil {
				return nil, err
			}
			return newReader(rc), nil
		}
	}
	return nil
}

// chunkedReader produces the aws-chunked encoding of src.
type chunkedReader struct {
	src     io.ReadCloser
	size    int
	left    int64 // decoded bytes still expected
	trailer string
	signer  *ChunkSigner
	sum     hash.Hash
	data    []byte
	out     []byte // pending encoded bytes
	off     int
	done    bool
	err     error
}

func (r *chunkedReader) Read(p []byte) (int, error) {
	for r.off >= len(r.out) {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.fill()
	}
	n := copy(p, r.out[r.off:])
	r.off += n
	return n, nil
}

func (r *chunkedReader) fill() {
	if r.data == nil {
		r.data = make([]byte, r.size)
		if r.trailer != "" {
			r.sum, r.err = newTrailerHash(r.trailer)
			if r.err != nil {
				return
			}
		}
	}
	r.out, r.off = r.out[:0], 0
	want := int64(r.size)
	if r.left < want {
		want = r.left
	}
	n := 0
	if want > 0 {
		var err error
		n, err = io.ReadFull(r.src, r.data[:want])
		if err != nil {
			r.err = fmt.Errorf("%w: %v", ErrStreamLength, err)
			return
		}
	}
	r.left -= int64(n)
	chunk := r.data[:n]
	if n == 0 {
		// The body must be exhausted now.
		var one [1]byte
		if m, _ := r.src.Read(one[:]); m > 0 {
			r.err = ErrStreamLength
			return
		}
	}
	if r.sum != nil {
		r.sum.Write(chunk)
	}
	sig := r.signer.SignChunk(chunk)
	r.out = strconv.AppendInt(r.out, int64(n), 16)
	r.out = append(r.out, chunkSigPrefix...)
	r.out = append(r.out, sig...)
	r.out = append(r.out, "\r\n"...)
	if n > 0 {
		r.out = append(r.out, chunk...)
		r.out = append(r.out, "\r\n"...)
		return
	}
	r.done = true
	if r.trailer == "" {
		r.out = append(r.out, "\r\n"...)
		return
	}
	line := r.trailer + ":" + base64.StdEncoding.EncodeToString(r.sum.Sum(nil))
	tsig := r.signer.SignTrailer([]byte(line + "\n"))
	r.out = append(r.out, line...)
	r.out = append(r.out, "\r\n"...)
	r.out = append(r.out, "x-amz-trailer-signature:"...)
	r.out = append(r.out, tsig...)
	r.out = append(r.out, "\r\n\r\n"...)
}

func (r *chunkedReader) Close() error { return r.src.Close() }
