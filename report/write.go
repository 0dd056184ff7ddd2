package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Formats are the report formats, as --report FORMAT=FILE names them.
var Formats = []string{"junit", "json", "html"}

// Target is one --report FORMAT=FILE.
type Target struct {
	Format string
	Path   string
}

func (t Target) String() string { return t.Format + "=" + t.Path }

// ParseTarget reads FORMAT=FILE.
func ParseTarget(s string) (Target, error) {
	format, path, ok := strings.Cut(s, "=")
	format = strings.ToLower(strings.TrimSpace(format))
	if !ok || path == "" {
		return Target{}, fmt.Errorf("--report %q: write FORMAT=FILE, FORMAT one of %s (--report junit=report.xml)", s, strings.Join(Formats, ", "))
	}
	for _, f := range Formats {
		if f == format {
			return Target{Format: format, Path: path}, nil
		}
	}
	return Target{}, fmt.Errorf("--report %q: unknown format %q: use one of %s", s, format, strings.Join(Formats, ", "))
}

// ParseTargets reads every --report, refusing two reports to one file.
func ParseTargets(specs []string) ([]Target, error) {
	var out []Target
	seen := map[string]string{}
	for _, s := range specs {
		t, err := ParseTarget(s)
		if err != nil {
			return nil, err
		}
		abs, err := filepath.Abs(t.Path)
		if err != nil {
			abs = t.Path
		}
		if prev, dup := seen[abs]; dup {
			return nil, fmt.Errorf("--report %s and --report %s write the same file", prev, t)
		}
		seen[abs] = t.String()
		out = append(out, t)
	}
	return out, nil
}

// Encode writes rep in the format.
func Encode(w io.Writer, format string, rep *Report) error {
	switch format {
	case "junit":
		return WriteJUnit(w, rep)
	case "json":
		return WriteJSON(w, rep)
	case "html":
		return WriteHTML(w, rep)
	}
	return fmt.Errorf("unknown report format %q", format)
}

// Write writes rep to the target's file: to a temporary file beside it,
// renamed into place, so that a reader never sees half a report. Missing
// folders are made.
func Write(rep *Report, t Target) error {
	dir := filepath.Dir(t.Path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(t.Path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	if err := Encode(f, t.Format, rep); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, t.Path)
}
