package runner

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/dsl"
)

// partSpec is an evaluated field or file of a multipart body.
type partSpec struct {
	name        string
	value       string // field
	path        string // file, resolved
	filename    string
	contentType string
	size        int64 // file
}

func (r *Runner) evalMultipart(m *dsl.Multipart, ev *evaluator, spec *requestSpec, sc *scope) {
	for _, p := range m.Parts {
		ps := partSpec{name: p.Name}
		ps.contentType, _ = ev.str(p.ContentType, "content_type")
		if !p.File {
			ps.value, _ = ev.str(p.Value, "value")
			spec.parts = append(spec.parts, ps)
			continue
		}
		path, ok := ev.str(p.Path, "path")
		if !ok {
			spec.parts = append(spec.parts, ps)
			continue
		}
		ps.path = sc.resolvePath(path)
		ps.filename = filepath.Base(path)
		if fn, ok := ev.str(p.Filename, "filename"); ok {
			ps.filename = fn
		}
		if ps.contentType == "" {
			ps.contentType = "application/octet-stream"
		}
		info, err := os.Stat(ps.path)
		if err != nil || info.IsDir() {
			ev.errorf(p.Path, "Cannot read multipart file", "The file %q of part %q is not a readable file (resolved to %s).", path, p.Name, ps.path)
		} else {
			ps.size = info.Size()
		}
		spec.parts = append(spec.parts, ps)
	}
	var b [16]byte
	rand.Read(b[:])
	spec.boundary = "sigrun-" + hex.EncodeToString(b[:])
	if spec.header.Get("Content-Type") == "" {
		spec.header.Set("Content-Type", "multipart/form-data; boundary="+spec.boundary)
	}
	n, err := writeMultipart(&countingWriter{}, spec.parts, spec.boundary, false)
	if err != nil {
		ev.diags = append(ev.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid multipart body", Detail: err.Error(), Subject: m.DeclRange.Ptr()})
	}
	spec.size = n
}

// writeMultipart writes the body to w. With withFiles false the files'
// contents are not read but counted by their size, which gives the exact
// length of the body without reading it. It returns the bytes written.
func writeMultipart(w io.Writer, parts []partSpec, boundary string, withFiles bool) (int64, error) {
	cw := &countingWriter{w: w}
	mw := multipart.NewWriter(cw)
	if err := mw.SetBoundary(boundary); err != nil {
		return 0, err
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.path == "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, escapeQuotes(p.name)))
			if p.contentType != "" {
				h.Set("Content-Type", p.contentType)
			}
			pw, err := mw.CreatePart(h)
			if err != nil {
				return cw.n, err
			}
			if _, err := io.WriteString(pw, p.value); err != nil {
				return cw.n, err
			}
			continue
		}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, escapeQuotes(p.name), escapeQuotes(p.filename)))
		h.Set("Content-Type", p.contentType)
		if _, err := mw.CreatePart(h); err != nil {
			return cw.n, err
		}
		if !withFiles {
			cw.n += p.size
			continue
		}
		f, err := os.Open(p.path)
		if err != nil {
			return cw.n, err
		}
		n, err := io.Copy(cw, f)
		f.Close()
		if err != nil {
			return cw.n, err
		}
		if n != p.size {
			return cw.n, fmt.Errorf("the file %s changed size while it was being sent (%d bytes, was %d)", p.path, n, p.size)
		}
	}
	if err := mw.Close(); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// countingWriter counts what goes through it; with a nil w it only counts.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.w == nil {
		c.n += int64(len(p))
		return len(p), nil
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// multipartReader streams the body, reading files as it goes.
func multipartReader(parts []partSpec, boundary string) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		_, err := writeMultipart(pw, parts, boundary, true)
		pw.CloseWithError(err)
	}()
	return pr
}
