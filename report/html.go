package report

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"
)

//go:embed assets/report.html.tmpl assets/report.css assets/report.js
var assets embed.FS

// htmlTemplate is parsed on first use, not at start-up: every sigrun
// process would otherwise pay for it.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
		"diagText":     diagText,
		"message":      Message,
		"ms":           func(ms float64) string { return formatMS(ms) },
		"outcomeLabel": outcomeLabel,
		"statusClass":  func(s int) int { return s / 100 },
		"statusText":   http.StatusText,
		"headerLines":  headerLines,
		"blockAnchor":  func(b string) string { return "block-" + b },
		"offset": func(start time.Time, t *time.Time) string {
			return formatMS(durationMS(t.Sub(start)))
		},
		"checkClass": func(c *Check) string {
			switch {
			case c.Passed:
				return "pass"
			case c.Warning:
				return "warn"
			}
			return "fail"
		},
		"checkIcon": func(c *Check) string {
			switch {
			case c.Passed:
				return "✓"
			case c.Warning:
				return "!"
			}
			return "✗"
		},
	}).ParseFS(assets, "assets/report.html.tmpl"))
})

// timelineRequest is what the page's script draws a bar from.
type timelineRequest struct {
	I       int      `json:"i"`
	Name    string   `json:"name"`
	Block   string   `json:"block"`
	Outcome string   `json:"outcome"`
	Start   *float64 `json:"start"` // ms after the run started; null: never started
	Dur     float64  `json:"dur"`
	Deps    []string `json:"deps"`
	Method  string   `json:"method,omitempty"`
	Path    string   `json:"path,omitempty"`
	Status  int      `json:"status,omitempty"`
}

type timelineData struct {
	DurationMS float64           `json:"duration_ms"`
	Requests   []timelineRequest `json:"requests"`
}

// WriteHTML writes rep as one self-contained HTML page: the summary, a
// timeline of the run drawn by an inline script (one bar per request,
// lines from each request to those it waited for, the number in flight),
// the outputs, and each request's details: checks, diagnostics, and the
// request and response as sent and received. It loads nothing: CSS,
// script and data are inline, and its Content-Security-Policy forbids
// any fetch.
func WriteHTML(w io.Writer, rep *Report) error {
	css, err := assets.ReadFile("assets/report.css")
	if err != nil {
		return err
	}
	js, err := assets.ReadFile("assets/report.js")
	if err != nil {
		return err
	}
	td := timelineData{DurationMS: rep.DurationMS, Requests: []timelineRequest{}}
	for i, r := range rep.Requests {
		tr := timelineRequest{I: i, Name: r.Name, Block: r.Block, Outcome: r.Outcome, Dur: r.DurationMS,
			Deps: r.DependsOn, Method: r.Method, Path: r.Path, Status: r.Status}
		if tr.Deps == nil {
			tr.Deps = []string{}
		}
		if r.Started != nil {
			off := durationMS(r.Started.Sub(rep.Started))
			tr.Start = &off
		}
		td.Requests = append(td.Requests, tr)
	}
	// encoding/json escapes <, > and & (and U+2028, U+2029): the data
	// cannot close its script element.
	data, err := json.Marshal(td)
	if err != nil {
		return err
	}
	verdict, icon := "passed", "✔"
	switch {
	case rep.Summary.Interrupted:
		verdict, icon = "interrupted", "■"
	case !rep.Summary.OK:
		verdict, icon = "failed", "✘"
	}
	title := "sigrun: " + rep.Collection.Name + " — " + rep.Summary.Line()
	var b bytes.Buffer
	err = htmlTemplate().Execute(&b, map[string]any{
		"Rep":         rep,
		"Title":       title,
		"Verdict":     verdict,
		"VerdictIcon": icon,
		"StartedISO":  rep.Started.UTC().Format(time.RFC3339),
		"StartedText": rep.Started.UTC().Format("2006-01-02 15:04:05 UTC"),
		"Duration":    formatMS(rep.DurationMS),
		"Skipped":     rep.Summary.Skipped + rep.Summary.NotRun,
		"CSS":         template.CSS(css),
		"JS":          template.JS(js),
		"Data":        template.JS(data),
	})
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

func outcomeLabel(o string) string {
	switch o {
	case OutcomePassed:
		return "PASS"
	case OutcomeFailed:
		return "FAIL"
	case OutcomeSkipped:
		return "SKIP"
	}
	return "NOT RUN"
}

func formatMS(ms float64) string {
	d := msDuration(ms)
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	case d < 10*time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return d.Round(100 * time.Millisecond).String()
}

// headerLines are headers as "Name: value" lines, sorted by name.
func headerLines(h map[string][]string) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		for _, v := range h[k] {
			out = append(out, k+": "+v)
		}
	}
	return out
}
